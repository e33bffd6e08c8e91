// What the consumer page of a lot is rendered from: the entries of its provenance (events, inspections,
// the recall) and of the products they name, decoded, and the registrations of every actor they name.
// The page lists exactly these (web/bound-view.ts), so the browser can derive the page again from them.

import { decodeEnvelope } from '../../core/dsse.js'
import { parseStatementPayload } from '../../core/statement.js'
import type { Entry, Ledger } from '../../ledger/ledger.js'
import type { ActorRecord } from '../../ledger/registry.js'
import { actorProfile, type ActorProfile, type EvidenceEntry } from '../../web/bound-view.js'
import { canonicalObject, eventOf, objectsOf } from '../objects.js'
import type { Provenance } from '../provenance.js'
import { SPACES, type ProductRecord } from '../records.js'
import type { ProvenanceInput } from '../web/provenance-view.js'

/** The operator of each ledger: the actor entry 0 registered, looked up once. */
const operators = new WeakMap<Ledger, string>()

export function operatorOf(ledger: Ledger): ActorRecord | undefined {
  const known = operators.get(ledger)
  if (known) return ledger.actors.get(known)
  const operator = ledger.actors.all().find((actor) => actor.seqs[0] === 0)
  if (operator) operators.set(ledger, operator.id)
  return operator
}


function evidenceOf(entry: Entry): EvidenceEntry {
  return { seq: entry.seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) }
}

export interface ProvenanceEvidence {
  input: ProvenanceInput
  /** actors named beyond the entries' signers (destinations' owners, the operator) */
  actors: string[]
}

/** The evidence of `provenance` at the ledger's checkpoint of the same size. */
export async function provenanceEvidence(ledger: Ledger, provenance: Provenance, subject: string): Promise<ProvenanceEvidence> {
  const entries = new Map<number, EvidenceEntry>()
  for (const item of [...provenance.events, ...provenance.inspections]) entries.set(item.entry.seq, evidenceOf(item.entry))
  if (provenance.recall) entries.set(provenance.recall.seq, evidenceOf((await ledger.getEntry(provenance.recall.seq)).entry))

  // The products the page names: the lot's own and those of the goods of its events and of the recall.
  const gtins = new Set<string>()
  const addGtin = (text: string) => {
    try {
      const gtin = canonicalObject(text).identifier.gtin
      if (gtin) gtins.add(gtin)
    } catch {
      // an identifier this reader cannot place names no product
    }
  }
  addGtin(subject)
  for (const { statement } of entries.values()) {
    if (statement.type === 'food.event') {
      try {
        for (const object of objectsOf(eventOf(statement.body))) if (object.identifier.gtin) gtins.add(object.identifier.gtin)
      } catch {
        // as above
      }
    }
    if (statement.type === 'food.recall' && Array.isArray(statement.body.ids)) for (const id of statement.body.ids) if (typeof id === 'string') addGtin(id)
    if (statement.type === 'food.inspection' && typeof statement.body.lot === 'string') addGtin(statement.body.lot)
  }
  const productSeqs = await Promise.all(
    [...gtins].map(async (gtin) => (await ledger.records.get<ProductRecord>(SPACES.product, gtin))?.seqs.at(-1)),
  )
  const size = provenance.proofs.size
  for (const { entry } of await Promise.all(productSeqs.filter((seq): seq is number => seq !== undefined && seq < size).map((seq) => ledger.getEntry(seq)))) {
    entries.set(entry.seq, evidenceOf(entry))
  }

  // The actors: every signer, the owners of the locations goods were shipped to, and the operator.
  const named = new Set<string>()
  const destinations = new Set<string>()
  for (const { statement } of entries.values()) {
    named.add(statement.actor)
    if (statement.type !== 'food.event') continue
    for (const destination of eventOf(statement.body).destinationList ?? []) destinations.add(destination.destination)
  }
  // Whose places those are: the registry has no index by location, so it is read only when goods were shipped.
  if (destinations.size > 0) {
    for (const actor of ledger.actors.all()) if ((actor.locations ?? []).some((location) => destinations.has(location))) named.add(actor.id)
  }
  const operator = operatorOf(ledger)
  if (operator) named.add(operator.id)
  const actors = new Map<string, ActorProfile>()
  for (const id of named) {
    const record = ledger.actors.get(id)
    if (record && record.seqs[0] < size) actors.set(id, actorProfile(record))
  }
  const signers = new Set([...entries.values()].map(({ statement }) => statement.actor))
  return {
    input: {
      subject,
      entries: [...entries.values()].sort((a, b) => a.seq - b.seq),
      actors,
      asOf: size,
      operator: operator?.id ?? '',
      truncated: provenance.truncated === true,
    },
    actors: [...actors.keys()].filter((id) => !signers.has(id)),
  }
}
