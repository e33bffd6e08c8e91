// The provenance graph of an object or lot: backward to the farms, forward to everything made from
// it or carrying it, each edge with the seq that proves it.

import type { RecordReader } from '../ledger/kinds.js'
import { canonicalObject } from './objects.js'
import { gtinOfKey, neighbours } from './queries.js'
import { recallMarkOf } from './recall-index.js'
import { SPACES, type ObjectRecord, type ProductRecord } from './records.js'
import { toDigitalLink, parseIdentifier } from './identifiers.js'

export type TraceDirection = 'backward' | 'forward' | 'both'
export const DEFAULT_TRACE_DEPTH = 10
export const MAX_TRACE_DEPTH = 64
export const MAX_TRACE_NODES = 10_000

export interface TraceNode {
  id: string
  digitalLink: string
  product: ProductSummary | null
  lot: string | null
  recalled: boolean
}

export interface ProductSummary {
  gtin: string
  name: string | { zh?: string; en?: string }
}

export interface TraceEdge {
  from: string
  to: string
  seq: number
  eventType: string
  bizStep: string | null
  eventTime: string
}

export interface TraceGraph {
  root: string
  nodes: TraceNode[]
  edges: TraceEdge[]
  /** true when MAX_TRACE_NODES cut the walk short */
  truncated: boolean
}

/**
 * Walks the graph from `text` (an EPC URN or Digital Link, attacker-controlled) up to `depth` hops.
 * Throws IDENTIFIER_INVALID / CHECK_DIGIT_INVALID for a bad id; an unknown id gives a one-node graph.
 */
export async function traceGraph(reader: RecordReader, text: string, direction: TraceDirection, depth = DEFAULT_TRACE_DEPTH): Promise<TraceGraph> {
  const start = canonicalObject(text)
  const startRecord = await reader.get<ObjectRecord>(SPACES.object, start.key)
  const nodes = new Map<string, string>([[start.key, startRecord?.id ?? start.id]])
  const edges = new Map<string, TraceEdge>()
  let truncated = false
  const directions: ('forward' | 'backward')[] = direction === 'both' ? ['backward', 'forward'] : [direction]
  for (const dir of directions) {
    let frontier = [start.key]
    const visited = new Set(frontier)
    for (let hop = 0; hop < depth && frontier.length > 0 && !truncated; hop++) {
      // One hop's reads in parallel: LevelDB serves them from the thread pool.
      const found = await Promise.all(frontier.map((key) => neighbours(reader, key, dir)))
      const next: string[] = []
      for (const { key: other, edge } of found.flat()) {
        edges.set(`${edge.seq}\u0000${edge.from}\u0000${edge.to}`, {
          from: edge.from,
          to: edge.to,
          seq: edge.seq,
          eventType: edge.eventType,
          bizStep: edge.bizStep ?? null,
          eventTime: edge.eventTime,
        })
        if (!nodes.has(other)) nodes.set(other, dir === 'forward' ? edge.to : edge.from)
        if (!visited.has(other)) {
          visited.add(other)
          next.push(other)
        }
        if (nodes.size >= MAX_TRACE_NODES) truncated = true
      }
      frontier = next
    }
  }
  const products = new Map<string, Promise<ProductRecord | undefined>>()
  const out = await Promise.all(
    [...nodes].map(async ([key, id]) => {
      const gtin = gtinOfKey(key)
      if (gtin && !products.has(gtin)) products.set(gtin, reader.get<ProductRecord>(SPACES.product, gtin))
      const product = gtin ? await products.get(gtin) : undefined
      const identifier = parseIdentifier(id)
      return {
        id,
        digitalLink: toDigitalLink(identifier),
        product: product ? { gtin: product.gtin, name: product.name } : null,
        lot: identifier.lot ?? null,
        recalled: (await recallMarkOf(reader, key)) !== undefined,
      } satisfies TraceNode
    }),
  )
  return {
    root: nodes.get(start.key) as string,
    nodes: out,
    edges: [...edges.values()].sort((a, b) => a.seq - b.seq),
    truncated,
  }
}
