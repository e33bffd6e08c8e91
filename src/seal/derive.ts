// A seal's page derived from signed entries alone: the seal, the applications the page lists, their
// states (moved through workflow.ts, with the seal rules checked again on the signers' registrations)
// and the alerts that follow from them. Pure and browser-safe: the node renders the seal page's bound
// area from it, and the browser verifier derives it again from the entries it verified (web/seal-view.ts).
// Every entry is attacker input here: a field of the wrong shape or a move the rules forbid is refused
// with a BoundViewError naming the entry, never shown.

import { lateBy, pageLateWindow } from '../core/late-record.js'
import { isIssuedAt } from '../core/statement.js'
import { BoundViewError, type ActorProfile, type EvidenceEntry } from '../web/bound-view.js'
import { endOfLocalDate, type SealConfig } from './config.js'
import { isInSplitWindow, isNearDuplicate, isOffHours, isOverBudget, isUnderThreshold, overdueAt, splitFires, stampedBeforeApprovalRecorded } from './patterns.js'
import type { ApplicationRecord, SealName } from './records.js'
import { OPEN_STATES, allowedOnRevokedSeal, nextState, type ApplicationState, type ApplicationStatementType } from './workflow.js'

export interface SealFacts {
  sealId: string
  org: string
  name: SealName
  custodian: string
  approvers: string[]
  register: EvidenceEntry
  revoke?: { entry: EvidenceEntry; reason: string }
}

export interface Decided {
  entry: EvidenceEntry
  comment?: string
}

export interface Stamping {
  entry: EvidenceEntry
  copies: number
  stamped: string
  photo?: string
}

export interface Closed {
  entry: EvidenceEntry
  outcome: string
  completedAt: string
  finalAmount?: number
}

export type DerivedAlertKind = 'OVER_BUDGET' | 'OFF_HOURS_USE' | 'SPLIT_CONTRACT' | 'OVERDUE' | 'LATE_RECORD' | 'USE_BEFORE_APPROVAL_RECORDED'

export interface DerivedAlert {
  kind: DerivedAlertKind
  at: string
  seqs: number[]
}

/** An application as its entries make it: the stored record's facts, derived from the entries alone. */
export interface ApplicationFacts
  extends Pick<
    ApplicationRecord,
    'applicationId' | 'title' | 'purpose' | 'applicant' | 'document' | 'copiesRequested' | 'copiesApproved' | 'copiesUsed' | 'amount' | 'budget' | 'dueDate' | 'state'
  > {
  /** the apply first, then every later entry about it, by seq */
  history: EvidenceEntry[]
  approval?: Decided
  rejection?: Decided
  uses: Stamping[]
  closing?: Closed
  /** oldest first */
  alerts: DerivedAlert[]
}

/** What the page says beyond the entries: which applications it shows, which split groups, its time and settings. */
export interface SealPageClaims {
  sealId: string
  /** the applications shown, in the order they were made */
  applicationIds: readonly string[]
  /** SPLIT_CONTRACT groups (their seal.apply seqs, ascending) that name an application shown */
  splitGroups: readonly (readonly number[])[]
  /** the node's time when it rendered the page: OVERDUE is as of it */
  now: string
  /** the log size the node rendered the page at */
  asOf: number
  config: SealConfig
}

export interface SealPage {
  seal: SealFacts
  applications: ApplicationFacts[]
}

const HASH = /^[0-9a-f]{64}$/
const ID = /^[A-Za-z0-9._-]{1,64}$/

function refuse(entry: EvidenceEntry, message: string): never {
  throw new BoundViewError(`entry ${entry.seq} (${entry.statement.type}): ${message}`)
}

const isText = (value: unknown): value is string => typeof value === 'string'
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0
const isHash = (value: unknown): value is string => typeof value === 'string' && HASH.test(value)
const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value)
/** An RFC 3339 full-date naming a real day. */
function isFullDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const day = new Date(`${value}T00:00:00.000Z`)
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value
}
const isName = (value: unknown): value is SealName =>
  typeof value === 'string' ||
  (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.entries(value).every(([lang, text]) => (lang === 'zh' || lang === 'en') && typeof text === 'string'))

function field<T>(entry: EvidenceEntry, key: string, check: (value: unknown) => value is T, what: string): T {
  const value = entry.statement.body[key]
  if (!check(value)) refuse(entry, `"${key}" is not ${what}`)
  return value
}

function optional<T>(entry: EvidenceEntry, key: string, check: (value: unknown) => value is T, what: string): T | undefined {
  return entry.statement.body[key] === undefined ? undefined : field(entry, key, check, what)
}

