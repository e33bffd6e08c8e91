// EPCIS 2.0 error declarations (section 7.4.1.4): an event is never edited; its signer (or a regulator) records
// it again with an errorDeclaration, under the same eventID (or, without one, the same CBV 2.0 hash ID, which
// leaves errorDeclaration out), and names the events that replace it in correctiveEventIDs. Pure and
// browser-safe: the node's rule (correction-index.ts) and the consumer page's view (web/provenance-model.ts)
// decide which declaration corrects which event with these same functions.

import { parseDateTime } from '../core/date-time.js'
import type { EpcisEvent } from './objects.js'

/** How far a declarationTime may be ahead of the node's clock when the declaration is recorded (ISSUED_IN_FUTURE's skew). */
export const DECLARATION_AHEAD_MS = 10 * 60 * 1000

/** Why a declaration may not correct an event (details.reason of CORRECTION_INVALID, or CORRECTION_FORBIDDEN). */
export type CorrectionRefusal = 'forbidden' | 'content-differs' | 'declared-before-recorded' | 'declared-in-future' | 'corrects-itself'

/** An event as both sides know it: its signer, when the node recorded it, its ids. */
export interface CorrectionParty {
  seq: number
  actor: string
  /** the node's recordedAt of its entry */
  recordedAt: string
  /** its own eventID, when it has one */
  eventId?: string
  /** its CBV 2.0 event hash ID */
  hashId: string
}

export interface Declaration extends CorrectionParty {
  errorDeclaration: NonNullable<EpcisEvent['errorDeclaration']>
  /** whether its signer holds the regulator role */
  byRegulator: boolean
}

/** The declarations among events: those carrying an errorDeclaration. */
export function isDeclaration(event: Pick<EpcisEvent, 'errorDeclaration'>): boolean {
  return typeof event.errorDeclaration === 'object' && event.errorDeclaration !== null
}

/** The id a declaration names its erroneous event by: its eventID, else its hash ID (the same as the event's). */
export function declaredEventId(declaration: Pick<CorrectionParty, 'eventId' | 'hashId'>): string {
  return declaration.eventId ?? declaration.hashId
}

/** Whether `event` answers to `id`: its own eventID or its hash ID. */
export function answersTo(event: Pick<CorrectionParty, 'eventId' | 'hashId'>, id: string): boolean {
  return event.eventId === id || event.hashId === id
}

/**
 * Why `declaration` may not correct `target` (an event that answers to its declared id), or undefined when it
 * may. Only the target's signer or a regulator may; the declaration must repeat the event (the same hash ID);
 * it must be declared after the node recorded the event and not ahead of its own recording; it must not name
 * the event it declares erroneous among the events that correct it.
 */
export function correctionRefusal(declaration: Declaration, target: CorrectionParty): CorrectionRefusal | undefined {
  if (declaration.actor !== target.actor && !declaration.byRegulator) return 'forbidden'
  if (declaration.hashId !== target.hashId) return 'content-differs'
  const declared = parseDateTime(declaration.errorDeclaration.declarationTime) ?? Number.NaN
  if (!(declared >= Date.parse(target.recordedAt))) return 'declared-before-recorded'
  if (declared > Date.parse(declaration.recordedAt) + DECLARATION_AHEAD_MS) return 'declared-in-future'
  const corrective = declaration.errorDeclaration.correctiveEventIDs ?? []
  if (corrective.some((id) => answersTo(target, id) || id === declaredEventId(declaration))) return 'corrects-itself'
  return undefined
}

/** What a corrected event carries: the declarations that corrected it, oldest first. */
export interface CorrectionMark {
  /** the seq of the first declaration */
  seq: number
  /** the node's recordedAt of that declaration: when the correction took effect */
  at: string
  by: string
  reason?: string
  declarationTime: string
  /** the correctiveEventIDs of every declaration of the event, each once */
  correctiveEventIDs: string[]
  /** every declaration's seq */
  declarations: number[]
}

/** The mark of `target` after `declaration` corrects it, given its mark so far. */
export function markCorrected(previous: CorrectionMark | undefined, declaration: Declaration): CorrectionMark {
  const corrective = declaration.errorDeclaration.correctiveEventIDs ?? []
  if (previous) {
    return {
      ...previous,
      correctiveEventIDs: [...new Set([...previous.correctiveEventIDs, ...corrective])],
      declarations: [...previous.declarations, declaration.seq],
    }
  }
  const reason = declaration.errorDeclaration.reason
  return {
    seq: declaration.seq,
    at: declaration.recordedAt,
    by: declaration.actor,
    ...(typeof reason === 'string' ? { reason } : {}),
    declarationTime: declaration.errorDeclaration.declarationTime,
    correctiveEventIDs: [...new Set(corrective)],
    declarations: [declaration.seq],
  }
}

/**
 * The corrections among `events` (ascending by seq), as the log decides them: each declaration corrects the
 * events before it that answer to its declared id and that it may correct (the signer's own when it has any,
 * else, for a regulator, everyone's). A declaration that corrects nothing here changes nothing. Returns each
 * corrected event's mark by seq.
 */
export function correctionsAmong(events: readonly (CorrectionParty & { declaration?: Declaration })[]): Map<number, CorrectionMark> {
  const marks = new Map<number, CorrectionMark>()
  const ordinary: CorrectionParty[] = []
  for (const item of events) {
    if (!item.declaration) {
      ordinary.push(item)
      continue
    }
    for (const target of targetsOf(item.declaration, ordinary)) marks.set(target.seq, markCorrected(marks.get(target.seq), item.declaration))
  }
  return marks
}

/**
 * The events among `candidates` (ordinary events recorded before it) that `declaration` corrects; empty when it
 * may correct none of them. Only events that answer to its id and repeat its content (the same hash ID) are its
 * concern: anyone may record other events under the same eventID, and those must not stand in its way.
 */
export function targetsOf<T extends CorrectionParty>(declaration: Declaration, candidates: readonly T[]): T[] {
  const id = declaredEventId(declaration)
  const named = candidates.filter((event) => event.seq < declaration.seq && answersTo(event, id) && event.hashId === declaration.hashId)
  const own = named.filter((event) => event.actor === declaration.actor)
  const chosen = own.length > 0 || !declaration.byRegulator ? own : named
  return chosen.every((event) => correctionRefusal(declaration, event) === undefined) ? chosen : []
}
