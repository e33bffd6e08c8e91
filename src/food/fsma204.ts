// The FDA FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)): one row per traceability
// lot in each Critical Tracking Event, its Key Data Elements (21 CFR 1.1330, 1.1340, 1.1345, 1.1350)
// as columns, the traceability lot code first, and the log entry that proves the row.

import { fail } from '../core/errors.js'
import type { Ledger } from '../ledger/ledger.js'
import type { ActorRecord } from '../ledger/registry.js'
import { normaliseBizTransactionType, normaliseSourceDestType } from './cbv.js'
import { isCalendarDate, parseInstant } from './dates.js'
import { identifierKey, parseIdentifier } from './identifiers.js'
import { canonicalObject, type EpcisEvent, type EpcisQuantity } from './objects.js'
import { neighbours } from './queries.js'
import { SEP, SPACES, prefixRange, seqKey, type FoodEventRecord, type ObjectEventLink, type ObjectRecord, type ProductRecord } from './records.js'
import { inChunks, readSignedEvent, type SignedEvent } from './signed-events.js'
import { MAX_TRACE_DEPTH, traceGraph } from './trace.js'

export const FSMA204_COLUMNS = [
  'Traceability Lot Code',
  'Traceability Lot Code Source',
  'Traceability Lot Code Source Reference',
  'Product Description',
  'Quantity',
  'Unit of Measure',
  'Critical Tracking Event',
  'Event Date',
  'Event Time (UTC)',
  'Location Description',
  'Location Reference',
  'Immediate Previous Source',
  'Immediate Previous Source Reference',
  'Immediate Subsequent Recipient',
  'Immediate Subsequent Recipient Reference',
  'Reference Document Type',
  'Reference Document Number',
  'Harvest Date',
  'Transformation Role',
  'Linked Traceability Lot Codes',
  'Container',
  'EPCIS Event',
  'Event ID',
  'Entry Seq',
  'Leaf Hash',
] as const

export type Cte = 'Initial Packing' | 'Shipping' | 'Receiving' | 'Transformation'
type Cell = string | number
export type Fsma204Row = Cell[]

/** UTF-8 byte order mark: Excel reads a CSV without it in the legacy code page and garbles Chinese names. */
export const UTF8_BOM = '\uFEFF'
/** Containers (a pallet of cases of lots) are opened this many levels deep. */
const MAX_CONTENT_DEPTH = 4
/** Events kept for reuse within one export (aggregations, lots' first events); the cache restarts beyond. */
const MAX_CACHED_EVENTS = 10_000
/** A date-only bound covers that day in the event's own time zone; offsets reach ±14 h. */
const MAX_OFFSET_MS = 14 * 3600 * 1000

const REFERENCE_DOCUMENT_TYPES: Record<string, string> = {
  bol: 'Bill of Lading',
  cert: 'Certificate',
  desadv: 'Despatch Advice (ASN)',
  inv: 'Invoice',
  pedigree: 'Pedigree',
  po: 'Purchase Order',
  poc: 'Purchase Order Confirmation',
  prodorder: 'Production Order',
  recadv: 'Receiving Advice',
  rma: 'Return Merchandise Authorization',
  testprd: 'Test Procedure',
  testres: 'Test Result',
  upevt: 'Upstream EPCIS Event',
}

export interface Fsma204Filter {
  /** object keys of the lot asked for and every lot trace links to it, both directions */
  keys?: Set<string>
  /** the lot as asked, canonical */
  lot?: string
  from?: TimeBound
  to?: TimeBound
}

/** A date bound compares the event's local date; a date-time bound compares instants. */
type TimeBound = { date: string } | { instant: string }

/**
 * Checks the export's query (attacker-controlled): `lot` an EPC URN, Digital Link or TLC such as
 * (01)06901234001037(10)Z260526A; `from` and `to` dates (inclusive, in each event's own zone) or
 * RFC 3339 date-times (`to` exclusive). Throws BAD_REQUEST, IDENTIFIER_INVALID, CHECK_DIGIT_INVALID,
 * or NOT_FOUND for a lot the ledger has never seen.
 */
