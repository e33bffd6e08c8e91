// `tracechain trace`: a lot's or object's provenance graph, backward to the farms and forward to what was made
// from it and where it went, from a running node (--url, GET /v1/trace/:id) or from a stopped node's data
// directory (--dir), the same graph either way (food/trace.ts). A regulator reads it as lines, a script as --json.

import { resolve } from 'node:path'
import { TracechainError } from '../core/errors.js'
import { DEFAULT_TRACE_DEPTH, MAX_TRACE_DEPTH, traceGraph, type TraceDirection, type TraceGraph, type TraceNode } from '../food/trace.js'
import { askNodeJson } from './node-client.js'
import { openDataDir } from './mirror-dir.js'
import { printable } from './printable.js'

export interface TraceOptions {
  id: string
  /** a running node */
  url?: string | undefined
  /** or a stopped node's data directory */
  dir?: string | undefined
  direction?: string | undefined
  depth?: string | undefined
  /** how long the node's answer may take (--timeout), cli/node-client.ts's default when absent */
  timeoutMs?: number | undefined
}

const DIRECTIONS: readonly TraceDirection[] = ['both', 'backward', 'forward']

/** A trace of at most MAX_TRACE_NODES nodes is well under this. */
const MAX_TRACE_BYTES = 16 * 1024 * 1024

/** The graph, as GET /v1/trace/:id answers it. Throws BAD_REQUEST for bad flags, and the node's or the walk's codes. */
export async function traceOf(options: TraceOptions): Promise<TraceGraph> {
  const direction = (options.direction ?? 'both') as TraceDirection
  if (!DIRECTIONS.includes(direction)) throw new TracechainError('BAD_REQUEST', `--direction must be one of ${DIRECTIONS.join(', ')}, got ${JSON.stringify(options.direction)}`)
  const depth = options.depth === undefined ? DEFAULT_TRACE_DEPTH : /^\d{1,3}$/.test(options.depth) ? Number(options.depth) : Number.NaN
  if (!(depth >= 1 && depth <= MAX_TRACE_DEPTH)) throw new TracechainError('BAD_REQUEST', `--depth must be a whole number of hops from 1 to ${MAX_TRACE_DEPTH}, got ${JSON.stringify(options.depth)}`)
  if ((options.url === undefined) === (options.dir === undefined)) throw new TracechainError('BAD_REQUEST', 'trace needs either --url (a running node) or --dir (a stopped node)')
  if (options.url !== undefined) {
    const base = options.url.replace(/\/+$/, '')
    const url = `${base}/v1/trace/${encodeURIComponent(options.id)}?direction=${direction}&depth=${depth}`
    const { value } = await askNodeJson<unknown>(url, { maxBytes: MAX_TRACE_BYTES, timeoutMs: options.timeoutMs })
    if (!isTraceGraph(value)) throw new TracechainError('NODE_UNAVAILABLE', `GET ${url}: the answer is not a trace graph`, { url })
    return value
  }
  const node = await openDataDir(resolve(options.dir as string))
  try {
    return await traceGraph(node.ledger.records, options.id, direction, depth)
  } finally {
    await node.close()
  }
}

/** What traceLines reads of a graph a node sent (attacker-controlled): the shape, not the meaning. */
function isTraceGraph(value: unknown): value is TraceGraph {
  const graph = value as Partial<TraceGraph> | null
  const isNode = (node: Partial<TraceNode> | null) =>
    typeof node?.id === 'string' && typeof node.digitalLink === 'string' && (node.lot === null || typeof node.lot === 'string') && typeof node.recalled === 'boolean' && (node.product === null || (typeof node.product === 'object' && node.product !== undefined))
  const isEdge = (edge: Partial<TraceGraph['edges'][number]> | null) =>
    Number.isSafeInteger(edge?.seq) && typeof edge?.from === 'string' && typeof edge.to === 'string' && typeof edge.eventType === 'string' && typeof edge.eventTime === 'string' && (edge.bizStep === null || typeof edge.bizStep === 'string')
  return typeof graph?.root === 'string' && Array.isArray(graph.nodes) && graph.nodes.every(isNode) && Array.isArray(graph.edges) && graph.edges.every(isEdge)
}

/** The graph as lines a person reads: what it holds, each node, then each edge in seq order with its proof. */
export function traceLines(graph: TraceGraph): string[] {
  const names = new Map(graph.nodes.map((node, index) => [node.id, `#${index + 1}`]))
  const lines = [`trace of ${printable(graph.root, 600)}: ${graph.nodes.length} ${graph.nodes.length === 1 ? 'node' : 'nodes'}, ${graph.edges.length} ${graph.edges.length === 1 ? 'edge' : 'edges'}`]
  if (graph.truncated) lines.push('  cut short at the node or read limit: there is more than this shows; trace from a node further along')
  lines.push('nodes')
  graph.nodes.forEach((node, index) => lines.push(`  #${index + 1}  ${nodeLine(node)}`))
  if (graph.edges.length > 0) lines.push('edges (seq: the entry that records it)')
  for (const edge of [...graph.edges].sort((a, b) => a.seq - b.seq)) {
    const step = `${edge.eventType}${edge.bizStep ? ` ${edge.bizStep}` : ''}`
    lines.push(`  seq ${edge.seq}  ${printable(edge.eventTime)}  ${printable(step, 120)}  ${names.get(edge.from) ?? printable(edge.from, 600)} -> ${names.get(edge.to) ?? printable(edge.to, 600)}`)
  }
  return lines
}

function nodeLine(node: TraceNode): string {
  const name = node.product?.name
  const named = typeof name === 'string' ? name : [name?.zh, name?.en].filter((part) => typeof part === 'string' && part !== '').join(' / ')
  const parts = [printable(node.digitalLink || node.id, 600), printable(named), node.lot === null ? '' : `lot ${printable(node.lot)}`, node.recalled ? 'RECALLED' : '']
  return parts.filter((part) => part !== '').join('  ')
}
