// RECALL_LATE: China's 食品召回管理办法 has a recall start within 24, 48 or 72 hours (class-i, -ii, -iii) of the
// risk being known. A lot's first recall recorded later than that after its first failed inspection raises it,
// with both entries; on time, of a lot already recalled, or without a failed inspection before it, nothing. And
// RECALL_OVERDUE, computed when asked: no recall covers the lot 72 h (the longest deadline) after it failed.
// On the demo's story with a node clock the test moves and real signatures; the alerts read over HTTP.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { DEMO_GENESIS, seedLedger } from '../../src/cli/demo.js'
import { initialiseNode, openNode, readKeyFile } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { RECALL_DUE_INDEX_META, RECALL_DUE_SPACE } from '../../src/food/inspection.js'
import { buildApp } from '../../src/http/app.js'
import { withoutIndex } from '../helpers/store-index.js'
import { testDir } from '../helpers/test-dir.js'

const HOUR = 3_600_000
const lot = (gtin: string, number: string) => `https://id.gs1.org/01/${gtin}/10/${number}`
const ZONGZI_A = lot('06901234001037', 'Z260526A')
const ZONGZI_B = lot('06901234001037', 'Z260526B')
const RICE = lot('06901234000115', 'R2605A')
const PORK = lot('06901234000283', 'P2605B')

t.test('a first recall later than its class allows after a failed inspection raises RECALL_LATE; nothing else does', async (t) => {
  const { advance, failedInspection, recall, lateAlerts } = await story(t, 'node')
  t.same(await lateAlerts(), [], "the demo's pork recall was recorded before its failed inspection: no clock ran")

  // Three lots fail; each is recalled 30 hours later, at another class.
  const failed = new Map<string, number>()
  for (const id of [ZONGZI_A, RICE, PORK]) failed.set(id, (await failedInspection(id)).seq)
  advance(30)
  const late = await recall(ZONGZI_A, 'class-i') // 30 h > 24 h
  await recall(RICE, 'class-ii') // 30 h < 48 h
  await recall(PORK, 'class-iii') // 30 h < 72 h
  await recall(ZONGZI_B, 'class-i') // no failed inspection of its own
  advance(100)
  await recall(ZONGZI_A, 'class-i') // recalled already: its clock stopped at the first recall

  const alerts = (await lateAlerts()) as { at: string; seqs: number[]; ids: string[]; message: string }[]
  t.equal(alerts.length, 1, JSON.stringify(alerts))
  t.match(alerts[0], {
    kind: 'RECALL_LATE',
    seqs: [failed.get(ZONGZI_A), late.seq],
    ids: ['urn:epc:class:lgtin:6901234.000103.Z260526A'],
    message: /^urn:epc:class:lgtin:6901234\.000103\.Z260526A recalled \(class-i\) 30 h after its failed inspection \(seq \d+, sample S\); a class-i recall starts within 24 h$/,
  })
  t.equal(alerts[0].at, new Date(Date.parse('2026-12-01T00:00:00.000Z') + 30 * HOUR).toISOString(), "at the recall's recordedAt")

  // Z260526B fails after it was recalled; recalled again days later, it is not late: it was recalled first.
  advance(1)
  await failedInspection(ZONGZI_B)
  advance(80)
  await recall(ZONGZI_B, 'class-i')
  t.equal((await lateAlerts()).length, 1, 'a lot recalled before it failed has no recall clock')
})

/**
 * The demo's story on a node whose clock starts on 1 December and moves only when `advance` says; the regulator
 * signs as it goes, and `alertsOf` reads a kind's alerts through HTTP (`lateAlerts`: RECALL_LATE's).
 */
async function story(t: Test, name: string) {
  const dir = join(testDir(t), name)
  let now = Date.parse('2026-12-01T00:00:00.000Z')
  const node = await initialiseNode(dir, { clock: () => new Date(now), genesisAt: DEMO_GENESIS })
  t.teardown(() => node.close())
  await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date(now) })
  t.teardown(() => app.close())
  const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
  let n = 0
  const submit = (type: string, body: Record<string, unknown>) =>
    node.ledger.submit(buildStatementEnvelope({ type, actor: 'regulator-hz', id: `${name}-${++n}`, issuedAt: new Date(now).toISOString(), body } as Statement, [regulator]))
  const alertsOf = async (kind: string) => (await app.inject({ url: `/v1/alerts?kind=${kind}` })).json().alerts as unknown[]
  return {
    advance: (hours: number) => void (now += hours * HOUR),
    failedInspection: (id: string) =>
      submit('food.inspection', { lot: id, sampleId: 'S', method: 'm', result: { outcome: 'fail' }, certificate: { name: 'c', sha256: 'ef'.repeat(32) }, inspectedAt: new Date(now).toISOString() }),
    recall: (id: string, severity: string) => submit('food.recall', { ids: [id], reason: 'failed inspection', severity }),
    lateAlerts: () => alertsOf('RECALL_LATE'),
    alertsOf,
    store: node.store,
  }
}

t.test('class-iii: 80 hours after the failed inspection is late, 70 is not', async (t) => {
  for (const [hours, expected] of [
    [70, 0],
    [80, 1],
  ] as const) {
    const { advance, failedInspection, recall, lateAlerts } = await story(t, `node-${hours}`)
    await failedInspection(RICE)
    advance(hours)
    await recall(RICE, 'class-iii')
    t.equal((await lateAlerts()).length, expected, `${hours} h`)
  }
})

