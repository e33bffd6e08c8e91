// One hop of a bounded breadth-first walk over the edge indexes: the neighbours of a frontier, read in
// chunks that share what is left of the request's read budget, each chunk's adjacency records in one read.

import type { BoundedReader } from '../ledger/bounded-reader.js'
import { inEffect } from './correction-index.js'
import { ADJACENCY_SPACES, fromRecord, type AdjacencyRecord } from './adjacency.js'
import type { EdgeRecord } from './records.js'

/** How many keys of a frontier are read at once (LevelDB serves them from the thread pool). */
export const HOP_PARALLEL_READS = 64

export interface Hop {
  /** per key of the frontier, in its order, the edges read; keys the budget did not reach are absent */
  found: { key: string; edge: EdgeRecord }[][]
  /** true when an edge or a key was left unread: a key had more edges than its share, or the budget ran out */
  cut: boolean
}

/**
 * Reads the neighbours of each key in `frontier`. Each key of a chunk may return up to its fair share of
 * the reads left, so a hop never reads more than the budget however many edges a key has.
 */
export async function boundedHop(reader: BoundedReader, frontier: readonly string[], direction: 'forward' | 'backward'): Promise<Hop> {
  const found: Hop['found'] = []
  let cut = false
  for (let start = 0; start < frontier.length; start += HOP_PARALLEL_READS) {
    if (reader.exhausted) return { found, cut: true }
    const chunk = frontier.slice(start, start + HOP_PARALLEL_READS)
    const share = Math.max(1, Math.floor(reader.remaining / chunk.length))
    // The chunk's adjacency records in one read of the store; one past the share tells a key with
    // exactly its share of edges from one with more. A record's edges count as the rows a range returns.
    const space = ADJACENCY_SPACES[direction]
    await reader.prefetch(space, chunk)
    const rows = await Promise.all(
      chunk.map(async (key) => {
        const record = await reader.get<AdjacencyRecord>(space, key)
        const edges = await fromRecord(reader, key, direction, record, share + 1)
        if (record !== undefined && !('more' in record)) reader.charge(edges.length - 1)
        return edges
      }),
    )
    // The cut is judged on the edges read; an edge of a corrected event is read but no longer holds.
    for (const edges of rows) {
      if (edges.length > share) {
        cut = true
        found.push(edges.slice(0, share).filter(({ edge }) => inEffect(edge)))
      } else found.push(edges.filter(({ edge }) => inEffect(edge)))
    }
  }
  return { found, cut }
}
