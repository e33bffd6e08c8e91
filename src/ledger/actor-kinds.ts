// The actor statements (actor.register, actor.rotate-key, actor.revoke) and what each does to the
// registry: one dispatch, run by the sequencer through the kinds and by the auditor as it replays.

import { fail } from '../core/errors.js'
import { hasVisibleText } from '../core/display-text.js'
import type { Statement } from '../core/statement.js'
import { requireRole, type StatementKind } from './kinds.js'
import type { ActorRecord, ActorRegisterBody, Registry } from './registry.js'

type ActorRule = (registry: Registry, statement: Statement, seq: number) => ActorRecord

/** What each actor statement does, by type. Throws a TracechainError when it does not apply. */
const actorRules: Record<string, ActorRule> = {
  'actor.register': (registry, statement, seq) => registry.register(statement.body as unknown as ActorRegisterBody, seq),
  'actor.rotate-key': (registry, statement, seq) => {
    const target = (statement.body.actor as string | undefined) ?? statement.actor
    if (target !== statement.actor) requireRole(signer(registry, statement), ['admin'], 'actor.rotate-key for another actor')
    return registry.rotateKey(target, statement.body.publicKey as string, seq)
  },
  'actor.revoke': (registry, statement, seq) => {
    const target = statement.body.actor as string
    if (target === statement.actor) fail('RULE_VIOLATION', 'an admin may not revoke itself', { actor: target })
    return registry.revoke(target, statement.body.reason as string, seq)
  },
}

function signer(registry: Registry, statement: Statement): ActorRecord {
  const actor = registry.get(statement.actor)
  if (!actor) return fail('UNKNOWN_ACTOR', `no actor ${statement.actor}`, { actor: statement.actor })
  return actor
}

/** Applies an accepted statement to the registry when it is an actor statement; returns the changed actor. */
export function applyActorStatement(registry: Registry, statement: Statement, seq: number): ActorRecord | undefined {
  const rule = Object.hasOwn(actorRules, statement.type) ? actorRules[statement.type] : undefined
  return rule?.(registry, statement, seq)
}

/**
 * Requires that `signer` has the role the kind of a registry statement asks of its signer (an admin registers and
 * revokes): the sequencer checks it before the rule, and an audit replaying the registry must too, or an entry a
 * farm signed would write the registry the audit judges every later signature by. Throws ROLE_FORBIDDEN.
 */
export function requireActorStatementRole(signer: ActorRecord, type: string): void {
  const kind = actorKinds.find((candidate) => candidate.type === type)
  if (kind !== undefined && kind.roles !== 'any') requireRole(signer, kind.roles, type)
}

/**
 * Refuses a new statement whose name (`whose`: an actor's, a product's), or one of its languages, shows nothing
 * (NAME_BLANK). Called in accept, not in the schema or the registry, so an audit or a mirror still replays an
 * old log that holds one.
 */
export function verifyNameVisible(name: unknown, whose = "an actor's"): void {
  const texts = typeof name === 'string' ? [name] : Object.values(name ?? {})
  const blank = texts.find((text) => typeof text === 'string' && !hasVisibleText(text))
  if (blank !== undefined) fail('NAME_BLANK', `${whose} name must show something; ${JSON.stringify(blank)} is empty or invisible`, { name })
}

export const actorKinds: StatementKind[] = [
  {
    type: 'actor.register',
    roles: ['admin'],
    accept: (ctx) => {
      if (!ctx.replaying) verifyNameVisible(ctx.statement.body.name)
      applyActorStatement(ctx.registry, ctx.statement, ctx.seq)
    },
  },
  { type: 'actor.rotate-key', roles: 'any', accept: (ctx) => void applyActorStatement(ctx.registry, ctx.statement, ctx.seq) },
  { type: 'actor.revoke', roles: ['admin'], accept: (ctx) => void applyActorStatement(ctx.registry, ctx.statement, ctx.seq) },
]
