// Seal alerts. Pattern alerts (OFF_HOURS_USE, OVER_BUDGET, SPLIT_CONTRACT) are derived from the entry
// that shows them and written with it; OVERDUE depends on the clock and is computed when asked;
// attempts (refused breaches) are in attempts.ts. Every one carries its sealId. Each function states its predicate.

import { SEP, joinKey, prefixRange, seqKey } from '../store/keys.js'
import type { RecordWrite } from '../store/level-store.js'
import { ALERT_SPACE, alertRecord, heldAlertSource, type Alert, type AlertSource } from '../ledger/alerts.js'
import type { RecordReader, RuleContext } from '../ledger/kinds.js'
import { heldInstant } from '../core/date-time.js'
import { DUE_INDEX_SPREAD_MS, daysBefore, dueIndexTime, formatLocal, isOffHours, sealConfig, type SealConfig } from './config.js'
import { SEAL_SPACES, byOrgKey, getApplication, type AlertRef, type ApplicationRecord, type OrgApplication } from './records.js'
import { sumOfAmounts } from './amounts.js'
import { areNearDuplicateTokens, isOverBudget, isUnderThreshold, overdueAt, splitFires, stampedBeforeApprovalRecorded } from './patterns.js'
import { OPEN_STATES } from './workflow.js'
import { titleTokens } from './similarity.js'

/** An alert's record and, for each application it names, an index record that points at it. */
function alertWrites(alert: Alert, suffix: string, space: string): RecordWrite[] {
  const record = alertRecord(alert, suffix, space)
  const ref: AlertRef = { space, key: record.key }
  return [record, ...(alert.applicationIds ?? []).map((id) => ({ space: SEAL_SPACES.alertsByApplication, key: joinKey(id, record.key), value: ref }))]
}

/** Writes a pattern alert with the entry being accepted. */
export function putAlert(ctx: RuleContext, alert: Alert): void {
  for (const { space, key, value } of alertWrites(alert, seqKey(ctx.seq), ALERT_SPACE)) ctx.put(space, key, value)
}

/** The stored pattern alerts (and attempts recorded by earlier versions, one per refusal) that name an application, oldest first; the first `limit`. */
export async function applicationAlerts(reader: RecordReader, applicationId: string, limit?: number): Promise<Alert[]> {
  const refs = await reader.range<AlertRef>(SEAL_SPACES.alertsByApplication, { ...prefixRange(applicationId), ...(limit !== undefined ? { limit } : {}) })
  const alerts: Alert[] = []
  for (const [, ref] of refs) {
    const alert = await reader.get<Alert>(ref.space, ref.key)
    if (alert) alerts.push(alert)
  }
  return alerts
}

/**
 * OFF_HOURS_USE: a seal.use whose stamping time falls in [offHoursFrom, offHoursTo) local time.
 * The stamping time is the entry's recordedAt, the node's clock, not the custodian's issuedAt: the
 * custodian signs issuedAt and could backdate a 23:00 stamping to 10:00, while recordedAt is the node's
 * own witness that the stamping had happened by then. (A custodian who holds the statement back until
 * morning evades both; a smart seal that submits as it stamps closes that gap.)
 */
export function offHoursAlert(application: ApplicationRecord, ctx: RuleContext, config: SealConfig): Alert | undefined {
  if (!isOffHours(ctx.recordedAt, config)) return undefined
  return {
    kind: 'OFF_HOURS_USE',
    at: ctx.recordedAt,
    seqs: [ctx.seq],
    sealId: application.sealId,
    applicationIds: [application.applicationId],
    message:
      `seal ${application.sealId} stamped ${application.applicationId} at ${formatLocal(ctx.recordedAt, config)} (${config.zoneOffset}), ` +
      `outside ${pad(config.offHoursTo)}:00-${pad(config.offHoursFrom)}:00; the custodian's statement says ${ctx.statement.issuedAt}`,
  }
}

/** USE_BEFORE_APPROVAL_RECORDED (patterns.ts): the use's signed stamping time precedes the approval's recordedAt. */
export function useBeforeApprovalAlert(application: ApplicationRecord, ctx: RuleContext): Alert | undefined {
  const approval = application.approval
  if (!approval || !stampedBeforeApprovalRecorded(ctx.statement.issuedAt, approval.at)) return undefined
  return {
    kind: 'USE_BEFORE_APPROVAL_RECORDED',
    at: ctx.recordedAt,
    seqs: [approval.seq, ctx.seq],
    sealId: application.sealId,
    applicationIds: [application.applicationId],
    message:
      `seal ${application.sealId} on ${application.applicationId}: the custodian signed the stamping at ${ctx.statement.issuedAt}, ` +
      `before the approval (entry ${approval.seq}) was recorded at ${approval.at}`,
  }
}

/** OVER_BUDGET: an amount (at seal.apply) or final amount (at seal.close) strictly above the application's budget. */
export function overBudgetAlert(
  application: ApplicationRecord,
  field: 'amount' | 'finalAmount',
  value: number | undefined,
  ctx: RuleContext,
): Alert | undefined {
  if (!isOverBudget(value, application.budget)) return undefined
  return {
    kind: 'OVER_BUDGET',
    at: ctx.recordedAt,
    seqs: field === 'amount' ? [ctx.seq] : [application.appliedSeq, ctx.seq],
    sealId: application.sealId,
    applicationIds: [application.applicationId],
    message: `application ${application.applicationId} "${application.title}": ${field} ${value} CNY is above its budget of ${application.budget} CNY`,
  }
}

/**
 * How many of a SPLIT_CONTRACT group's members (the earliest, and always the completing one) the message
 * quotes by title; the others by id and amount. A group is raised again with each later near-duplicate, so
 * quoting every title made one clerk's flood of near-duplicates store titles quadratically; the entries
 * (seqs) still hold every title, and the pages show them from there.
 */
