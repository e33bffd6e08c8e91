// The village seal example: its actors and statements validate against their schemas, their demo key
// files are well formed, and the whole demo loads into a fresh node with the alerts the story promises.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { toBase64, toHex } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { sha256 } from '../../src/core/hash.js'
import { parseKeyFile } from '../../src/core/keys.js'
import type { Statement } from '../../src/core/statement.js'
import { DEMO_KEYS_DIR, EXAMPLES_DIR, buildDemoEnvelopes, seedLedger } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { validateBody } from '../../src/ledger/schemas.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const SCENARIO = `${EXAMPLES_DIR}statements/50-village-seal.json`
const VILLAGE_ORGS = /^xiaoshan-yiqiao-/

t.test('the village actors and their demo keys', async (t) => {
  const { actors } = JSON.parse(readFileSync(`${EXAMPLES_DIR}actors.json`, 'utf8')) as { actors: { id: string; org?: string }[] }
  const village = actors.filter((a) => VILLAGE_ORGS.test(a.org ?? ''))
  t.ok(village.length >= 5, 'a secretary, approvers, a custodian, an inspector')
  for (const actor of village) {
    const file = JSON.parse(readFileSync(`${DEMO_KEYS_DIR}${actor.id}.json`, 'utf8'))
    t.same(Object.keys(file).sort(), ['demo', 'keyid', 'privateKey', 'publicKey'], `${actor.id}: the demo key format`)
    const signer = parseKeyFile(file, nodeEd25519)
    t.equal(file.keyid, toHex(sha256(signer.publicKey).subarray(0, 8)), `${actor.id}: keyid`)
    t.equal(file.publicKey, toBase64(signer.publicKey), `${actor.id}: public key from the seed`)
    t.doesNotThrow(() => validateBody('actor.register', { ...actor, publicKey: file.publicKey }), `${actor.id}: valid actor.register`)
  }
})

t.test('every statement of the scenario validates against its schema', async (t) => {
  const { statements } = JSON.parse(readFileSync(SCENARIO, 'utf8')) as { statements: Statement[] }
  const types = new Set(statements.map((s) => s.type))
  t.same([...types].sort(), ['seal.apply', 'seal.approve', 'seal.close', 'seal.register', 'seal.reject', 'seal.use'])
  for (const statement of statements) t.doesNotThrow(() => validateBody(statement.type, statement.body), statement.id)
  const ids = statements.map((s) => `${s.actor}/${s.id}`)
  t.equal(new Set(ids).size, ids.length, 'statement ids unique per actor')
  t.same(statements.map((s) => s.issuedAt), statements.map((s) => s.issuedAt).sort(), 'in time order')
})

t.test('the demo loads into a fresh node, twice, and tells its story', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date('2026-11-28T08:00:00.000Z') })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const total = buildDemoEnvelopes(node.operator).length
  t.equal(await seedLedger(node.ledger, node.operator), total, 'every example statement appended')
  t.equal(await seedLedger(node.ledger, node.operator), 0, 'a second load is an idempotent repeat')

  const seal = (await app.inject('/v1/seals/yiqiao-committee-seal')).json().seal
  t.equal(seal.custodian, 'yiqiao-custodian')
  const states = Object.fromEntries(seal.applications.map((a: { applicationId: string; state: string }) => [a.applicationId, a.state]))
  t.same(states, {
    'YQ-2026-001': 'closed',
    'YQ-2026-002': 'closed',
    'YQ-2026-003': 'closed',
    'YQ-2026-004': 'used',
    'YQ-2026-005': 'rejected',
    'YQ-2026-006': 'rejected',
    'YQ-2026-007': 'applied',
  })
  // The food examples raise their own alerts; OFF_HOURS_USE depends on the hour the test runs.
  const alerts = (await app.inject('/v1/alerts')).json().alerts.filter((a: { kind: string; applicationIds?: string[] }) => a.applicationIds && a.kind !== 'OFF_HOURS_USE')
  t.same(
    alerts.map((a: { kind: string; applicationIds: string[] }) => `${a.kind} ${a.applicationIds.join(',')}`).sort(),
    ['OVERDUE YQ-2026-004', 'OVER_BUDGET YQ-2026-002', 'OVER_BUDGET YQ-2026-007', 'SPLIT_CONTRACT YQ-2026-003,YQ-2026-004,YQ-2026-005'],
  )
  const page = await app.inject('/seals/yiqiao-committee-seal')
  t.equal(page.statusCode, 200)
  t.equal(page.body.split('疑似拆分合同').length - 1, 3, 'the split shown once under each of its three applications')
  t.match(page.body, /村委会不得为个人债务提供担保/)
})
