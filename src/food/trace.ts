// The provenance graph of an object or lot: backward to the farms, forward to everything made from
// it or carrying it, each edge with the seq that proves it.

import { BoundedReader } from '../ledger/bounded-reader.js'
import type { RecordReader } from '../ledger/kinds.js'
import { hopWithItems, uncarriedItemsOfLots, type ItemEdges } from './item-lot-hop.js'
import { canonicalObject, isItemKey, itemLotKey, recordedLotKey } from './objects.js'
import { gtinOfKey } from './queries.js'
import { findRecallMarkOf, recallMarkOf } from './recall-index.js'
import { SPACES, type ObjectRecord, type ProductRecord } from './records.js'
import { toDigitalLink, parseIdentifier } from './identifiers.js'

export type TraceDirection = 'backward' | 'forward' | 'both'
export const DEFAULT_TRACE_DEPTH = 10
export const MAX_TRACE_DEPTH = 64
/** Nodes one trace answers with at most: a producer can link any number of lots to one. */
export const MAX_TRACE_NODES = 2_000
/** Store reads the walk of one trace may make (edges and records read, see BoundedReader). */
export const MAX_TRACE_READS = 5_000
/** Nodes described at once; the read budget is checked between such slices. A node costs at most two
 *  reads (its product, its recall mark; an item its record too, its lot's mark shared with its lot's other
 *  items), so the budget runs out only past some 1,600 items or 2,500 lots: slices of
 *  256 describe a pallet's 61 nodes in one round trip instead of four (bench/trace.mjs). */
const DESCRIBE_SLICE = 256

export interface TraceLimits {
  maxNodes?: number
  maxReads?: number
  /**
   * Forward from a lot, its serialised items that went into nothing as well (default true): what /v1/trace and
   * `tracechain trace` answer. The lot's page and the FSMA 204 export leave them out: they lead nowhere, and a lot
   * of some thousand commissioned items would otherwise fill the graph and mark a whole journey as cut short.
   */
  uncarriedItems?: boolean
}

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
  /** true when the node or read limit cut the walk short: there is more than the graph shows */
  truncated: boolean
}

/**
 * Walks the graph from `text` (an EPC URN or Digital Link, attacker-controlled) up to `depth` hops,
 * within `limits` (default MAX_TRACE_NODES, MAX_TRACE_READS). Throws IDENTIFIER_INVALID /
 * CHECK_DIGIT_INVALID for a bad id; an unknown id gives a one-node graph.
 */
