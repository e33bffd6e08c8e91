// Traces run once a node opens, before phones and regulators ask for theirs.
//
// Why: the first traces after the store opens are the slowest a node serves. V8 has not yet optimised
// the walk, and LevelDB has not opened the tables it reads or cached their blocks. At a million events,
// the first 2,000 pallet traces had a p99 of 4.5-6.1 ms where the next 2,000 had 2.5-3.3
// (bench/trace.mjs). This walks from objects at both ends of the key space, one trace at a time, letting
// requests in between, so a restarted node serves its first real traces as it serves the rest.

import type { RecordReader } from '../ledger/kinds.js'
import { ADJACENCY_SPACES, type AdjacencyRecord } from './adjacency.js'
import { traceGraph } from './trace.js'

/** Traces a warm-up runs: enough for V8 to optimise the walk (bench/trace.mjs), 0.4-0.5 s at a million events. */
export const WARM_UP_TRACES = 256

export interface WarmUpResult {
  traces: number
  ms: number
}

/**
 * Traces both ways from up to `traces` objects that have upstream edges, half from each end of their
 * key space. Stops early when `signal` aborts (the node closing). Never throws: a warm-up that fails
 * has only failed to warm.
 */
export async function warmUpTraces(reader: RecordReader, options: { traces?: number; signal?: AbortSignal } = {}): Promise<WarmUpResult> {
  const started = performance.now()
  const wanted = options.traces ?? WARM_UP_TRACES
  let traces = 0
  try {
    const half = Math.ceil(wanted / 2)
    const [first, last] = await Promise.all([
      reader.range<AdjacencyRecord>(ADJACENCY_SPACES.backward, { limit: half }),
      reader.range<AdjacencyRecord>(ADJACENCY_SPACES.backward, { limit: half, reverse: true }),
    ])
    const starts = new Set<string>()
    for (const [, record] of [...first, ...last]) if ('edges' in record && record.edges.length > 0) starts.add(record.edges[0].edge.to)
    for (const id of starts) {
      if (options.signal?.aborted || traces >= wanted) break
      await traceGraph(reader, id, 'both', undefined, { uncarriedItems: false })
      traces++
      // A request that arrived meanwhile goes first.
      await new Promise((resolve) => setImmediate(resolve))
    }
  } catch {
    // The store closed under it, or an id no longer parses: nothing to warm.
  }
  return { traces, ms: performance.now() - started }
}
