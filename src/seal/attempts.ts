// Refused seal attempts, aggregated: one record per (seal, application, actor, code) that counts the
// refusals, keeps the first refused envelope whole and the latest few as samples, so a flood of refused
// statements costs constant space per key and one actor can make only a bounded number of keys.

import { fromBase64, toHex } from '../core/bytes.js'
import type { Envelope } from '../core/dsse.js'
import { fail } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { ATTEMPT_SPACE, alertRecord, type Alert, type AttemptSample } from '../ledger/alerts.js'
import type { RecordReader, RefusalContext } from '../ledger/kinds.js'
import type { RecordWrite } from '../store/level-store.js'
import { joinKey, prefixRange } from '../store/keys.js'
import { SEAL_SPACES, getApplication, getSeal } from './records.js'

/** The latest refused statements an attempt record keeps beside the first envelope. */
export const ATTEMPT_SAMPLES = 5

/** Stands for "no such seal" or "no such application" in an attempt's key; no valid id is `*`. */
export const UNKNOWN_SUBJECT = '*'

/** What a refused statement was about, as far as the ledger knows it: only existing seals and applications count. */
export interface AttemptSubject {
  sealId?: string
  applicationId?: string
}

/**
 * The subject of a refused statement. The ids in its body are attacker-controlled: one that names no
 * existing seal or application is not part of the key (the envelope keeps it), so inventing ids makes
 * no new records.
 */
async function attemptSubject(reader: RecordReader, body: Record<string, unknown>): Promise<AttemptSubject> {
  if (typeof body.applicationId === 'string') {
    const application = await getApplication(reader, body.applicationId)
    if (application) return { sealId: application.sealId, applicationId: application.applicationId }
  }
  if (typeof body.sealId === 'string' && (await getSeal(reader, body.sealId))) return { sealId: body.sealId }
  return {}
}

/** The key of an attempt record: seal, application, actor, code; a seal's attempts share its prefix. */
export function attemptKey(subject: AttemptSubject, actor: string, code: string): string {
  return joinKey(subject.sealId ?? UNKNOWN_SUBJECT, subject.applicationId ?? UNKNOWN_SUBJECT, actor, code)
}

/**
 * The writes that count one refused statement: the attempt record under its key, and its copy in the
 * attempt alerts, which moves to the latest refusal's time so a list of alerts since T shows it.
 * Its kind is the refusal's code (USE_WITHOUT_APPROVAL, SELF_APPROVAL, NOT_IN_ORG, ROLE_FORBIDDEN, ...).
 */
export async function attemptRecords(ctx: RefusalContext): Promise<RecordWrite[]> {
  const { statement, error } = ctx
  const subject = await attemptSubject(ctx, statement.body)
  const key = attemptKey(subject, statement.actor, error.code)
  const earlier = await ctx.get<Alert>(SEAL_SPACES.attempt, key)
  const payloadSha256 = payloadSha256Of(ctx.envelope)
  // The same signed statement again is a replay (anyone can resend the first envelope /v1/alerts publishes) or a
  // client's retry, not another attempt by its signer: it counts once, and pushes no sample of a real one out.
  if (earlier && (isPayloadOf(earlier.envelope, payloadSha256) || earlier.samples?.some((s) => s.payloadSha256 === payloadSha256))) return []
  const count = (earlier?.count ?? 0) + 1
  const firstAt = earlier?.firstAt ?? ctx.at
  const sample: AttemptSample = {
    id: statement.id,
    type: statement.type,
    issuedAt: statement.issuedAt,
    at: ctx.at,
    payloadSha256,
  }
  const latest = `${statement.type} ${statement.id}: ${error.message}`
  const alert: Alert = {
    kind: error.code,
    at: ctx.at,
    seqs: [],
    ...(subject.sealId !== undefined ? { sealId: subject.sealId } : {}),
    ...(subject.applicationId !== undefined ? { applicationIds: [subject.applicationId] } : {}),
    message: count === 1 ? `refused ${latest}` : `${count} statements by ${statement.actor} refused since ${firstAt}; the latest, ${latest}`,
    envelope: earlier?.envelope ?? ctx.envelope,
    code: error.code,
    actor: statement.actor,
    count,
    firstAt,
    lastAt: ctx.at,
    samples: [...(earlier?.samples ?? []), sample].slice(-ATTEMPT_SAMPLES),
  }
  const writes: RecordWrite[] = []
  if (earlier && earlier.at !== alert.at) writes.push({ ...alertRecord(earlier, key, ATTEMPT_SPACE), value: null })
  writes.push({ space: SEAL_SPACES.attempt, key, value: alert }, alertRecord(alert, key, ATTEMPT_SPACE))
  // Every payload the record keeps stays refused (refusedBefore): at most the first and ATTEMPT_SAMPLES, so a
  // flood of refusals still costs constant space per key.
  writes.push({ space: SEAL_SPACES.refusedPayload, key: payloadSha256, value: key })
  const firstSha256 = earlier?.envelope ? payloadSha256Of(earlier.envelope) : payloadSha256
  for (const dropped of earlier?.samples?.slice(0, Math.max(0, earlier.samples.length + 1 - ATTEMPT_SAMPLES)) ?? []) {
    if (dropped.payloadSha256 !== firstSha256) writes.push({ space: SEAL_SPACES.refusedPayload, key: dropped.payloadSha256, value: null })
  }
  return writes
}