export async function traceGraph(
  committed: RecordReader,
  text: string,
  direction: TraceDirection,
  depth = DEFAULT_TRACE_DEPTH,
  limits: TraceLimits = {},
): Promise<TraceGraph> {
  const maxNodes = limits.maxNodes ?? MAX_TRACE_NODES
  const uncarried = limits.uncarriedItems ?? true
  const reader = new BoundedReader(committed, limits.maxReads ?? MAX_TRACE_READS)
  // Each node shown comes with its product and recall state, whose reads a separate budget bounds: the
  // nodes it cannot reach are left out (with their edges) rather than shown with a guessed recall state.
  const details = new BoundedReader(committed, limits.maxReads ?? MAX_TRACE_READS)
  const early = new EarlyDetails(details)
  const start = canonicalObject(text)
  const directions: ('forward' | 'backward')[] = direction === 'both' ? ['backward', 'forward'] : [direction]
  // The start's record and its first hop in one round trip: the record only names the start.
  const [startRecord, firstHop] = await Promise.all([
    reader.get<ObjectRecord>(SPACES.object, start.key),
    depth > 0 ? hopWithItems(reader, [start.key], directions[0], { uncarried }) : undefined,
    early.read([start.key]),
  ])
  const nodes = new Map<string, string>([[start.key, startRecord?.id ?? start.id]])
  const edges = new Map<string, TraceEdge>()
  let truncated = false
  /** Takes a hop's edges into the graph (as far as it has room); returns the nodes this direction has not walked from yet. */
  const take = (found: ItemEdges['found'], dir: 'forward' | 'backward', visited: Set<string>) => {
    const next: string[] = []
    const added: string[] = []
    for (const { key: other, edge } of found) {
      if (!nodes.has(other)) {
        // An edge to a node the answer cannot hold is left out with it.
        if (nodes.size >= maxNodes) {
          truncated = true
          continue
        }
        nodes.set(other, dir === 'forward' ? edge.to : edge.from)
        added.push(other)
      }
      edges.set(`${edge.seq}\u0000${edge.from}\u0000${edge.to}`, {
        from: edge.from,
        to: edge.to,
        seq: edge.seq,
        eventType: edge.eventType,
        bizStep: edge.bizStep ?? null,
        eventTime: edge.eventTime,
      })
      if (!visited.has(other)) {
        visited.add(other)
        next.push(other)
      }
    }
    // The new nodes' details are read while the next hop is: the walk's last round trip then brings them too.
    early.read(added)
    return next
  }
  for (const dir of directions) {
    let frontier = [start.key]
    const visited = new Set(frontier)
    const deferred: string[] = []
    for (let hop = 0; hop < depth && frontier.length > 0 && !truncated; hop++) {
      const { found, cut, deferred: lots } = dir === directions[0] && hop === 0 && firstHop ? firstHop : await hopWithItems(reader, frontier, dir, { uncarried })
      if (cut) truncated = true
      deferred.push(...lots)
      frontier = take(found.flat(), dir, visited)
    }
    if (deferred.length > 0) {
      // Last, with the reads the walk left: nothing leads on from them.
      const { found, cut } = await uncarriedItemsOfLots(reader, deferred, (key) => visited.has(key), maxNodes - nodes.size)
      if (cut) truncated = true
      take(found, dir, visited)
    }
  }
  await early.settled()
  const products = new Map<string, Promise<ProductRecord | undefined>>()
  const describe = async ([key, id]: [string, string]): Promise<TraceNode> => {
    const gtin = gtinOfKey(key)
    if (gtin && !products.has(gtin)) products.set(gtin, details.get<ProductRecord>(SPACES.product, gtin))
    const product = gtin ? await products.get(gtin) : undefined
    const identifier = parseIdentifier(id)
    // An item's EPC URN names no lot; its record names the one the ledger first knew it under (prefetchItemLots).
    const lot = identifier.lot ?? (isItemKey(key) ? (await details.get<ObjectRecord>(SPACES.object, key))?.lot : undefined)
    return {
      id,
      digitalLink: toDigitalLink(identifier),
      product: product ? { gtin: product.gtin, name: product.name } : null,
      lot: lot ?? null,
      // An item answers to its lot's recall, as the resolver's top level does: for the root, the lot its link names too.
      recalled: (await findRecallMarkOf(details, key, key === start.key ? [itemLotKey(start.identifier)] : [])) !== undefined,
    }
  }
  const found = [...nodes]
  const out: TraceNode[] = []
  for (let at = 0; at < found.length; at += DESCRIBE_SLICE) {
    if (at > 0 && details.exhausted) {
      truncated = true
      break
    }
    const slice = found.slice(at, at + DESCRIBE_SLICE)
    // Every node's recall mark and product in two reads of the store, rather than one trip each.
    await Promise.all([
      details.prefetch(SPACES.recalled, slice.map(([key]) => key)),
      details.prefetch(SPACES.product, slice.flatMap(([key]) => gtinOfKey(key) ?? [])),
    ])
    await prefetchItemLots(details, slice.map(([key]) => key))
    out.push(...(await Promise.all(slice.map(describe))))
  }
  const shown = new Set(out.map((node) => node.id))
  const kept = [...edges.values()].filter((edge) => out.length === found.length || (shown.has(edge.from) && shown.has(edge.to)))
  return {
    root: nodes.get(start.key) as string,
    nodes: out,
    edges: kept.sort((a, b) => a.seq - b.seq),
    truncated,
  }
}

/**
 * The records of the items among `keys` (their lots), then the lots' marks of those with no recall mark of their
 * own: two trips for a slice holding items, none for one of lots (recall marks already read).
 */
async function prefetchItemLots(details: BoundedReader, keys: readonly string[]): Promise<void> {
  const items = keys.filter(isItemKey)
  if (items.length === 0) return
  await details.prefetch(SPACES.object, items)
  const unmarked: string[] = []
  for (const key of items) if (!(await recallMarkOf(details, key))) unmarked.push(key)
  const records = await Promise.all(unmarked.map((key) => details.get<ObjectRecord>(SPACES.object, key)))
  await details.prefetch(SPACES.recalled, records.flatMap((record) => recordedLotKey(record) ?? []))
}

/**
 * The recall marks and products of the first DESCRIBE_SLICE nodes, read hop by hop as the walk finds them. The
 * same records as the first slice's prefetch would read, so the budget is spent as it would be; only sooner.
 */
class EarlyDetails {
  private count = 0
  private readonly reads: Promise<unknown>[] = []
  private failure: { error: unknown } | undefined

  constructor(private readonly details: BoundedReader) {}

  /** Starts the reads of `keys`' details (those within the first slice); a failure waits for settled(). */
  read(keys: readonly string[]): Promise<void> {
    const within = keys.slice(0, Math.max(0, DESCRIBE_SLICE - this.count))
    this.count += within.length
    if (within.length === 0) return Promise.resolve()
    const { details } = this
    const gtins = within.flatMap((key) => gtinOfKey(key) ?? [])
    // One key's read is a get: prefetch reads two or more in one trip.
    const reads = [
      within.length === 1 ? recallMarkOf(details, within[0]) : details.prefetch(SPACES.recalled, within),
      gtins.length === 1 ? details.get<ProductRecord>(SPACES.product, gtins[0]) : details.prefetch(SPACES.product, gtins),
    ].map((read) => read.catch((error: unknown) => ((this.failure ??= { error }), undefined)))
    this.reads.push(...reads)
    return Promise.all(reads).then(() => undefined)
  }

  /** Waits for every read started; throws the first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.reads)
    if (this.failure) throw this.failure.error
  }
}
