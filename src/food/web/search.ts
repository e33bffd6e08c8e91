// The explorer's search: a Digital Link or EPC URN, "GTIN lot", a lot number or a trace code, each
// resolved to the lots it names, so the search form can send the reader to the resolver.

import { CANONICAL_DIGITAL_LINK_BASE, buildDigitalLink, gtinElements } from '../../core/digital-link-path.js'
import { identifierKey, parseIdentifier, toDigitalLink } from '../identifiers.js'
import { keyOrText } from '../objects.js'
import { itemScan, itemsOfLots, productOf } from '../queries.js'
import { isFoundLot, lotsCoded, lotsNumbered, newestLots } from '../lot-index.js'
import { recallMarkOf } from '../recall-index.js'
import { SPACES, type ObjectRecord } from '../records.js'
import type { RecordReader } from '../../ledger/kinds.js'
import { normaliseTraceCode, traceCodeOf } from '../../labels/digital-link.js'
import type { LotKeys, LotSummary } from '../../web/explorer.js'

/** Serialised items of the lots a `lot=` filter names that it takes in at most. */
export const MAX_SEARCH_SCAN = 20_000

/** Lots a search lists at most. */
export const MAX_SEARCH_LOTS = 50

/** The resolver path of a GTIN-based id ("/01/..."), or undefined for other kinds. */
export function resolverPathOf(text: string): string | undefined {
  try {
    const identifier = parseIdentifier(text)
    if (!identifier.gtin) return undefined
    return toDigitalLink(identifier).slice(CANONICAL_DIGITAL_LINK_BASE.length)
  } catch {
    return undefined
  }
}

/** The object records of lots by their keys, in that order; a key with no record is left out. */
async function lotRecords(reader: RecordReader, keys: string[]): Promise<ObjectRecord[]> {
  const records = await Promise.all(keys.map((key) => reader.get<ObjectRecord>(SPACES.object, key)))
  return records.filter((record): record is ObjectRecord => record !== undefined && isFoundLot(record))
}

export async function summariseLot(reader: RecordReader, record: ObjectRecord): Promise<LotSummary> {
  const gtin = record.gtin as string
  const lot = record.lot as string
  const link = toDigitalLink({ kind: 'lgtin', gtin, lot })
  return {
    path: link.slice(CANONICAL_DIGITAL_LINK_BASE.length),
    digitalLink: link,
    gtin,
    lot,
    name: (await productOf(reader, record.key))?.name ?? null,
    traceCode: traceCodeOf({ gtin, lot }),
    recalled: (await recallMarkOf(reader, record.key)) !== undefined,
    firstSeq: record.firstSeq,
  }
}

/** The most recently first-seen lots, newest first. */
export async function recentLots(reader: RecordReader, limit: number): Promise<LotSummary[]> {
  const records = await lotRecords(reader, await newestLots(reader, limit))
  return Promise.all(records.map((record) => summariseLot(reader, record)))
}

/**
 * What `query` (attacker-controlled) names: a path to redirect to (an id that parses), or the lots
 * whose lot number or trace code it is (possibly none, possibly several).
 */
export async function searchLots(reader: RecordReader, query: string): Promise<{ path: string } | { lots: LotSummary[] }> {
  const text = query.trim().slice(0, 512)
  if (text === '') return { lots: [] }
  const direct = resolverPathOf(text)
  if (direct) return { path: direct }
  const pair = /^(\d{8,14})[\s/]+(\S{1,20})$/.exec(text)
  if (pair) {
    const path = resolverPathOf(buildDigitalLink(gtinElements({ gtin: pair[1].padStart(14, '0'), lot: pair[2] })))
    if (path) return { path }
  }
  const code = normaliseTraceCode(text)
  // The first lots in key order of those with that number and of those with that code: together, the first of all.
  const keys = new Set(await lotsNumbered(reader, text, MAX_SEARCH_LOTS + 1))
  if (code !== undefined) for (const key of await lotsCoded(reader, code, MAX_SEARCH_LOTS + 1)) keys.add(key)
  const matches = await lotRecords(reader, [...keys].sort().slice(0, MAX_SEARCH_LOTS + 1))
  if (matches.length === 1) return { path: (await summariseLot(reader, matches[0])).path }
  return { lots: await Promise.all(matches.slice(0, MAX_SEARCH_LOTS).map((record) => summariseLot(reader, record))) }
}

/**
 * The keys of the lots `query` (attacker-controlled) names, as the search finds them: the id itself when
 * it parses, else every lot whose lot number or trace code it is; and the serialised items the ledger first
 * knew under those lots (an alert about one of them is about the lot's goods: selling it after the lot's
 * recall, say), MAX_SEARCH_SCAN object records read for them at most. Compared with keyOrText of an alert's ids.
 * `cutAtItems` when the lots had more items than that: alerts naming only the items left unread will not match.
 */
export async function lotKeys(reader: RecordReader, query: string): Promise<LotKeys> {
  const text = query.trim().slice(0, 512)
  if (text === '') return { keys: [] }
  let keys: string[]
  try {
    keys = [identifierKey(parseIdentifier(text))]
  } catch {
    // not an id: a "GTIN lot" pair, a lot number or a trace code
    const found = await searchLots(reader, text)
    const paths = 'path' in found ? [found.path] : found.lots.map((lot) => lot.path)
    keys = paths.map((path) => keyOrText(`${CANONICAL_DIGITAL_LINK_BASE}${path}`))
  }
  const items = await itemsOfLots(reader, keys, itemScan(MAX_SEARCH_SCAN))
  return { keys: [...keys, ...items.keys], ...(items.partial ? { cutAtItems: MAX_SEARCH_SCAN } : {}) }
}

/** The alert filter's and links' view of the food ids: their keys and their pages. */
export const foodAlertIds = { lotKeys, idKey: keyOrText, pagePathOf: resolverPathOf }