t.test("a lot its ingredient's recall covered in time is not late when it is recalled itself", async (t) => {
  const { advance, failedInspection, recall, lateAlerts } = await story(t, 'node')
  await failedInspection(ZONGZI_A)
  advance(10)
  await recall(PORK, 'class-i') // Z260526A was made from it
  advance(20)
  await recall(ZONGZI_A, 'class-i')
  t.same(await lateAlerts(), [], 'covered 10 h after it failed, through the pork')
})

t.test('RECALL_OVERDUE: no recall covers a lot 72 h after its first failed inspection; a recall then ends it', async (t) => {
  const { advance, failedInspection, recall, alertsOf, store } = await story(t, 'overdue')
  t.same(await alertsOf('RECALL_OVERDUE'), [], "the demo's failed pork lot was recalled before it failed")
  const { seq } = await failedInspection(RICE)
  advance(1)
  await failedInspection(RICE) // a second failure starts no second clock
  await failedInspection(ZONGZI_A)
  advance(10)
  await recall(PORK, 'class-i') // Z260526A was made from it: covered
  advance(60)
  t.same(await alertsOf('RECALL_OVERDUE'), [], '71 h after the rice failed')
  advance(2)
  const overdue = (await alertsOf('RECALL_OVERDUE')) as { at: string; seqs: number[]; ids: string[]; message: string }[]
  t.equal(overdue.length, 1, JSON.stringify(overdue))
  t.match(overdue[0], { kind: 'RECALL_OVERDUE', seqs: [seq], ids: ['urn:epc:class:lgtin:6901234.000011.R2605A'], message: /no recall covers it 72 h later/ })
  t.equal(overdue[0].at, new Date(Date.parse('2026-12-01T00:00:00.000Z') + 72 * HOUR).toISOString(), 'due 72 h after the failure was recorded')
  await recall(RICE, 'class-ii')
  t.same(await alertsOf('RECALL_OVERDUE'), [], 'recalled at last')
  const due = (await store.getRange<{ id: string }>(RECALL_DUE_SPACE)).map(([, record]) => record.id)
  t.notOk(due.includes('urn:epc:class:lgtin:6901234.000011.R2605A'), 'and out of the index the alert reads at each query')
  t.match(await alertsOf('RECALL_LATE'), [{ ids: ['urn:epc:class:lgtin:6901234.000011.R2605A'], message: /recalled \(class-ii\) 73 h after/ }], 'and late')
})

// A late regulator could erase the evidence by recalling an ingredient: the failed lot's clock stops at the first
// recall that covers it, so an ingredient's recall after the deadline raises RECALL_LATE for the lot it covers.
t.test("an ingredient's recall that first covers a failed lot after its deadline raises RECALL_LATE", async (t) => {
  const { advance, failedInspection, recall, lateAlerts, alertsOf } = await story(t, 'node')
  const failed = await failedInspection(ZONGZI_A) // made from rice R2605A and pork P2605B
  advance(80)
  t.equal((await alertsOf('RECALL_OVERDUE')).length, 1, 'no recall covers the zongzi 80 h after it failed')
  const covering = await recall(PORK, 'class-i')
  t.same(await alertsOf('RECALL_OVERDUE'), [], "the pork's recall covers the zongzi: no longer overdue")
  const late = (await lateAlerts()) as { seqs: number[]; ids: string[]; message: string }[]
  t.equal(late.length, 1, 'and it was late')
  t.match(late[0], { seqs: [failed.seq, covering.seq], ids: ['urn:epc:class:lgtin:6901234.000103.Z260526A'], message: /recalled \(class-i\) 80 h after its failed inspection/ })

  // A recall in time of another ingredient, of a lot that never failed, raises nothing more.
  await recall(RICE, 'class-iii')
  t.equal((await lateAlerts()).length, 1)
})

t.test('a store from before the due index gets it at open, the records the inspections wrote', async (t) => {
  const dir = join(testDir(t), 'node')
  const node = await initialiseNode(dir, { genesisAt: DEMO_GENESIS })
  await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
  // The rice fails and is recalled after: its due record written, then taken out by the recall.
  const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
  const issuedAt = new Date().toISOString()
  const submit = (type: string, id: string, body: Record<string, unknown>) => node.ledger.submit(buildStatementEnvelope({ type, actor: 'regulator-hz', id, issuedAt, body } as Statement, [regulator]))
  await submit('food.inspection', 'rice-fails', { lot: RICE, sampleId: 'S', method: 'm', result: { outcome: 'fail' }, certificate: { name: 'c', sha256: 'ef'.repeat(32) }, inspectedAt: issuedAt })
  await submit('food.recall', 'rice-recalled', { ids: [RICE], reason: 'failed inspection', severity: 'class-ii' })
  const written = await node.store.getRange(RECALL_DUE_SPACE)
  t.equal(written.length, 1, "the demo's failed pork lot, recalled before it failed; not the rice, recalled after")
  t.equal(await withoutIndex(node.store, [RECALL_DUE_SPACE], RECALL_DUE_INDEX_META), 1)
  await node.close()
  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getRange(RECALL_DUE_SPACE), written)
})
