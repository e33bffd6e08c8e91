// The seal page's bound area as served: its evidence covers every seq the area names, and the area
// is exactly what its view renders from those entries once the browser's own checks (verifyLogEntries,
// the registry replay) have verified them: the node's text and the browser's are one function.
// Refused attempts, counts and paging are outside the areas.

import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import type { BoundView, EvidenceEntry } from '../../src/web/bound-view.js'
import { verifyLogEntries } from '../../src/web/verify-log.js'
import { SEAL_VIEW, sealView } from '../../src/seal/web/seal-view.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { injectedSource } from '../helpers/log-source.js'
import { SEAL, SHA, village } from '../helpers/seal.js'
import { areasOf, type ServedArea } from '../helpers/bound-areas.js'

const VIEWS: Record<string, BoundView> = { [SEAL_VIEW]: sealView }


/** Checks every area of the page at `url` as the browser would; returns the areas. */
async function checkAreas(t: Test, app: FastifyInstance, url: string): Promise<{ areas: ServedArea[]; outside: string }> {
  const response = await app.inject(url)
  t.equal(response.statusCode, 200, url)
  const { areas, outside } = areasOf(response.body)
  t.same(areas.map((a) => a.view), [SEAL_VIEW], 'one area')
  for (const area of areas) {
    const named = [...area.inner.matchAll(/data-seq="(\d+)"|#(\d+)/g)].map((m) => Number(m[1] ?? m[2]))
    t.ok(named.length > 0, `${area.view}: names ${named.length} seqs`)
    t.same(named.filter((seq) => !area.evidence.includes(seq)), [], `${area.view}: every seq it names is in its evidence`)
    t.same(area.evidence, [...area.evidence].sort((a, b) => a - b), 'ascending')
    const outcome = await verifyLogEntries(injectedSource(app), nobleEd25519, area.evidence, undefined, area.actors)
    t.same(outcome.failures, [], `${area.view}: its evidence verifies`)
    const entries: EvidenceEntry[] = outcome.entries.map((e) => ({ seq: e.seq, recordedAt: e.recordedAt as string, statement: e.statement! }))
    const derived = VIEWS[area.view].render({ lang: 'zh', entries, actors: outcome.actors ?? new Map(), params: area.params })
    t.equal(area.inner, derived, `${area.view}: the served area is what the view renders from the verified entries`)
  }
  t.notMatch(outside, /data-seq=/, 'no entry is shown outside the areas')
  return { areas, outside }
}

t.test('a village page: every fact from its entries; attempts and counts outside', async (t) => {
  const v = await village(t)
  const applied = await v.apply('p-1', { amount: 52000, budget: 45000, dueDate: '2026-05-31' })
  await v.accept('seal.approve', 'director', { applicationId: 'p-1', comment: '同意' })
  await v.accept('seal.use', 'custodian', { applicationId: 'p-1', copies: 1, stamped: { sha256: SHA('e') } })
  await v.apply('p-2')
  await v.accept('seal.reject', 'deputy', { applicationId: 'p-2', comment: '材料不全' })
  await v.post(v.statement('seal.use', 'custodian', { applicationId: 'p-2', copies: 1, stamped: { sha256: SHA('e') } }))
  await v.post(v.statement('seal.approve', 'outsider', { applicationId: 'p-1' }))
  const { areas, outside } = await checkAreas(t, v.app, `/seals/${SEAL}`)
  const seal = (await v.get(`/v1/seals/${SEAL}`)).json().seal
  t.same(areas[0].evidence, seal.seqs, "the seal's entries and its applications'")
  t.match(areas[0].inner, /^<h1 data-fact="sealName">义桥村村民委员会公章<\/h1>/, 'the name inside the area')
  t.same(areas[0].actors, ['custodian', 'deputy', 'director'])
  t.match(areas[0].inner, new RegExp(`data-kind="OVERDUE">逾期未办结 .* 见 #${applied}`), 'OVERDUE as of the page time')
  t.equal(areas[0].params.now, v.now())
  t.match(outside, /<h2 id="attempts-title">被拒绝的尝试<\/h2><p class="small">被拒绝的声明从未写入账本，没有序号；以下是节点自己的记录（按尝试者与原因合计），您的浏览器无法核验。/)
  t.match(outside, /未经批准用印（已拒绝）/)
  t.match(outside, /非审批人审批（已拒绝）/)
  t.notMatch(areas[0].inner, /已拒绝/, 'no attempt inside the verified area')
  t.match(outside, /节点的统计（未在浏览器中核验）：用印申请 2 件/)

  await v.accept('seal.revoke', 'operator', { sealId: SEAL, reason: '印章遗失' })
  const revoked = await checkAreas(t, v.app, `/seals/${SEAL}`)
  t.match(revoked.areas[0].inner, /<dd data-fact="sealState">已注销：印章遗失<\/dd>/)
})

t.test('a later page: its applications and the seal, nothing else; the page count outside', async (t) => {
  const v = await village(t)
  const envelopes = Array.from({ length: 25 }, (_, i) =>
    v.statement('seal.apply', 'clerk', { applicationId: `pg-${String(i).padStart(2, '0')}`, sealId: SEAL, title: `事项 ${i}`, purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1 }),
  )
  await v.app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes } })
  const { areas, outside } = await checkAreas(t, v.app, `/seals/${SEAL}?page=2`)
  const seal = (await v.get(`/v1/seals/${SEAL}`)).json().seal
  t.equal(areas[0].evidence.length, 1 + 5, 'the registration and the five applications on page 2')
  t.equal(areas[0].params.applications, 'pg-20 pg-21 pg-22 pg-23 pg-24')
  t.ok(areas[0].evidence.every((seq) => seal.seqs.includes(seq)))
  t.match(outside, /第 2 \/ 2 页/)
  t.notMatch(areas[0].inner, /第 2 \/ 2 页/)
})

t.test('the demo seal: the SPLIT_CONTRACT group is verified from its three applications', async (t) => {
  const { app } = await seededDemoApp(t)
  const { areas } = await checkAreas(t, app, '/seals/yiqiao-committee-seal')
  t.not(areas[0].params.splits, '', 'a split group')
  for (const seq of areas[0].params.splits.split(' ').map(Number)) t.ok(areas[0].evidence.includes(seq), `member ${seq} in the evidence`)
  t.equal(areas[0].inner.split('疑似拆分合同').length - 1, 3)
})
