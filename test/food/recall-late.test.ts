// RECALL_LATE: China's 食品召回管理办法 has a recall start within 24, 48 or 72 hours (class-i, -ii, -iii) of the
// risk being known. A lot's first recall recorded later than that after its first failed inspection raises it,
// with both entries; on time, of a lot already recalled, or without a failed inspection before it, nothing.
// On the demo's story with a node clock the test moves, real signatures, through HTTP.

import t from 'tap'
import { join } from 'node:path'
import { DEMO_GENESIS, seedLedger } from '../../src/cli/demo.js'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { buildApp } from '../../src/http/app.js'
import { testDir } from '../helpers/test-dir.js'

const HOUR = 3_600_000
const lot = (gtin: string, number: string) => `https://id.gs1.org/01/${gtin}/10/${number}`
const ZONGZI_A = lot('06901234001037', 'Z260526A')
const ZONGZI_B = lot('06901234001037', 'Z260526B')
const RICE = lot('06901234000115', 'R2605A')
const PORK = lot('06901234000283', 'P2605B')

t.test('a first recall later than its class allows after a failed inspection raises RECALL_LATE; nothing else does', async (t) => {
  const dir = join(testDir(t), 'node')
  let now = Date.parse('2026-12-01T00:00:00.000Z')
  const node = await initialiseNode(dir, { clock: () => new Date(now), genesisAt: DEMO_GENESIS })
  t.teardown(() => node.close())
  await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date(now) })
  t.teardown(() => app.close())
  const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
  let n = 0
  const sign = async (type: string, body: Record<string, unknown>) => {
    const statement = { type, actor: 'regulator-hz', id: `recall-late-${++n}`, issuedAt: new Date(now).toISOString(), body } as Statement
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: buildStatementEnvelope(statement, [regulator]) })
    t.equal(response.statusCode, 201, `${type} ${JSON.stringify(body).slice(0, 80)}`)
    return response.json().seq as number
  }
  const failedInspection = (id: string) =>
    sign('food.inspection', {
      lot: id,
      sampleId: `S-${n}`,
      method: 'GB 31658.17-2021',
      result: { outcome: 'fail', measurements: [{ analyte: 'enrofloxacin', value: 210, unit: 'µg/kg', limit: 100 }] },
      certificate: { name: `R-${n}.pdf`, sha256: 'cd'.repeat(32) },
      inspectedAt: new Date(now - HOUR).toISOString(),
    })
  const recall = (id: string, severity: string) => sign('food.recall', { ids: [id], reason: 'failed inspection', severity })
  const lateAlerts = async () => (await app.inject({ url: '/v1/alerts?kind=RECALL_LATE' })).json().alerts as { at: string; seqs: number[]; ids: string[]; message: string }[]

  t.same(await lateAlerts(), [], "the demo's pork recall was recorded before its failed inspection: no clock ran")

  // Three lots fail; each is recalled 30 hours later, at another class.
  const failed = new Map<string, number>()
  for (const id of [ZONGZI_A, RICE, PORK]) failed.set(id, await failedInspection(id))
  now += 30 * HOUR
  const lateSeq = await recall(ZONGZI_A, 'class-i') // 30 h > 24 h
  await recall(RICE, 'class-ii') // 30 h < 48 h
  await recall(PORK, 'class-iii') // 30 h < 72 h
  await recall(ZONGZI_B, 'class-i') // no failed inspection of its own
  now += 100 * HOUR
  await recall(ZONGZI_A, 'class-i') // recalled already: its clock stopped at the first recall

  const late = await lateAlerts()
  t.equal(late.length, 1, JSON.stringify(late))
  t.match(late[0], {
    kind: 'RECALL_LATE',
    seqs: [failed.get(ZONGZI_A), lateSeq],
    ids: ['urn:epc:class:lgtin:6901234.000103.Z260526A'],
    message: /^urn:epc:class:lgtin:6901234\.000103\.Z260526A recalled \(class-i\) 30 h after its failed inspection \(seq \d+, sample S-\d+\); a class-i recall starts within 24 h$/,
  })
  t.equal(late[0].at, new Date(Date.parse('2026-12-01T00:00:00.000Z') + 30 * HOUR).toISOString(), "at the recall's recordedAt")

  // Z260526B fails after it was recalled; recalled again days later, it is not late: it was recalled first.
  now += HOUR
  await failedInspection(ZONGZI_B)
  now += 80 * HOUR
  await recall(ZONGZI_B, 'class-i')
  t.equal((await lateAlerts()).length, 1, 'a lot recalled before it failed has no recall clock')
})

t.test('class-iii: 80 hours after the failed inspection is late, 70 is not', async (t) => {
  for (const [hours, expected] of [
    [70, 0],
    [80, 1],
  ] as const) {
    const dir = join(testDir(t), `node-${hours}`)
    let now = Date.parse('2026-12-01T00:00:00.000Z')
    const node = await initialiseNode(dir, { clock: () => new Date(now), genesisAt: DEMO_GENESIS })
    t.teardown(() => node.close())
    await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
    const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
    const submit = (type: string, id: string, body: Record<string, unknown>) =>
      node.ledger.submit(buildStatementEnvelope({ type, actor: 'regulator-hz', id, issuedAt: new Date(now).toISOString(), body } as Statement, [regulator]))
    await submit('food.inspection', 'i', {
      lot: RICE,
      sampleId: 'S',
      method: 'm',
      result: { outcome: 'fail' },
      certificate: { name: 'c', sha256: 'ef'.repeat(32) },
      inspectedAt: new Date(now).toISOString(),
    })
    now += hours * HOUR
    await submit('food.recall', 'r', { ids: [RICE], reason: 'mislabelled', severity: 'class-iii' })
    const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date(now) })
    t.teardown(() => app.close())
    t.equal((await app.inject({ url: '/v1/alerts?kind=RECALL_LATE' })).json().alerts.length, expected, `${hours} h`)
  }
})

t.test("a lot its ingredient's recall covered in time is not late when it is recalled itself", async (t) => {
  const dir = join(testDir(t), 'node')
  let now = Date.parse('2026-12-01T00:00:00.000Z')
  const node = await initialiseNode(dir, { clock: () => new Date(now), genesisAt: DEMO_GENESIS })
  t.teardown(() => node.close())
  await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
  const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
  const submit = (type: string, id: string, body: Record<string, unknown>) =>
    node.ledger.submit(buildStatementEnvelope({ type, actor: 'regulator-hz', id, issuedAt: new Date(now).toISOString(), body } as Statement, [regulator]))
  await submit('food.inspection', 'i', {
    lot: ZONGZI_A,
    sampleId: 'S',
    method: 'm',
    result: { outcome: 'fail' },
    certificate: { name: 'c', sha256: 'ef'.repeat(32) },
    inspectedAt: new Date(now).toISOString(),
  })
  now += 10 * HOUR
  await submit('food.recall', 'pork', { ids: [PORK], reason: 'the pork in it', severity: 'class-i' }) // Z260526A was made from it
  now += 20 * HOUR
  await submit('food.recall', 'zongzi', { ids: [ZONGZI_A], reason: 'failed inspection', severity: 'class-i' })
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date(now) })
  t.teardown(() => app.close())
  t.same((await app.inject({ url: '/v1/alerts?kind=RECALL_LATE' })).json().alerts, [], 'covered 10 h after it failed, through the pork')
})