export async function parseFsma204Filter(ledger: Ledger, raw: { lot?: string; from?: string; to?: string }): Promise<Fsma204Filter> {
  const filter: Fsma204Filter = {}
  if (raw.from) filter.from = timeBound('from', raw.from)
  if (raw.to) filter.to = timeBound('to', raw.to)
  if (filter.from && filter.to && boundValue(filter.from) > boundValue(filter.to)) {
    fail('BAD_REQUEST', `from ${raw.from} is after to ${raw.to}`, { from: raw.from, to: raw.to })
  }
  if (raw.lot) {
    const text = digitalLinkOfTlc(raw.lot) ?? raw.lot
    const start = canonicalObject(text)
    if (!(await ledger.records.get<ObjectRecord>(SPACES.object, start.key))) fail('NOT_FOUND', `no events name ${raw.lot}`, { lot: raw.lot })
    const graph = await traceGraph(ledger.records, text, 'both', MAX_TRACE_DEPTH)
    filter.lot = graph.root
    filter.keys = new Set([start.key, ...graph.nodes.map((node) => keyOrText(node.id))])
  }
  return filter
}

/** The spreadsheet as CSV text in chunks (RFC 4180, CRLF, UTF-8 with a BOM), for streaming. */
export async function* fsma204Csv(ledger: Ledger, filter: Fsma204Filter): AsyncGenerator<string> {
  yield UTF8_BOM + formatCsvRow([...FSMA204_COLUMNS])
  let chunk = ''
  for await (const row of fsma204Rows(ledger, filter)) {
    chunk += formatCsvRow(row)
    if (chunk.length > 64 * 1024) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** The rows, in event time order (then seq), each CTE event's lots in the order the event names them. */
export async function* fsma204Rows(ledger: Ledger, filter: Fsma204Filter): AsyncGenerator<Fsma204Row> {
  const context = new ExportContext(ledger)
  for await (const chunk of inChunks(candidateSeqs(ledger, filter))) {
    const records = await Promise.all(chunk.map((seq) => ledger.records.get<FoodEventRecord>(SPACES.event, seqKey(seq))))
    const events = records.flatMap((record) => {
      const cte = record && inBounds(record, filter) ? cteOf(record) : undefined
      return record && cte ? [{ record, cte }] : []
    })
    // Each event's rows need a few reads of their own (its lots' sources, a pallet's contents): all at once.
    const rows = await Promise.all(events.map(({ record, cte }) => context.rowsOf(record, cte)))
    for (const row of rows.flat()) {
      if (!filter.keys || filter.keys.has(row.key)) yield row.cells
    }
  }
}

/** Which FSMA 204 CTE an EPCIS event records, as anchors.md e.8 maps them; undefined for the rest. */
export function cteOf(record: Pick<FoodEventRecord, 'eventType' | 'bizStep' | 'action'>): Cte | undefined {
  if (record.eventType === 'TransformationEvent') return 'Transformation'
  if (record.bizStep === 'shipping') return 'Shipping'
  if (record.bizStep === 'receiving') return 'Receiving'
  if (record.eventType === 'ObjectEvent' && record.action === 'ADD' && (record.bizStep === 'commissioning' || record.bizStep === 'creating_class_instance')) {
    return 'Initial Packing'
  }
  return undefined
}

/** One CSV record, RFC 4180: quoted when it holds a quote, comma or line break, CRLF-terminated. */
export function formatCsvRow(cells: readonly Cell[]): string {
  return `${cells.map(formatCsvCell).join(',')}\r\n`
}

function formatCsvCell(cell: Cell): string {
  if (typeof cell === 'number') return String(cell)
  // A text cell that starts like a formula would run in a spreadsheet: keep it text (OWASP CSV injection).
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}

/** The GS1 element string of a lot: (01)GTIN(10)lot; (01)GTIN(21)serial for an item, (00)SSCC for a logistic unit. */
export function formatTlc(id: string): string {
  let identifier: ReturnType<typeof parseIdentifier>
  try {
    identifier = parseIdentifier(id)
  } catch {
    return id
  }
  const { gtin, lot, serial, sscc } = identifier as { gtin?: string; lot?: string; serial?: string; sscc?: string }
  if (gtin) return `(01)${gtin}${lot !== undefined ? `(10)${lot}` : ''}${serial !== undefined ? `(21)${serial}` : ''}`
  if (sscc) return `(00)${sscc}`
  return id
}

/** A TLC in GS1 element string form as a Digital Link; undefined for anything else. */
function digitalLinkOfTlc(text: string): string | undefined {
  const match = /^\((01|00)\)(\d{14}|\d{18})(?:\(10\)([^()]{1,20}))?(?:\(21\)([^()]{1,20}))?$/.exec(text.trim())
  if (!match) return undefined
  const [, ai, value, lot, serial] = match
  let uri = `https://id.gs1.org/${ai}/${value}`
  if (lot !== undefined) uri += `/10/${encodeURIComponent(lot)}`
  if (serial !== undefined) uri += `/21/${encodeURIComponent(serial)}`
  return uri
}

async function* candidateSeqs(ledger: Ledger, filter: Fsma204Filter): AsyncGenerator<number> {
  if (filter.keys) {
    const found = new Map<number, string>()
    for (const key of filter.keys) {
      for (const [, link] of await ledger.records.range<ObjectEventLink>(SPACES.byObject, prefixRange(key))) found.set(link.seq, link.eventTime)
    }
    const ordered = [...found].sort(([sa, ta], [sb, tb]) => (ta < tb ? -1 : ta > tb ? 1 : sa - sb))
    for (const [seq] of ordered) yield seq
    return
  }
  const range: { gte?: string; lt?: string } = {}
  if (filter.from) range.gte = scanBound(filter.from, -1)
  if (filter.to) range.lt = `${scanBound(filter.to, 1)}${SEP}`
  for await (const [key] of ledger.records.scan<unknown>(SPACES.byTime, range)) yield parseInt(key.split(SEP)[1], 16)
}

/** An index bound wide enough for the filter; inBounds then decides exactly. */
function scanBound(bound: TimeBound, side: -1 | 1): string {
  if ('instant' in bound) return bound.instant
  const dayStart = Date.parse(`${bound.date}T00:00:00.000Z`)
  return new Date(side < 0 ? dayStart - MAX_OFFSET_MS : dayStart + 24 * 3600 * 1000 + MAX_OFFSET_MS).toISOString()
}

function inBounds(record: FoodEventRecord, filter: Fsma204Filter): boolean {
  const localDate = localDateOf(record.eventTime, record.eventTimeZoneOffset)
  if (filter.from) {
    if ('date' in filter.from ? localDate < filter.from.date : record.eventTime < filter.from.instant) return false
  }
  if (filter.to) {
    if ('date' in filter.to ? localDate > filter.to.date : record.eventTime >= filter.to.instant) return false
  }
  return true
}

function timeBound(name: string, value: string): TimeBound {
  if (isCalendarDate(value)) return { date: value }
  const instant = parseInstant(value)
  if (instant === undefined) {
    fail('BAD_REQUEST', `${name} ${value} is neither a date (YYYY-MM-DD) nor an RFC 3339 date-time with a zone`, { parameter: name })
  }
  return { instant }
}

function boundValue(bound: TimeBound): string {
  return 'date' in bound ? bound.date : bound.instant.slice(0, 10)
}

/** The calendar date where the event happened, from its UTC time and its own zone offset. */
export function localDateOf(utc: string, offset: string): string {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset)
  const minutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0
  return new Date(Date.parse(utc) + minutes * 60_000).toISOString().slice(0, 10)
}

interface LotRow {
  key: string
  cells: Fsma204Row
}

interface LotLine {
  id: string
  key: string
  quantity?: number
  uom?: string
  role?: 'input' | 'output'
  /** the canonical id and key of the container it travelled in, when the event named that instead */
  container?: string
  containerKey?: string
}

/** Per-export caches: events, products, lots' sources and location names are each read once. */
class ExportContext {
  private readonly events = new Map<number, Promise<SignedEvent>>()
  private readonly products = new Map<string, Promise<ProductRecord | undefined>>()
  private readonly sources = new Map<string, Promise<[string, string]>>()
  private readonly locations: { key: string; gln?: string; whole: boolean; actor: ActorRecord }[] = []

  constructor(private readonly ledger: Ledger) {
    for (const actor of ledger.actors.all()) {
      for (const text of actor.locations) {
        try {
          const id = parseIdentifier(text) as { gln?: string; extension?: string }
          this.locations.push({ key: identifierKey(parseIdentifier(text)), gln: id.gln, whole: id.extension === undefined, actor })
        } catch {
          this.locations.push({ key: text, whole: false, actor })
        }
      }
    }
  }

  async rowsOf(record: FoodEventRecord, cte: Cte): Promise<LotRow[]> {
    const { event, leafHash } = await this.event(record.seq)
    const lines = await this.linesOf(event, record)
    const where = event.bizLocation?.id ?? event.readPoint?.id
    const declaredSource = cte === 'Receiving' ? partyOf(event.sourceList, 'source') : undefined
    const next = cte === 'Shipping' ? partyOf(event.destinationList, 'destination') : undefined
    const documents = referenceDocuments(event)
    const harvest = cte === 'Initial Packing' ? harvestDate(event) : ''
    const tlcs = (role: 'input' | 'output') => lines.filter((l) => l.role === role).map((l) => formatTlc(l.id))
    const rows: LotRow[] = []
    for (const line of lines) {
      const [source, sourceReference] = await this.tlcSource(line.key)
      const previous =
        cte === 'Receiving' ? (declaredSource ?? (await this.previousSource([line.containerKey, line.key], record.seq))) : undefined
      const linked = line.role === 'input' ? tlcs('output') : line.role === 'output' ? tlcs('input') : []
      rows.push({
        key: line.key,
        cells: [
          formatTlc(line.id),
          source,
          sourceReference,
          await this.productDescription(line.id),
          line.quantity ?? '',
          line.uom ?? '',
          cte,
          localDateOf(record.eventTime, record.eventTimeZoneOffset),
          record.eventTime,
          where ? this.describe(where) : '',
          where ?? '',
          previous ? this.describe(previous) : '',
          previous ?? '',
          next ? this.describe(next) : '',
          next ?? '',
          documents.map((d) => d.type).join('; '),
          documents.map((d) => d.number).join('; '),
          harvest,
          line.role ?? '',
          [...new Set(linked)].join('; '),
          line.container ?? '',
          [record.eventType, record.bizStep].filter(Boolean).join(' '),
          event.eventID ?? '',
          record.seq,
          leafHash,
        ],
      })
    }
    return rows
  }

  /** The lots an event moves, with quantities; containers are opened to the lots they carry. */
  private async linesOf(event: EpcisEvent, record: FoodEventRecord): Promise<LotLine[]> {
    const lines: LotLine[] = []
    const fromQuantities = (list: EpcisQuantity[] | undefined, role?: 'input' | 'output') => {
      for (const q of list ?? []) {
        const object = canonicalObject(q.epcClass)
        lines.push({ id: object.id, key: object.key, quantity: q.quantity, uom: q.uom, role })
      }
    }
    const fromEpcs = async (list: string[] | undefined, role?: 'input' | 'output') => {
      for (const epc of list ?? []) {
        const object = canonicalObject(epc)
        const contents = await this.contentsOf(object.key, object, record.eventTime)
        if (contents.length > 0) lines.push(...contents.map((c) => ({ ...c, role })))
        else lines.push({ id: object.id, key: object.key, quantity: 1, uom: 'EA', role })
      }
    }
    if (event.type === 'TransformationEvent') {
      await fromEpcs(event.inputEPCList, 'input')
      fromQuantities(event.inputQuantityList, 'input')
      await fromEpcs(event.outputEPCList, 'output')
      fromQuantities(event.outputQuantityList, 'output')
    } else {
      await fromEpcs(event.epcList)
      fromQuantities(event.quantityList)
      if (event.type !== 'ObjectEvent' && event.parentID && lines.length === 0) await fromEpcs([event.parentID])
    }
    return lines
  }

  /** What a container carried at `before` (aggregations up to then), with the quantities packed. */
  private async contentsOf(key: string, container: { id: string; key: string }, before: string, depth = 0): Promise<LotLine[]> {
    if (depth >= MAX_CONTENT_DEPTH) return []
    const out: LotLine[] = []
    for (const { key: inner, edge } of await neighbours(this.ledger.records, key, 'backward')) {
      if (edge.eventType === 'TransformationEvent' || edge.eventTime > before) continue
      const nested = await this.contentsOf(inner, container, before, depth + 1)
      if (nested.length > 0) {
        out.push(...nested)
        continue
      }
      const { event } = await this.event(edge.seq)
      const packed = (event.childQuantityList ?? []).find((q) => keyOrText(q.epcClass) === inner)
      out.push({ id: edge.from, key: inner, quantity: packed ? packed.quantity : 1, uom: packed ? packed.uom : 'EA', container: container.id, containerKey: container.key })
    }
    return out
  }

  /** Where the goods came from when the receiving event does not say: the last shipment of them (or their container) before it. */
  private async previousSource(keys: (string | undefined)[], seq: number): Promise<string | undefined> {
    for (const key of keys) {
      if (key === undefined) continue
      const links = await this.ledger.records.range<ObjectEventLink>(SPACES.byObject, { gte: `${key}${SEP}`, lt: `${key}${SEP}${seqKey(seq)}`, reverse: true })
      const shipment = links.map(([, link]) => link).find((link) => link.bizStep === 'shipping')
      if (!shipment) continue
      const { event } = await this.event(shipment.seq)
      return partyOf(event.sourceList, 'source') ?? event.bizLocation?.id ?? event.readPoint?.id
    }
    return undefined
  }

  /** The TLC source: where the lot's first event happened (its assignment), and that location's reference. */
  private tlcSource(key: string): Promise<[string, string]> {
    let source = this.sources.get(key)
    if (!source) {
      source = this.readTlcSource(key)
      this.sources.set(key, source)
    }
    return source
  }

  private async readTlcSource(key: string): Promise<[string, string]> {
    const object = await this.ledger.records.get<ObjectRecord>(SPACES.object, key)
    if (!object) return ['', '']
    const { event } = await this.event(object.firstSeq)
    const where = event.bizLocation?.id ?? event.readPoint?.id
    const producer = this.ledger.actors.get(object.producer)
    return where ? [this.describe(where), where] : [producer ? nameOf(producer.name) : object.producer, '']
  }

  private async productDescription(id: string): Promise<string> {
    let gtin: string | undefined
    try {
      gtin = parseIdentifier(id).gtin
    } catch {
      gtin = undefined
    }
    if (!gtin) return ''
    if (!this.products.has(gtin)) this.products.set(gtin, this.ledger.records.get<ProductRecord>(SPACES.product, gtin))
    const product = await this.products.get(gtin)
    return product ? `${nameOf(product.name)} (GTIN ${gtin})` : `GTIN ${gtin}`
  }

  /** A location's description: the registered business that holds it, else the identifier itself. */
  private describe(location: string): string {
    let key = location
    let gln: string | undefined
    try {
      const id = parseIdentifier(location) as { gln?: string }
      key = identifierKey(parseIdentifier(location))
      gln = id.gln
    } catch {
      // not a GS1 location: compare its text
    }
    const holder =
      this.locations.find((l) => l.key === key) ?? (gln !== undefined ? this.locations.find((l) => l.whole && l.gln === gln) : undefined)
    return holder ? nameOf(holder.actor.name) : location
  }

  private event(seq: number): Promise<SignedEvent> {
    const cached = this.events.get(seq)
    if (cached) return cached
    if (this.events.size > MAX_CACHED_EVENTS) this.events.clear()
    const reading = readSignedEvent(this.ledger, seq)
    this.events.set(seq, reading)
    return reading
  }
}

/** A source or destination: the location if given, else the possessing, else the owning party. */
function partyOf(list: { type: string; source?: string; destination?: string }[] | undefined, field: 'source' | 'destination'): string | undefined {
  const typed = (list ?? []).map((item) => ({ type: normaliseSourceDestType(item.type), value: item[field] })).filter((i): i is { type: string; value: string } => !!i.value)
  for (const type of ['location', 'possessing_party', 'owning_party']) {
    const found = typed.find((i) => i.type === type)
    if (found) return found.value
  }
  return typed[0]?.value
}

function referenceDocuments(event: EpcisEvent): { type: string; number: string }[] {
  const documents = (event.bizTransactionList ?? []).map((t) => {
    const type = t.type ? normaliseBizTransactionType(t.type) : ''
    return { type: REFERENCE_DOCUMENT_TYPES[type] ?? (type || 'Business Transaction'), number: t.bizTransaction }
  })
  const transformationId = event.transformationID
  if (documents.length === 0 && typeof transformationId === 'string') documents.push({ type: 'Production Record', number: transformationId })
  return documents
}

/** Harvest date(s) from the ILMD (CBV master data harvestStartDate / harvestEndDate). */
function harvestDate(event: EpcisEvent): string {
  const ilmd = event.ilmd as Record<string, unknown> | undefined
  if (!ilmd) return ''
  const field = (name: string) => {
    const key = Object.keys(ilmd).find((k) => k === name || k.endsWith(`:${name}`) || k.endsWith(`/${name}`))
    return key !== undefined && typeof ilmd[key] === 'string' ? (ilmd[key] as string) : undefined
  }
  const start = field('harvestStartDate')
  const end = field('harvestEndDate')
  return start && end && start !== end ? `${start}..${end}` : (start ?? end ?? '')
}

function nameOf(name: string | { zh?: string; en?: string }): string {
  if (typeof name === 'string') return name
  if (name.en && name.zh) return `${name.en} (${name.zh})`
  return name.en ?? name.zh ?? ''
}

function keyOrText(text: string): string {
  try {
    return identifierKey(parseIdentifier(text))
  } catch {
    return text
  }
}
