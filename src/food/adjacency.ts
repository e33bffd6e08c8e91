// Each object's edges in one record per direction, beside the edge spaces: a walk reads a frontier's
// neighbours with one getMany per hop instead of one range (an iterator, with its snapshot and its trip
// to the thread pool) per object. An object with more edges than a record holds says so, and its walk
// reads the edge space as before; its record is then never rewritten, so a hub costs an append one read.

import { compareCodePoints } from '../core/bytes.js'
import type { RecordReader } from '../ledger/kinds.js'
import type { LevelStore, RecordWrite } from '../store/level-store.js'
import { SEP, prefixRange, seqKey } from '../store/keys.js'
import { buildIndexOnce } from '../store/index-build.js'
import { SPACES, type EdgeRecord } from './records.js'

/** Edges one adjacency record holds: a pallet's cases, a batch's ingredients. Past it, `more`. */
export const ADJACENT_EDGES_HELD = 64
/** The store meta key saying every edge written before this index existed is in it. */
export const ADJACENCY_INDEX_META = 'food.adjacency-index'
/** Records written in one batch while the index is built. */
const BUILD_BATCH = 2_000

export type Direction = 'forward' | 'backward'

/** One edge as seen from one end: the object at the other end, and the edge as the edge space holds it. */
export interface Neighbour {
  key: string
  edge: EdgeRecord
}

/** An object's edges in one direction, in the edge space's key order (other end, then seq). */
export type AdjacencyRecord = { edges: Neighbour[] } | { more: true }

export const ADJACENCY_SPACES: Record<Direction, string> = { forward: SPACES.adjacentForward, backward: SPACES.adjacentBackward }
const EDGE_SPACES: Record<Direction, string> = { forward: SPACES.forward, backward: SPACES.backward }

/** A writer of records that sees its own writes: a rule's context, or the build below. */
interface RecordWriter extends RecordReader {
  put(space: string, key: string, value: unknown): void
}

/**
 * Adds edges to the adjacency records of their ends: for each object, one read and one write, whatever
 * number of its edges one event draws. `edges` are drawn by one event (one seq).
 */
export async function addAdjacentEdges(writer: RecordWriter, edges: readonly { from: string; to: string; edge: EdgeRecord }[]): Promise<void> {
  for (const direction of ['forward', 'backward'] as const) {
    // One edge per pair of ends, the last drawn, as the edge space keeps under its one key.
    const added = new Map<string, Map<string, Neighbour>>()
    for (const { from, to, edge } of edges) {
      const [own, other] = direction === 'forward' ? [from, to] : [to, from]
      const pairs = added.get(own) ?? new Map<string, Neighbour>()
      pairs.set(other, { key: other, edge })
      added.set(own, pairs)
    }
    const space = ADJACENCY_SPACES[direction]
    for (const [own, pairs] of added) {
      const held = await writer.get<AdjacencyRecord>(space, own)
      if (held !== undefined && 'more' in held) continue
      writer.put(space, own, withNeighbours(held?.edges ?? [], [...pairs.values()]))
    }
  }
}

/** The record holding `held` and `added`, in key order; `more` past ADJACENT_EDGES_HELD. */
function withNeighbours(held: readonly Neighbour[], added: readonly Neighbour[]): AdjacencyRecord {
  if (held.length + added.length > ADJACENT_EDGES_HELD) return { more: true }
  return { edges: [...held, ...added].sort(edgeKeyOrder) }
}

/** The order of the edge space's keys (other end SEP seqKey): LevelDB sorts their UTF-8 bytes, which is code point order. */
function edgeKeyOrder(a: Neighbour, b: Neighbour): number {
  return compareCodePoints(a.key + SEP + seqKey(a.edge.seq), b.key + SEP + seqKey(b.edge.seq))
}

/** Stamps the edge of `seq` between `from` and `to` in both ends' records, as the edge spaces' are. */
export async function stampAdjacentEdge(writer: RecordWriter, from: string, to: string, seq: number, stamp: Partial<EdgeRecord>): Promise<void> {
  for (const [direction, own, other] of [['forward', from, to], ['backward', to, from]] as const) {
    const space = ADJACENCY_SPACES[direction]
    const held = await writer.get<AdjacencyRecord>(space, own)
    if (held === undefined || 'more' in held) continue
    if (!held.edges.some((n) => n.key === other && n.edge.seq === seq)) continue
    writer.put(space, own, { edges: held.edges.map((n) => (n.key === other && n.edge.seq === seq ? { key: n.key, edge: { ...n.edge, ...stamp } } : n)) })
  }
}

/**
 * The first `limit` edges (all without one) of `key` in `direction`: from its adjacency record, or from
 * the edge space when the record says it has more than it holds.
 */
export async function neighboursOf(reader: RecordReader, key: string, direction: Direction, limit?: number): Promise<Neighbour[]> {
  return fromRecord(reader, key, direction, await reader.get<AdjacencyRecord>(ADJACENCY_SPACES[direction], key), limit)
}

/** What neighboursOf gives for a key whose adjacency record (or its absence) has been read. */
export async function fromRecord(reader: RecordReader, key: string, direction: Direction, record: AdjacencyRecord | undefined, limit?: number): Promise<Neighbour[]> {
  if (record === undefined) return []
  if (!('more' in record)) return limit !== undefined && record.edges.length > limit ? record.edges.slice(0, limit) : record.edges
  const rows = await reader.range<EdgeRecord>(EDGE_SPACES[direction], limit === undefined ? prefixRange(key) : { ...prefixRange(key), limit })
  return rows.map(([k, edge]) => ({ key: k.split(SEP)[1] as string, edge }))
}

/**
 * Builds the adjacency records of a store whose edges were written before the index existed, once: the
 * edge spaces are read in key order, so each object's edges arrive together. A node stopped midway
 * builds it again from the start at its next open (each record is written whole); then ADJACENCY_INDEX_META.
 */
export async function buildAdjacencyIndex(store: LevelStore, options: { batch?: number } = {}): Promise<void> {
  // The object whose edges are being read, in one direction, and its edges so far.
  let direction: Direction = 'forward'
  let own: string | undefined
  let held: Neighbour[] = []
  let objects = 0
  const close = (): RecordWrite[] => {
    if (own === undefined) return []
    objects++
    return [{ space: ADJACENCY_SPACES[direction], key: own, value: held.length > ADJACENT_EDGES_HELD ? { more: true } : { edges: held } }]
  }
  await buildIndexOnce<{ direction: Direction; edge: EdgeRecord }>(store, {
    meta: ADJACENCY_INDEX_META,
    version: 1,
    records: async function* () {
      for (const way of ['forward', 'backward'] as const) {
        for await (const [edgeKey, edge] of store.rangeRecords<EdgeRecord>(EDGE_SPACES[way])) yield [edgeKey, { direction: way, edge }]
      }
    },
    batch: options.batch ?? BUILD_BATCH,
    writesOf: (edgeKey, { direction: from, edge }) => {
      const [first, other] = edgeKey.split(SEP) as [string, string]
      let closed: RecordWrite[] = []
      if (first !== own || from !== direction) {
        closed = close()
        own = first
        direction = from
        held = []
      }
      // Past the limit, only the count matters: the record will say `more`.
      if (held.length <= ADJACENT_EDGES_HELD) held.push({ key: other, edge })
      return closed
    },
    end: close,
    summary: () => ({ objects }),
  })
}
