// Logs an earlier release wrote: its rules as they were (a kind whose check of new statements came later), and a
// node whose log was written by them, reopened with today's rules, as an upgrade finds it.

import { join } from 'node:path'
import type { Test } from 'tap'
import { DOMAIN_KINDS, openNode } from '../../src/cli/node-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { Signer } from '../../src/core/keys.js'
import { buildApp } from '../../src/http/app.js'
import type { RuleContext, StatementKind } from '../../src/ledger/kinds.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { makeNode } from './ledger.js'
import { testDir } from './test-dir.js'

/** `kind` as a release before its checks of new statements ran it: as a mirror's replay runs it (ctx.replaying). */
export function earlierRule(kind: StatementKind): StatementKind {
  return { ...kind, accept: (ctx) => kind.accept(Object.create(ctx, { replaying: { value: true } }) as RuleContext) }
}

/** Today's domain kinds with `earlier` in place of the kinds of their types. */
export function earlierKinds(...earlier: StatementKind[]): StatementKind[] {
  const types = new Set(earlier.map((kind) => kind.type))
  return [...DOMAIN_KINDS.filter((kind) => !types.has(kind.type)), ...earlier]
}

/**
 * A node whose log `write` wrote under `kinds` (an earlier release's), reopened under today's, and its app; both
 * closed in teardown.
 */
export async function nodeOfOldLog(t: Test, kinds: StatementKind[], write: (old: Ledger, operator: Signer) => Promise<void>) {
  const dir = testDir(t)
  const fresh = await makeNode(dir)
  await fresh.close()
  const store = await LevelStore.open(join(dir, 'db'))
  const old = await Ledger.open({ store, nodeSigner: fresh.nodeSigner, origin: fresh.config.origin, ed: nodeEd25519, kinds })
  await write(old, fresh.operator)
  await old.close()
  await store.close()
  const node = await openNode(dir)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return { node, app }
}
