// The FDA FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)): one row per traceability
// lot in each Critical Tracking Event, its Key Data Elements (21 CFR 1.1330, 1.1340, 1.1345, 1.1350)
// as columns, the traceability lot code first, and the log entry that proves the row.

import { describeLocation } from '../core/master-data.js'
import type { Ledger } from '../ledger/ledger.js'
import type { ActorRecord } from '../ledger/registry.js'
import { SEP, SEP_END, seqKey } from '../store/keys.js'
import { normaliseBizTransactionType, normaliseSourceDestType } from './cbv.js'
import { UTF8_BOM, formatCsvRow } from './csv.js'
import { FSMA204_COLUMNS, REFERENCE_DOCUMENT_TYPES, cteOf, type Cte, type Fsma204Row } from './fsma204-columns.js'
import { inBounds, localDateOf, scanBound, type Fsma204Filter } from './fsma204-filter.js'
import { identifierKey, parseIdentifier } from './identifiers.js'
import { canonicalObject, keyOrText, type EpcisEvent, type EpcisQuantity } from './objects.js'
import { eventsNaming, objectEventLinks } from './queries.js'
import { neighboursOf } from './adjacency.js'
import { inEffect } from './correction-index.js'
import { SPACES, type FoodEventRecord, type ObjectRecord, type ProductRecord } from './records.js'
import { inChunks, readSignedEvent, type SignedEvent } from './signed-events.js'
import { formatTlc } from './tlc.js'

/** The CTEs whose key data elements include the harvest date (21 CFR 1.1325, 1.1330, 1.1335). */
const HARVEST_DATED = new Set<Cte>(['Harvesting', 'Initial Packing', 'First Land-Based Receiving'])
/** Containers (a pallet of cases of lots) are opened this many levels deep. */
const MAX_CONTENT_DEPTH = 4
/** Events kept for reuse within one export (aggregations, lots' first events); the cache restarts beyond. */
const MAX_CACHED_EVENTS = 10_000


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
      // The corrected history: an event an error declaration corrected is no CTE, nor is the declaration.
      const cte = record && inEffect({ correctedBy: record.correctedBy, ...(record.declares ? { declaration: true as const } : {}) }) && inBounds(record, filter) ? cteOf(record) : undefined
      return record && cte ? [{ record, cte }] : []
    })
    // Each event's rows need a few reads of their own (its lots' sources, a pallet's contents): all at once.
    const rows = await Promise.all(events.map(({ record, cte }) => context.rowsOf(record, cte)))
    for (const row of rows.flat()) {
      if (!filter.keys || filter.keys.has(row.key)) yield row.cells
    }
  }
}


async function* candidateSeqs(ledger: Ledger, filter: Fsma204Filter): AsyncGenerator<number> {
  if (filter.keys) {
    for (const link of await eventsNaming(ledger.records, filter.keys)) yield link.seq
    return
  }
  const range: { gte?: string; lt?: string } = {}
  if (filter.from) range.gte = scanBound(filter.from, -1)
  if (filter.to) range.lt = `${scanBound(filter.to, 1)}${SEP_END}`
  for await (const [key] of ledger.records.scan<unknown>(SPACES.byTime, range)) yield parseInt(key.split(SEP)[1], 16)
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
    const receives = cte === 'Receiving' || cte === 'First Land-Based Receiving'
    // A landing's previous source is the vessel, which no shipment in the log names.
    const declaredSource = receives ? partyOf(event.sourceList, 'source') : undefined
    // Harvesting and cooling (21 CFR 1.1325) name the immediate subsequent recipient, as shipping does.
    const next = cte === 'Shipping' || cte === 'Harvesting' || cte === 'Cooling' ? partyOf(event.destinationList, 'destination') : undefined
    const documents = referenceDocuments(event)
    const eventDate = localDateOf(record.eventTime, record.eventTimeZoneOffset)
    // A harvesting event without harvest dates in its ILMD was the harvest.
    const harvest = HARVEST_DATED.has(cte) ? harvestDate(event) || (cte === 'Harvesting' ? eventDate : '') : ''
    const tlcs = (role: 'input' | 'output') => lines.filter((l) => l.role === role).map((l) => formatTlc(l.id))
    const rows: LotRow[] = []
    for (const line of lines) {
      const [source, sourceReference] = await this.tlcSource(line.key)
      const previous =
        cte === 'Receiving' ? (declaredSource ?? (await this.previousSource([line.containerKey, line.key], record.seq))) : declaredSource
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
          eventDate,
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
          event.eventID ?? record.hashId,
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
    for (const { key: inner, edge } of await neighboursOf(this.ledger.records, key, 'backward')) {
      if (edge.eventType === 'TransformationEvent' || edge.eventTime > before || !inEffect(edge)) continue
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
      const links = await objectEventLinks(this.ledger.records, key, { before: seq, reverse: true })
      const shipment = links.find((link) => link.bizStep === 'shipping' && inEffect(link))
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
    return where ? [this.describe(where), where] : [producer ? describeLocation(nameOf(producer.name), producer.address, producer.contact) : object.producer, '']
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

  /** A location's description: the registered business that holds it (its name, phone and address), else the identifier itself. */
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
    return holder ? describeLocation(nameOf(holder.actor.name), holder.actor.address, holder.actor.contact) : location
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