function hashOf(entry: EvidenceEntry, key: string): string {
  const value = entry.statement.body[key]
  if (typeof value !== 'object' || value === null || !isHash((value as { sha256?: unknown }).sha256)) refuse(entry, `"${key}" has no sha256`)
  return (value as { sha256: string }).sha256
}

/** Reads verified registrations; a missing one is a page the browser cannot have derived. */
export class Profiles {
  constructor(private readonly actors: ReadonlyMap<string, ActorProfile>) {}

  of(id: string): ActorProfile {
    const profile = this.actors.get(id)
    if (!profile) throw new BoundViewError(`no verified registration of ${id}`)
    return profile
  }
}

/** The seal as its seal.register entry (exactly one in `entries`) and its seal.revoke, if listed, say. */
function deriveSeal(entries: readonly EvidenceEntry[], profiles: Profiles, sealId: string): SealFacts {
  const about = (type: string) => entries.filter((e) => e.statement.type === type && e.statement.body.sealId === sealId)
  const registers = about('seal.register')
  if (registers.length !== 1) throw new BoundViewError(`the entries hold ${registers.length} registrations of seal ${sealId}, not one`)
  const register = registers[0]
  if (!profiles.of(register.statement.actor).roles.includes('admin')) refuse(register, `signed by ${register.statement.actor}, who is no admin`)
  const custodian = field(register, 'custodian', isId, 'an actor id')
  const approvers = field(register, 'approvers', (v): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isId), 'a list of actor ids')
  if (approvers.includes(custodian)) refuse(register, `the custodian ${custodian} is also an approver`)
  const seal: SealFacts = {
    sealId,
    org: field(register, 'org', isText, 'text'),
    name: field(register, 'name', isName, 'a name'),
    custodian,
    approvers,
    register,
  }
  const revokes = about('seal.revoke')
  if (revokes.length > 1) refuse(revokes[1], `seal ${sealId} is revoked twice`)
  if (revokes.length === 1) {
    const entry = revokes[0]
    if (entry.seq < register.seq) refuse(entry, `revokes seal ${sealId} before its registration`)
    if (!profiles.of(entry.statement.actor).roles.includes('admin')) refuse(entry, `signed by ${entry.statement.actor}, who is no admin`)
    seal.revoke = { entry, reason: field(entry, 'reason', isText, 'text') }
  }
  return seal
}

/**
 * One application from its entries in `entries` (every seal.* entry whose applicationId is `applicationId`),
 * moved through the workflow with the rules the node applies at each: the applicant of the seal's org, an
 * approver (not the applicant) decides, the custodian stamps no more copies than approved, the applicant or
 * an approver closes, nothing but a close once the seal is revoked.
 */
