// Issue 15: LATE_RECORD for any statement signed more than the window before the node recorded it, on a
// fixed node clock with real signatures; the window is configurable (0 turns it off); and the demo, whose
// story the seed records as of its own times, flags exactly the statements its story records late, on the
// consumer page beside the entry too.

import t from 'tap'
import { join } from 'node:path'
import { seedLedger } from '../../src/cli/demo.js'
import { initialiseNode } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { listAlerts } from '../../src/ledger/alerts.js'
import type { Ledger } from '../../src/ledger/ledger.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { lotPath, RECALLED_LOT, FINE_LOT } from '../helpers/web.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { testDir } from '../helpers/test-dir.js'

const NOW = '2026-09-01T04:00:00.000Z'
const HOUR = 60 * 60 * 1000
const hoursBefore = (hours: number) => new Date(Date.parse(NOW) - hours * HOUR).toISOString()

async function lateAlerts(ledger: Ledger) {
  return (await listAlerts(ledger, { kind: 'LATE_RECORD' }, [], new Date(NOW))).alerts
}

t.test('the window: 24 h by default, configurable, 0 turns it off; the alert names the entry and its signer', async (t) => {
  const root = testDir(t)
  for (const [name, window, flagged] of [
    ['default', undefined, [25]],
    ['one hour', HOUR, [2, 23, 25]],
    ['off', 0, []],
  ] as const) {
    const dir = join(root, name)
    const node = await initialiseNode(dir, { clock: () => new Date(NOW), genesisAt: new Date(hoursBefore(100)), ...(window !== undefined ? { lateRecordAfterMs: window } : {}) })
    t.teardown(() => node.close())
    const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
    const seqs = new Map<number, number>()
    for (const hours of [0.5, 2, 23, 25]) {
      const statement = { type: 'actor.register', actor: 'operator', id: `reg-${hours}`, issuedAt: hoursBefore(hours), body: { id: `farm-${hours * 10}`, name: 'farm', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }
      seqs.set(hours, (await node.ledger.submit(buildStatementEnvelope(statement, [operator]))).seq)
    }
    const late = await lateAlerts(node.ledger)
    t.same(late.map((a) => a.seqs[0]).sort(), flagged.map((h) => seqs.get(h)).sort(), `${name}: ${late.map((a) => a.message).join('; ')}`)
    for (const alert of late) {
      t.equal(alert.actor, 'operator')
      t.equal(alert.at, NOW)
    }
  }
})

t.test('the demo: its story recorded as of its own times; the statements it records late are flagged, on the page too', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await seedLedger(node.ledger, node.operator)
  const late = await lateAlerts(node.ledger)
  // The second stamping of YQ-2026-004, recorded three days after it was signed, and the two inspections,
  // whose file the story adds after the seal matters: the node's clock never runs back, so they are recorded in November.
  const described = late.map((a) => a.message.replace(/ by .*: /, ': '))
  t.same(described.sort(), [
    'food.inspection inspection-2605-0142: 156 days after signing',
    'food.inspection inspection-2605-0139: 157 days after signing',
    'seal.use YQ-2026-004-use-2: 3 days after signing',
  ].sort(), JSON.stringify(late, null, 1))
  t.equal((await listAlerts(node.ledger, { kind: 'USE_BEFORE_APPROVAL_RECORDED' }, [], new Date())).alerts.length, 0)

  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => app.close())
  const page = (await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'text/html' } })).body
  t.match(page, /data-fact="inspection">.*<p class="goods" data-fact="late"><span class="tag">补录 · 签署 156 天后才记录<\/span><\/p>/s)
  t.notMatch(page, /data-fact="step">(?:(?!<\/li>).)*data-fact="late"/s, 'the events of the story are recorded on time')
  const en = (await app.inject({ url: `${lotPath(RECALLED_LOT)}?lang=en`, headers: { accept: 'text/html' } })).body
  t.match(en, /Late record · recorded 157 days after signing/, "the pork's inspection, on the page of a lot made from it")
})
