// The seal statement kinds (schemas/seal.*.json): seal.register, apply, approve, reject, use,
// close, revoke. Each enforces its rules, moves the application through workflow.ts, and writes its
// records and pattern alerts with the entry; a refusal of a validly signed one is kept as an attempt.

import { fail } from '../core/errors.js'
import type { RuleContext, StatementKind } from '../ledger/kinds.js'
import type { ActorRecord } from '../ledger/registry.js'
import { offHoursAlert, useBeforeApprovalAlert, orgApplicationRecord, overBudgetAlert, putAlert, splitContractAlert } from './alerts.js'
import { attemptRecords, refusedBefore } from './attempts.js'
import { dueIndexRange, dueIndexTime, sealConfig, type SealConfig } from './config.js'
import {
  SEAL_SPACES,
  bySealKey,
  dueKey,
  getApplication,
  getSeal,
  type ApplicationRecord,
  type Closing,
  type Decision,
  type HistoryItem,
  type SealRecord,
  type UseRecord,
} from './records.js'
import { allowedOnRevokedSeal, nextState, type ApplicationStatementType } from './workflow.js'

interface RegisterBody {
  sealId: string
  org: string
  name: SealRecord['name']
  custodian: string
  approvers: string[]
}

type ApplyBody = Pick<ApplicationRecord, 'applicationId' | 'sealId' | 'title' | 'purpose' | 'document' | 'amount' | 'budget' | 'dueDate'> & { copies: number }

interface DecisionBody {
  applicationId: string
  comment?: string
}

interface UseBody {
  applicationId: string
  copies: number
  stamped: { sha256: string }
  photo?: { sha256: string }
}

interface CloseBody {
  applicationId: string
  outcome: string
  finalAmount?: number
  completedAt: string
}

/** The seal an existing statement is about; refuses REVOKED_SEAL_USE once it is revoked. */
async function activeSeal(ctx: RuleContext, sealId: string, about: string): Promise<SealRecord> {
  const seal = await getSeal(ctx, sealId)
  if (!seal) fail('SEAL_NOT_FOUND', `no seal ${sealId}`, { sealId })
  if (seal.state === 'revoked') {
    fail('REVOKED_SEAL_USE', `seal ${sealId} was revoked at seq ${seal.revokedAt}; ${about} refused`, { sealId, revokedAt: seal.revokedAt })
  }
  return seal
}

/** The application a statement moves, and its seal, which must still be active unless the statement is one a revoked seal takes (seal.close). */
async function openApplication(ctx: RuleContext, applicationId: string): Promise<{ application: ApplicationRecord; seal: SealRecord }> {
  const application = await getApplication(ctx, applicationId)
  if (!application) fail('SEAL_NOT_FOUND', `no application ${applicationId}`, { applicationId })
  const type = ctx.statement.type as ApplicationStatementType
  if (allowedOnRevokedSeal(type)) {
    const seal = await getSeal(ctx, application.sealId)
    if (!seal) fail('SEAL_NOT_FOUND', `no seal ${application.sealId}`, { sealId: application.sealId })
    return { application, seal }
  }
  const seal = await activeSeal(ctx, application.sealId, `${type} on ${applicationId}`)
  return { application, seal }
}

function historyItem(ctx: RuleContext): HistoryItem {
  return { seq: ctx.seq, type: ctx.statement.type, actor: ctx.actor.id, at: ctx.recordedAt, issuedAt: ctx.statement.issuedAt }
}

/** The application after `ctx`'s statement: its next state and history, plus `changes`. */
function advance(ctx: RuleContext, application: ApplicationRecord, seal: SealRecord, changes: Partial<ApplicationRecord>): ApplicationRecord {
  const type = ctx.statement.type as ApplicationStatementType
  const state = nextState(application.state, type, application.applicationId, seal.state === 'revoked')
  const next = { ...application, ...changes, state, history: [...application.history, historyItem(ctx)] }
  ctx.put(SEAL_SPACES.application, application.applicationId, next)
  return next
}

/**
 * Removes an application from the OVERDUE index once it is settled: under its key in the zone in effect, or, where
 * `serve --zone` changed the zone since it was applied, under the key it was given then.
 */
async function settle(ctx: RuleContext, application: ApplicationRecord, config: SealConfig): Promise<void> {
  if (!application.dueDate) return
  const key = dueKey(dueIndexTime(application.dueDate, config), application.applicationId)
  if ((await ctx.get<string>(SEAL_SPACES.due, key)) !== undefined) return ctx.put(SEAL_SPACES.due, key, null)
  for (const [indexed, id] of await ctx.range<string>(SEAL_SPACES.due, dueIndexRange(application.dueDate))) {
    if (id === application.applicationId) ctx.put(SEAL_SPACES.due, indexed, null)
  }
}

function decision(ctx: RuleContext, comment: string | undefined): Decision {
  return { seq: ctx.seq, actor: ctx.actor.id, at: ctx.recordedAt, ...(comment !== undefined ? { comment } : {}) }
}