function deriveApplication(entries: readonly EvidenceEntry[], seal: SealFacts, profiles: Profiles, applicationId: string, config: SealConfig): ApplicationFacts {
  const own = entries.filter((e) => e.statement.type.startsWith('seal.') && e.statement.body.applicationId === applicationId)
  const apply = own[0]
  if (!apply || apply.statement.type !== 'seal.apply') throw new BoundViewError(`the entries hold no application ${applicationId} before its other entries`)
  if (apply.statement.body.sealId !== seal.sealId) refuse(apply, `applies to another seal than ${seal.sealId}`)
  if (apply.seq < seal.register.seq || (seal.revoke && apply.seq > seal.revoke.entry.seq)) refuse(apply, `seal ${seal.sealId} was not active`)
  const applicant = apply.statement.actor
  if (profiles.of(applicant).org !== seal.org) refuse(apply, `${applicant} is not of ${seal.org}`)
  const application: ApplicationFacts = {
    applicationId,
    title: field(apply, 'title', isText, 'text'),
    purpose: field(apply, 'purpose', isText, 'text'),
    applicant,
    document: { name: field(apply, 'document', (v): v is { name: string } => typeof v === 'object' && v !== null && isText((v as { name?: unknown }).name), 'a document').name, sha256: hashOf(apply, 'document') },
    copiesRequested: field(apply, 'copies', isCount, 'a count'),
    copiesApproved: 0,
    copiesUsed: 0,
    amount: optional(apply, 'amount', isAmount, 'an amount'),
    budget: optional(apply, 'budget', isAmount, 'an amount'),
    dueDate: optional(apply, 'dueDate', isFullDate, 'a date'),
    state: 'applied',
    history: [apply],
    uses: [],
    alerts: [],
  }
  for (const key of ['amount', 'budget', 'dueDate'] as const) if (application[key] === undefined) delete application[key]
  for (const entry of own.slice(1)) {
    const type = entry.statement.type as ApplicationStatementType
    const signer = entry.statement.actor
    const revoked = seal.revoke !== undefined && seal.revoke.entry.seq < entry.seq
    if (type === ('seal.apply' as string)) refuse(entry, `applies again for ${applicationId}`)
    if (!['seal.approve', 'seal.reject', 'seal.use', 'seal.close'].includes(type)) refuse(entry, `is not about an application`)
    if (revoked && !allowedOnRevokedSeal(type)) refuse(entry, `seal ${seal.sealId} was revoked at entry ${seal.revoke?.entry.seq}`)
    let state: ApplicationState
    try {
      state = nextState(application.state, type, applicationId, revoked)
    } catch (error) {
      refuse(entry, (error as Error).message)
    }
    if (type === 'seal.approve' || type === 'seal.reject') {
      if (signer === applicant) refuse(entry, `${signer} decides on their own application`)
      if (!seal.approvers.includes(signer)) refuse(entry, `${signer} is not an approver of seal ${seal.sealId}`)
      const decided: Decided = { entry, ...(entry.statement.body.comment !== undefined ? { comment: field(entry, 'comment', isText, 'text') } : {}) }
      if (type === 'seal.approve') {
        application.approval = decided
        application.copiesApproved = application.copiesRequested
      } else {
        application.rejection = decided
      }
    } else if (type === 'seal.use') {
      if (signer !== seal.custodian) refuse(entry, `${signer} is not the custodian of seal ${seal.sealId}`)
      const copies = field(entry, 'copies', isCount, 'a count')
      if (application.copiesUsed + copies > application.copiesApproved) refuse(entry, `stamps ${application.copiesUsed + copies} copies; ${application.copiesApproved} approved`)
      const photo = entry.statement.body.photo === undefined ? undefined : hashOf(entry, 'photo')
      application.uses.push({ entry, copies, stamped: hashOf(entry, 'stamped'), ...(photo ? { photo } : {}) })
      application.copiesUsed += copies
    } else {
      if (signer !== applicant && !seal.approvers.includes(signer)) refuse(entry, `${signer} is neither the applicant nor an approver`)
      const finalAmount = optional(entry, 'finalAmount', isAmount, 'an amount')
      application.closing = {
        entry,
        outcome: field(entry, 'outcome', isText, 'text'),
        completedAt: field(entry, 'completedAt', isFullDate, 'a date'),
        ...(finalAmount !== undefined ? { finalAmount } : {}),
      }
    }
    application.state = state
    application.history.push(entry)
  }
  const alerts = application.alerts
  if (isOverBudget(application.amount, application.budget)) alerts.push({ kind: 'OVER_BUDGET', at: apply.recordedAt, seqs: [apply.seq] })
  for (const use of application.uses) if (isOffHours(use.entry.recordedAt, config)) alerts.push({ kind: 'OFF_HOURS_USE', at: use.entry.recordedAt, seqs: [use.entry.seq] })
  const closing = application.closing
  if (closing && isOverBudget(closing.finalAmount, application.budget)) alerts.push({ kind: 'OVER_BUDGET', at: closing.entry.recordedAt, seqs: [apply.seq, closing.entry.seq] })
  const approval = application.approval?.entry
  for (const { entry } of application.uses) {
    if (approval && stampedBeforeApprovalRecorded(entry.statement.issuedAt, approval.recordedAt)) alerts.push({ kind: 'USE_BEFORE_APPROVAL_RECORDED', at: entry.recordedAt, seqs: [approval.seq, entry.seq] })
  }
  for (const entry of application.history) {
    if (lateBy(entry.statement.issuedAt, entry.recordedAt, pageLateWindow(config.lateRecordAfterMs)) !== undefined) alerts.push({ kind: 'LATE_RECORD', at: entry.recordedAt, seqs: [entry.seq] })
  }
  return application
}

/**
 * Checks a claimed SPLIT_CONTRACT group against its entries, as splitContractAlert formed it when its
 * last member was applied for: at least splitMinApplications seal.apply entries, by actors of one org,
 * each amount under the threshold and together at or above it, each recorded within the window before
 * the last, each title a near-duplicate of the last's, none rejected before the last (as far as the
 * entries show). Returns the last member's entry: the alert's time.
 */
