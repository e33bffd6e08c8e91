// The rule of an EPCIS error declaration (corrections.ts) at the node, and what it writes: the corrected event's
// mark, and the event's edges, object links and quantity moves stamped with the declaration's seq, so trace,
// mass balance, the FSMA 204 export and recall propagation read the corrected history from the same records.

import { fail } from '../core/errors.js'
import type { RuleContext } from '../ledger/kinds.js'
import { hasRole } from '../ledger/registry.js'
import { joinKey, prefixRange, seqKey, SEP } from '../store/keys.js'
import { correctionRefusal, declaredEventId, markCorrected, targetsOf, type CorrectionMark, type Declaration } from './corrections.js'
import { edgesOf, type EpcisEvent } from './objects.js'
import { stampAdjacentEdge } from './adjacency.js'
import { recomputeLotBalance } from './lot-balance.js'
import { shipmentWrites } from './shipment-index.js'
import { SPACES, type EdgeRecord, type FoodEventRecord, type ObjectEventLink, type QuantityMove } from './records.js'

/** Events one declaration looks at under its declared id: the same content recorded by many actors is bounded too. */
export const MAX_DECLARED_CANDIDATES = 100

/** The declaration of `record` (a food event carrying an errorDeclaration) as corrections.ts decides on it. */
export function declarationOf(ctx: RuleContext, event: EpcisEvent, record: FoodEventRecord): Declaration {
  return {
    seq: record.seq,
    actor: record.actor,
    recordedAt: record.recordedAt,
    ...(record.eventId !== undefined ? { eventId: record.eventId } : {}),
    hashId: record.hashId,
    errorDeclaration: event.errorDeclaration as Declaration['errorDeclaration'],
    byRegulator: hasRole(ctx.actor, ['regulator']),
  }
}

/**
 * The events `declaration` corrects (none when no event recorded before it answers to its id), checked: throws
 * CORRECTION_INVALID (details.reason `content-differs`, `declared-before-recorded`, `declared-in-future`, `corrects-itself`) or
 * CORRECTION_FORBIDDEN (the events are another actor's and the signer is no regulator). Reads only.
 */
export async function correctedBy(ctx: RuleContext, declaration: Declaration): Promise<FoodEventRecord[]> {
  const id = declaredEventId(declaration)
  // The events of its content first, by its hash ID: other events that share its eventID (anyone may write
  // one) cannot crowd them out of the candidates read. Then, to say why it corrects none, those of its id.
  const repeats = targetsOf(declaration, await candidatesUnder(ctx, declaration.hashId))
  if (repeats.length > 0) return repeats
  const records = await candidatesUnder(ctx, id)
  // An event recorded elsewhere (or never): the declaration is kept, as an EPCIS repository keeps what it is
  // sent, and corrects nothing; it cannot lie in wait either, since it corrects only events recorded before it.
  if (records.length === 0) return []
  const targets = targetsOf(declaration, records)
  if (targets.length > 0) return targets
  const own = records.filter((record) => record.actor === declaration.actor)
  const judged = own.length > 0 || !declaration.byRegulator ? own : records
  for (const record of judged.length > 0 ? judged : records) {
    const refusal = correctionRefusal(declaration, record)
    if (refusal === 'forbidden') {
      fail('CORRECTION_FORBIDDEN', `${declaration.actor} may not correct event ${id} of ${record.actor}: only its signer or a regulator may`, { eventID: id, actor: record.actor, seq: record.seq })
    }
    if (refusal !== undefined) fail('CORRECTION_INVALID', correctionMessage(refusal, id), { reason: refusal, eventID: id, seq: record.seq })
  }
  throw new TypeError('a declaration with candidates corrects some or is refused') // targetsOf and correctionRefusal disagree
}

/** The ordinary events (not declarations) indexed under `id`, at most MAX_DECLARED_CANDIDATES. */
async function candidatesUnder(ctx: RuleContext, id: string): Promise<FoodEventRecord[]> {
  const rows = await ctx.range<number>(SPACES.byEventId, { ...prefixRange(id), limit: MAX_DECLARED_CANDIDATES })
  const seqs = [...new Set(rows.map(([key]) => parseInt(key.split(SEP).at(-1) as string, 16)))]
  return (await Promise.all(seqs.map((seq) => ctx.get<FoodEventRecord>(SPACES.event, seqKey(seq))))).filter(
    (record): record is FoodEventRecord => record !== undefined && record.declares === undefined,
  )
}

function correctionMessage(reason: string, id: string): string {
  switch (reason) {
    case 'content-differs':
      return `the error declaration of ${id} does not repeat the event (its CBV 2.0 hash ID differs)`
    case 'declared-before-recorded':
      return `the error declaration of ${id} is dated before the node recorded the event`
    case 'declared-in-future':
      return `the error declaration of ${id} is dated ahead of the node's clock`
    default:
      return `the error declaration of ${id} names the event itself among its correctiveEventIDs`
  }
}

/** Writes the marks of `targets` and stamps their edges, object links and quantity moves with the declaration's seq. */
export async function recordCorrections(ctx: RuleContext, declaration: Declaration, targets: readonly FoodEventRecord[]): Promise<void> {
  for (const target of targets) {
    const key = seqKey(target.seq)
    const mark = markCorrected(await ctx.get<CorrectionMark>(SPACES.correction, key), declaration)
    ctx.put(SPACES.correction, key, mark)
    if (target.correctedBy !== undefined) continue // stamped by an earlier declaration
    ctx.put(SPACES.event, key, { ...target, correctedBy: declaration.seq } satisfies FoodEventRecord)
    // A corrected shipment is none: out of the index, so the latest in effect is its first row.
    for (const write of shipmentWrites(target)) ctx.put(write.space, write.key, null)
    /** Whether there was a record to stamp. */
    const stamp = async <T extends object>(space: string, recordKey: string): Promise<boolean> => {
      const value = await ctx.get<T>(space, recordKey)
      if (value) ctx.put(space, recordKey, { ...value, correctedBy: declaration.seq })
      return value !== undefined
    }
    for (const object of target.objects) {
      await stamp<ObjectEventLink>(SPACES.byObject, joinKey(object.key, key))
      const moved = [await stamp<QuantityMove>(SPACES.quantity, joinKey(object.key, key, 'in')), await stamp<QuantityMove>(SPACES.quantity, joinKey(object.key, key, 'out'))]
      if (moved.some(Boolean)) await recomputeLotBalance(ctx, object.key)
    }
    for (const { from, to } of edgesOf({ type: target.eventType, action: target.action } as EpcisEvent, target.objects)) {
      await stamp<EdgeRecord>(SPACES.forward, joinKey(from.key, to.key, key))
      await stamp<EdgeRecord>(SPACES.backward, joinKey(to.key, from.key, key))
      await stampAdjacentEdge(ctx, from.key, to.key, target.seq, { correctedBy: declaration.seq })
    }
  }
}

/** Whether an edge, object link or quantity move still holds: not of a corrected event, not of a declaration. */
export function inEffect(record: { correctedBy?: number; declaration?: true }): boolean {
  return record.correctedBy === undefined && record.declaration === undefined
}