/**
 * Refuses, as REFUSED_BEFORE, a statement whose very payload the node refused before and keeps in an attempt
 * record. /v1/alerts publishes each record's first envelope, signature and all: without this, anyone could POST
 * a stamp refused as USE_WITHOUT_APPROVAL again once the application was approved, and the log would show a
 * lawful use that was in truth made before the approval. A signer whose statement was refused signs a new one.
 */
export async function refusedBefore(ctx: RecordReader & { envelope: Envelope }): Promise<void> {
  const payloadSha256 = payloadSha256Of(ctx.envelope)
  const key = await ctx.get<string>(SEAL_SPACES.refusedPayload, payloadSha256)
  if (key === undefined) return
  const attempt = await ctx.get<Alert>(SEAL_SPACES.attempt, key)
  const code = attempt?.code ?? 'a seal rule'
  fail('REFUSED_BEFORE', `this signed statement was refused before (${code}${attempt?.firstAt ? `, first at ${attempt.firstAt}` : ''}) and stays refused; sign a new statement`, {
    payloadSha256,
    refusedWith: code,
  })
}

function payloadSha256Of(envelope: Pick<Envelope, 'payload'>): string {
  return toHex(sha256(fromBase64(envelope.payload, 'payload')))
}

/** Whether `envelope` (a stored attempt's first one) carries the payload whose SHA-256 is `payloadSha256`. */
function isPayloadOf(envelope: Alert['envelope'], payloadSha256: string): boolean {
  return envelope !== undefined && payloadSha256Of(envelope) === payloadSha256
}

/** The first `limit` attempt records about a seal's application, or about the seal alone when `applicationId` is undefined, by actor and code. */
export async function attemptsAbout(reader: RecordReader, sealId: string, applicationId: string | undefined, limit: number): Promise<Alert[]> {
  const records = await reader.range<Alert>(SEAL_SPACES.attempt, { ...prefixRange(joinKey(sealId, applicationId ?? UNKNOWN_SUBJECT)), limit })
  return records.map(([, alert]) => alert)
}

/** The refused attempts about a seal by one actor for one reason, whatever the applications they named. */
export interface AttemptGroup {
  actor: string
  code: string
  count: number
  firstAt: string
  lastAt: string
  /** the applications they named, in key order; empty for attempts about the seal alone */
  applicationIds: string[]
}

/** Attempt records a seal's summary reads at most; past them it says there are more. */
export const ATTEMPT_RECORDS_READ = 2_000

/**
 * A seal's refused attempts aggregated per actor and reason (the code): counts summed, the first and
 * the latest time, the applications named. Reads at most `limit` records (each counts any number of
 * refusals); `more` when there were more. Newest first.
 */
export async function attemptGroupsOf(reader: RecordReader, sealId: string, limit = ATTEMPT_RECORDS_READ): Promise<{ groups: AttemptGroup[]; more: boolean }> {
  const records = await reader.range<Alert>(SEAL_SPACES.attempt, { ...prefixRange(sealId), limit: limit + 1 })
  const groups = new Map<string, AttemptGroup>()
  for (const [, alert] of records.slice(0, limit)) {
    const actor = alert.actor ?? UNKNOWN_SUBJECT
    const code = alert.code ?? alert.kind
    const key = joinKey(actor, code)
    const group = groups.get(key) ?? { actor, code, count: 0, firstAt: alert.firstAt ?? alert.at, lastAt: alert.lastAt ?? alert.at, applicationIds: [] }
    group.count += alert.count ?? 1
    if ((alert.firstAt ?? alert.at) < group.firstAt) group.firstAt = alert.firstAt ?? alert.at
    if ((alert.lastAt ?? alert.at) > group.lastAt) group.lastAt = alert.lastAt ?? alert.at
    for (const id of alert.applicationIds ?? []) if (!group.applicationIds.includes(id)) group.applicationIds.push(id)
    groups.set(key, group)
  }
  return { groups: [...groups.values()].sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0)), more: records.length > limit }
}