function requireActiveActor(ctx: RuleContext, id: string, as: string): ActorRecord {
  const actor = ctx.registry.get(id)
  if (!actor) fail('UNKNOWN_ACTOR', `the ${as} ${id} is not a registered actor`, { actor: id })
  if (actor.revokedAt !== undefined) fail('ACTOR_REVOKED', `the ${as} ${id} is revoked`, { actor: id, seq: actor.revokedAt })
  return actor
}

/** An approver may approve or reject, never on their own application (SELF_APPROVAL is checked first: it is the graver breach). */
async function decide(ctx: RuleContext, changes: (application: ApplicationRecord) => Partial<ApplicationRecord>, config: SealConfig) {
  const body = ctx.statement.body as unknown as DecisionBody
  const { application, seal } = await openApplication(ctx, body.applicationId)
  if (application.applicant === ctx.actor.id) {
    fail('SELF_APPROVAL', `${ctx.actor.id} applied for ${application.applicationId} and may not decide on it`, { applicationId: application.applicationId, actor: ctx.actor.id })
  }
  if (!seal.approvers.includes(ctx.actor.id)) {
    fail('NOT_APPROVER', `${ctx.actor.id} is not an approver of seal ${seal.sealId}`, { sealId: seal.sealId, actor: ctx.actor.id, approvers: seal.approvers })
  }
  const next = advance(ctx, application, seal, changes(application))
  if (next.state === 'rejected') {
    await settle(ctx, next, config)
    const orgRecord = orgApplicationRecord(next)
    ctx.put(orgRecord.space, orgRecord.key, orgRecord.value)
  }
}