export function checkSplitGroup(seqs: readonly number[], bySeq: ReadonlyMap<number, EvidenceEntry>, profiles: Profiles, config: SealConfig): EvidenceEntry {
  const members = seqs.map((seq) => {
    const entry = bySeq.get(seq)
    if (!entry || entry.statement.type !== 'seal.apply') throw new BoundViewError(`split group ${seqs.join(' ')}: entry ${seq} is not a listed application`)
    return entry
  })
  const last = members[members.length - 1]
  if (!last || seqs.some((seq, i) => i > 0 && seq <= seqs[i - 1])) throw new BoundViewError(`split group "${seqs.join(' ')}" is not ascending seqs`)
  const org = profiles.of(last.statement.actor).org
  const amounts: number[] = []
  for (const member of members) {
    const amount = optional(member, 'amount', isAmount, 'an amount')
    if (!isUnderThreshold(amount, config)) refuse(member, `its amount is not under the threshold of a split group`)
    if (org === undefined || profiles.of(member.statement.actor).org !== org) refuse(member, `is of another org than the split group`)
    if (!isInSplitWindow(member.recordedAt, last.recordedAt, config)) refuse(member, `is outside the split group's window`)
    if (member !== last && !isNearDuplicate(field(last, 'title', isText, 'text'), field(member, 'title', isText, 'text'), config)) refuse(member, `its title is not near the split group's`)
    const rejected = [...bySeq.values()].find((e) => e.statement.type === 'seal.reject' && e.statement.body.applicationId === member.statement.body.applicationId && e.seq < last.seq)
    if (rejected) refuse(member, `was rejected (entry ${rejected.seq}) before the split group formed`)
    amounts.push(amount)
  }
  if (!splitFires(amounts, config)) throw new BoundViewError(`split group ${seqs.join(' ')} does not reach the threshold`)
  return last
}

/**
 * The page's seal and applications from `entries` (ascending by seq) and the claims. Every entry must
 * be used: about the seal, about an application shown, or a member of a split group. Throws
 * BoundViewError where the entries do not make the page.
 */
export function deriveSealPage(entries: readonly EvidenceEntry[], actors: ReadonlyMap<string, ActorProfile>, claims: SealPageClaims): SealPage {
  const { config } = claims
  const profiles = new Profiles(actors)
  const bySeq = new Map(entries.map((e) => [e.seq, e]))
  const newest = entries.reduce((max, e) => Math.max(max, Date.parse(e.recordedAt)), -Infinity)
  if (!isIssuedAt(claims.now)) throw new BoundViewError(`the page's time "${claims.now}" is not a UTC time`)
  if (Date.parse(claims.now) < newest) throw new BoundViewError(`the page's time ${claims.now} is before its newest entry was recorded`)
  if (!Number.isSafeInteger(claims.asOf) || entries.some((e) => e.seq >= claims.asOf)) throw new BoundViewError(`the page claims log size ${claims.asOf}, which does not hold its entries`)

  const seal = deriveSeal(entries, profiles, claims.sealId)
  const used = new Set([seal.register.seq, ...(seal.revoke ? [seal.revoke.entry.seq] : [])])
  const applications = claims.applicationIds.map((id) => deriveApplication(entries, seal, profiles, id, config))
  for (let i = 1; i < applications.length; i++) {
    if (applications[i].history[0].seq <= applications[i - 1].history[0].seq) throw new BoundViewError(`application ${applications[i].applicationId} is not in the order they were made`)
  }
  for (const application of applications) for (const entry of application.history) used.add(entry.seq)
  const bySeqApplied = new Map(applications.map((a) => [a.history[0].seq, a]))
  for (const group of claims.splitGroups) {
    const last = checkSplitGroup(group, bySeq, profiles, config)
    const shown = group.flatMap((seq) => bySeqApplied.get(seq) ?? [])
    if (shown.length === 0) throw new BoundViewError(`split group ${group.join(' ')} names no application shown`)
    for (const application of shown) application.alerts.push({ kind: 'SPLIT_CONTRACT', at: last.recordedAt, seqs: [...group] })
    for (const seq of group) used.add(seq)
  }
  const unused = entries.find((e) => !used.has(e.seq))
  if (unused) refuse(unused, 'is listed but the page shows nothing of it')
  for (const application of applications) {
    if (application.dueDate && OPEN_STATES.includes(application.state)) {
      const due = endOfLocalDate(application.dueDate, config)
      if (Date.parse(due) <= Date.parse(claims.now)) application.alerts.push({ kind: 'OVERDUE', at: overdueAt(due, application.history[0].recordedAt), seqs: [application.history[0].seq] })
    }
    application.alerts.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))
  }
  return { seal, applications }
}