const TITLED_MEMBERS = 10

/**
 * SPLIT_CONTRACT, checked when an application is made. With T the collective threshold, the group is
 * the new application a (which must have an amount below T) and every earlier application p of the
 * same org recorded in the window [a.recordedAt - splitWindowDays, a.recordedAt], not rejected, with an
 * amount below T and titleSimilarity(p.title, a.title) >= titleSimilarity. It fires when the group has
 * at least splitMinApplications members whose amounts sum to T or more, and names every member.
 */
export async function splitContractAlert(
  application: ApplicationRecord,
  ctx: RuleContext,
  config: SealConfig,
): Promise<Alert | undefined> {
  const threshold = config.collectiveThreshold
  if (!isUnderThreshold(application.amount, config)) return undefined
  const since = daysBefore(application.appliedAt, config.splitWindowDays)
  const earlier = await ctx.range<OrgApplication>(SEAL_SPACES.byOrg, {
    gte: joinKey(application.org, since),
    lt: prefixRange(application.org).lt,
  })
  const tokens = titleTokens(application.title)
  const group: OrgApplication[] = []
  for (const [, other] of earlier) {
    if (other.applicationId === application.applicationId || !isUnderThreshold(other.amount, config) || other.rejected) continue
    // Tokens kept in the index: one member's many near-duplicates cost a comparison each, not a tokenising and a read.
    if (!areNearDuplicateTokens(tokens, other.tokens ? new Set(other.tokens) : titleTokens(other.title), config)) continue
    if (!other.tokens && (await getApplication(ctx, other.applicationId))?.state === 'rejected') continue
    group.push(other)
  }
  group.push({ applicationId: application.applicationId, seq: ctx.seq, title: application.title, amount: application.amount })
  const amounts = group.map((g) => g.amount ?? 0)
  if (!splitFires(amounts, config)) return undefined
  return {
    kind: 'SPLIT_CONTRACT',
    at: ctx.recordedAt,
    seqs: group.map((g) => g.seq),
    // The group spans the org's applications, perhaps on several seals; this is the seal of the one that completed it.
    sealId: application.sealId,
    applicationIds: group.map((g) => g.applicationId),
    message:
      `${group.length} applications of ${application.org} within ${config.splitWindowDays} days with near-duplicate titles, ` +
      `each below the collective-decision threshold of ${threshold} CNY, together ${sumOfAmounts(amounts)} CNY: ` +
      group.map((g, i) => (i < TITLED_MEMBERS || i === group.length - 1 ? `${g.applicationId} "${g.title}" ${g.amount}` : `${g.applicationId} ${g.amount}`)).join('; '),
  }
}

/** The index record SPLIT_CONTRACT ranges over; written at seal.apply and again at seal.reject. */
export function orgApplicationRecord(application: ApplicationRecord): RecordWrite {
  const value: OrgApplication = {
    applicationId: application.applicationId,
    seq: application.appliedSeq,
    title: application.title,
    ...(application.amount !== undefined ? { amount: application.amount } : {}),
    tokens: [...titleTokens(application.title)],
    ...(application.state === 'rejected' ? { rejected: true as const } : {}),
  }
  return { space: SEAL_SPACES.byOrg, key: byOrgKey(application.org, application.appliedAt, application.applicationId), value }
}

/**
 * OVERDUE, computed at query time: an application with a due date whose local day has ended by `now`,
 * still applied, approved or used (not closed, not rejected), whatever became of its seal: a revoked
 * seal still takes seal.close, so revoking it hides nothing. `at` is the end of the due date, or the application's
 * recordedAt when it was recorded after that (filed overdue): an alert's position is never before the node knew of
 * it, or the alert stream, which sends what comes due after it last looked, and a webhook's cursor pass it by.
 */
export function overdueAlertSource(overrides: Partial<SealConfig> = {}): AlertSource {
  const config = sealConfig(overrides)
  return heldAlertSource(async (ledger, now) => {
    const alerts: Alert[] = []
    // The index keys each application at the end of its due day in the zone of the day it was applied; OVERDUE goes
    // by the zone in effect, as the pages do, which `serve --zone` may have moved by up to DUE_INDEX_SPREAD_MS.
    const upTo = prefixRange(heldInstant(now.getTime() + DUE_INDEX_SPREAD_MS)).lt
    const [next] = await ledger.records.range<string>(SEAL_SPACES.due, { gte: upTo, limit: 1 })
    let changesAt = next === undefined ? Infinity : Date.parse(next[0].slice(0, next[0].indexOf(SEP))) - DUE_INDEX_SPREAD_MS
    for await (const [, applicationId] of ledger.records.scan<string>(SEAL_SPACES.due, { lt: upTo })) {
      const application = await getApplication(ledger.records, applicationId)
      if (!application?.dueDate || !OPEN_STATES.includes(application.state)) continue
      const dueAt = dueIndexTime(application.dueDate, config)
      if (!(Date.parse(dueAt) <= now.getTime())) {
        changesAt = Math.min(changesAt, Date.parse(dueAt))
        continue
      }
      alerts.push({
        kind: 'OVERDUE',
        at: overdueAt(dueAt, application.appliedAt),
        seqs: [application.appliedSeq],
        sealId: application.sealId,
        applicationIds: [applicationId],
        message: `application ${applicationId} "${application.title}" was due ${application.dueDate} (${config.zoneOffset}) and is still ${application.state}`,
      })
    }
    return { alerts, ...(Number.isFinite(changesAt) ? { changesAt } : {}) }
  })
}

function pad(hour: number): string {
  return String(hour).padStart(2, '0')
}