/** The seal kinds with `overrides` of the default thresholds and zone. */
export function sealKinds(overrides: Partial<SealConfig> = {}): StatementKind[] {
  const config = sealConfig(overrides)
  const kinds: Omit<StatementKind, 'onRefused'>[] = [
    {
      type: 'seal.register',
      roles: ['admin'],
      async accept(ctx) {
        const body = ctx.statement.body as unknown as RegisterBody
        if (await getSeal(ctx, body.sealId)) fail('SEAL_EXISTS', `seal ${body.sealId} is already registered`, { sealId: body.sealId })
        requireActiveActor(ctx, body.custodian, 'custodian')
        for (const approver of body.approvers) requireActiveActor(ctx, approver, 'approver')
        // 人章分离: whoever approves a use must not also hold the seal, or one person could do both.
        if (body.approvers.includes(body.custodian)) {
          fail('RULE_VIOLATION', `the custodian ${body.custodian} may not also be an approver of seal ${body.sealId}`, { sealId: body.sealId, custodian: body.custodian })
        }
        const seal: SealRecord = { ...body, state: 'active', registeredAt: ctx.seq, history: [historyItem(ctx)] }
        ctx.put(SEAL_SPACES.seal, body.sealId, seal)
      },
    },
    {
      type: 'seal.apply',
      roles: 'any',
      async accept(ctx) {
        const body = ctx.statement.body as unknown as ApplyBody
        if (await getApplication(ctx, body.applicationId)) {
          fail('APPLICATION_EXISTS', `application ${body.applicationId} already exists`, { applicationId: body.applicationId })
        }
        const seal = await activeSeal(ctx, body.sealId, `an application to use it`)
        if (ctx.actor.org !== seal.org) {
          fail('NOT_IN_ORG', `${ctx.actor.id} (org ${ctx.actor.org ?? 'none'}) is not of ${seal.org}, which owns seal ${seal.sealId}`, {
            sealId: seal.sealId,
            org: seal.org,
            actorOrg: ctx.actor.org ?? null,
          })
        }
        const application: ApplicationRecord = {
          applicationId: body.applicationId,
          sealId: seal.sealId,
          org: seal.org,
          state: 'applied',
          title: body.title,
          purpose: body.purpose,
          applicant: ctx.actor.id,
          document: body.document,
          copiesRequested: body.copies,
          copiesApproved: 0,
          copiesUsed: 0,
          ...(body.amount !== undefined ? { amount: body.amount } : {}),
          ...(body.budget !== undefined ? { budget: body.budget } : {}),
          ...(body.dueDate !== undefined ? { dueDate: body.dueDate } : {}),
          appliedAt: ctx.recordedAt,
          appliedSeq: ctx.seq,
          uses: [],
          history: [historyItem(ctx)],
        }
        ctx.put(SEAL_SPACES.application, body.applicationId, application)
        ctx.put(SEAL_SPACES.bySeal, bySealKey(seal.sealId, ctx.seq), body.applicationId)
        const orgRecord = orgApplicationRecord(application)
        ctx.put(orgRecord.space, orgRecord.key, orgRecord.value)
        if (body.dueDate) ctx.put(SEAL_SPACES.due, dueKey(dueIndexTime(body.dueDate, config), body.applicationId), body.applicationId)
        const overBudget = overBudgetAlert(application, 'amount', body.amount, ctx)
        if (overBudget) putAlert(ctx, overBudget)
        const split = await splitContractAlert(application, ctx, config)
        if (split) putAlert(ctx, split)
      },
    },
    {
      type: 'seal.approve',
      roles: 'any',
      accept: (ctx) =>
        decide(ctx, (application) => ({ copiesApproved: application.copiesRequested, approval: decision(ctx, (ctx.statement.body as unknown as DecisionBody).comment) }), config),
    },
    {
      type: 'seal.reject',
      roles: 'any',
      accept: (ctx) => decide(ctx, () => ({ rejection: decision(ctx, (ctx.statement.body as unknown as DecisionBody).comment) }), config),
    },
    {
      type: 'seal.use',
      roles: 'any',
      async accept(ctx) {
        const body = ctx.statement.body as unknown as UseBody
        const { application, seal } = await openApplication(ctx, body.applicationId)
        if (ctx.actor.id !== seal.custodian) {
          fail('NOT_CUSTODIAN', `${ctx.actor.id} is not the custodian of seal ${seal.sealId}`, { sealId: seal.sealId, actor: ctx.actor.id })
        }
        nextState(application.state, 'seal.use', application.applicationId)
        if (application.copiesUsed + body.copies > application.copiesApproved) {
          fail('COPIES_EXCEEDED', `${body.copies} more copies on ${application.applicationId} would make ${application.copiesUsed + body.copies}; ${application.copiesApproved} approved`, {
            applicationId: application.applicationId,
            approved: application.copiesApproved,
            used: application.copiesUsed,
            requested: body.copies,
          })
        }
        const use: UseRecord = {
          seq: ctx.seq,
          actor: ctx.actor.id,
          at: ctx.recordedAt,
          copies: body.copies,
          stamped: body.stamped,
          ...(body.photo ? { photo: body.photo } : {}),
        }
        const next = advance(ctx, application, seal, { copiesUsed: application.copiesUsed + body.copies, uses: [...application.uses, use] })
        const offHours = offHoursAlert(next, ctx, config)
        if (offHours) putAlert(ctx, offHours)
        const early = useBeforeApprovalAlert(next, ctx)
        if (early) putAlert(ctx, early)
      },
    },
    {
      type: 'seal.close',
      roles: 'any',
      async accept(ctx) {
        const body = ctx.statement.body as unknown as CloseBody
        const { application, seal } = await openApplication(ctx, body.applicationId)
        if (ctx.actor.id !== application.applicant && !seal.approvers.includes(ctx.actor.id)) {
          fail('NOT_APPROVER', `only the applicant ${application.applicant} or an approver of seal ${seal.sealId} may close ${application.applicationId}`, {
            applicationId: application.applicationId,
            actor: ctx.actor.id,
          })
        }
        const closing: Closing = {
          seq: ctx.seq,
          actor: ctx.actor.id,
          at: ctx.recordedAt,
          outcome: body.outcome,
          completedAt: body.completedAt,
          ...(body.finalAmount !== undefined ? { finalAmount: body.finalAmount } : {}),
        }
        const next = advance(ctx, application, seal, { closing })
        await settle(ctx, next, config)
        const overBudget = overBudgetAlert(next, 'finalAmount', body.finalAmount, ctx)
        if (overBudget) putAlert(ctx, overBudget)
      },
    },
    {
      type: 'seal.revoke',
      roles: ['admin'],
      async accept(ctx) {
        const { sealId, reason } = ctx.statement.body as { sealId: string; reason: string }
        const seal = await activeSeal(ctx, sealId, 'a second revocation')
        const revoked: SealRecord = { ...seal, state: 'revoked', revokedAt: ctx.seq, revokeReason: reason, history: [...seal.history, historyItem(ctx)] }
        ctx.put(SEAL_SPACES.seal, sealId, revoked)
      },
    },
  ]
  return kinds.map((kind) => ({
    ...kind,
    async accept(ctx) {
      // Outside the try: a replay of a refused statement is not another attempt by its signer.
      await refusedBefore(ctx)
      try {
        await kind.accept(ctx)
      } catch (error) {
        if (error instanceof Error) refusedByRule.add(error)
        throw error
      }
    },
    // Only the actor's own attempts are evidence: refusals of the rules above, or of the role check,
    // which the ledger makes after the signature is known to be the actor's current key. A statement
    // refused for its signature, its id or its schema proves nothing about who sent it.
    onRefused: (ctx) => (refusedByRule.has(ctx.error) || ctx.error.code === 'ROLE_FORBIDDEN' ? attemptRecords(ctx) : []),
  }))
}

/** Errors thrown by a seal rule, as opposed to the ledger's checks before the rules run. */
const refusedByRule = new WeakSet<Error>()
