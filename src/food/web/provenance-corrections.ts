// The consumer page's corrections: which of the evidence's events an EPCIS error declaration corrected, decided
// from the signed entries alone by the node's own rule (corrections.ts), so the server and the browser
// verifier strike through the same steps and link the same correction.

import { eventHashId } from '../../core/epcis-event-hash.js'
import type { ActorProfile, EvidenceEntry } from '../../web/bound-view.js'
import { LazyCodeMissing } from '../../web/lazy-code.js'
import { answersTo, correctionsAmong, isDeclaration, type CorrectionParty, type Declaration } from '../corrections.js'
import { eventOf } from '../objects.js'

/** A corrected step's mark: who corrected it, when the node recorded that, and the entry to read the correction at. */
export interface CorrectionView {
  by: string
  /** the declaration's recordedAt: when the correction took effect */
  at: string
  /** the first corrective event in the evidence, else the declaration */
  seq: number
}

export interface PageCorrections {
  /** the seqs of error declarations: no steps of their own */
  declarations: Set<number>
  /** corrected events by seq */
  marks: Map<number, CorrectionView>
}

/** The seqs of the evidence's food events that are EPCIS error declarations. */
export function declarationsAmong(entries: readonly EvidenceEntry[]): Set<number> {
  return new Set(entries.filter(({ statement }) => statement.type === 'food.event' && isDeclaration(eventOf(statement.body))).map(({ seq }) => seq))
}

/** The corrections among the evidence's food events (ascending by seq). Hashes events only when a declaration is among them. */
export function pageCorrections(entries: readonly EvidenceEntry[], actors: ReadonlyMap<string, ActorProfile>): PageCorrections {
  const events = entries.filter(({ statement }) => statement.type === 'food.event')
  const declarations = declarationsAmong(events)
  const marks = new Map<number, CorrectionView>()
  if (declarations.size === 0) return { declarations, marks }
  const parties = events.map(({ seq, recordedAt, statement }) => {
    const event = eventOf(statement.body)
    let hashId: string
    try {
      hashId = eventHashId(statement.body)
    } catch (error) {
      if (error instanceof LazyCodeMissing) throw error // a page's verifier that did not load the code: not the event's fault
      hashId = `unhashable:${seq}` // the node hashed every event it took: this one answers to no declaration
    }
    const party: CorrectionParty = { seq, actor: statement.actor, recordedAt, ...(typeof event.eventID === 'string' ? { eventId: event.eventID } : {}), hashId }
    const declaration: Declaration | undefined = declarations.has(seq)
      ? { ...party, errorDeclaration: event.errorDeclaration as Declaration['errorDeclaration'], byRegulator: actors.get(statement.actor)?.roles.includes('regulator') === true }
      : undefined
    return { ...party, ...(declaration ? { declaration } : {}) }
  })
  const ordinary = parties.filter((party) => !party.declaration)
  for (const [seq, mark] of correctionsAmong(parties)) {
    const corrective = ordinary.find((party) => party.seq !== seq && mark.correctiveEventIDs.some((id) => answersTo(party, id)))
    marks.set(seq, { by: mark.by, at: mark.at, seq: corrective?.seq ?? mark.seq })
  }
  return { declarations, marks }
}
