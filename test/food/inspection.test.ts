// food.inspection through HTTP on the seeded demo: accepted from a regulator or a lab for a lot the
// ledger knows, refused otherwise with nothing written; listed in the resolver's JSON with inclusion
// proofs, and shown on the consumer page in both languages, a failed one marked.

import t from 'tap'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT, ZONGZI } from '../helpers/web.js'
import { FIXED_TIME } from '../helpers/ledger.js'

const HTML = { accept: 'text/html' }
const FINE_LOT_LINK = `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`

const body = (overrides: Record<string, unknown> = {}) => ({
  lot: FINE_LOT_LINK,
  sampleId: 'LAB-S-1',
  method: 'GB 4789.2-2022',
  result: { outcome: 'pass', measurements: [{ analyte: 'aerobic plate count', value: 900, unit: 'CFU/g', limit: 100000 }] },
  certificate: { name: 'LAB-1.pdf', sha256: 'ab'.repeat(32) },
  inspectedAt: '2026-11-28T06:00:00.000Z',
  ...overrides,
})

t.test('a lab or a regulator may sign one for a known lot; the rest is refused and nothing written', async (t) => {
  const { node, app } = await demoApp(t)
  const lab = await node.register('lab-zj-01', ['lab'])
  const farm = await node.register('farm-x', ['farm'])
  const post = (actor: string, signer: typeof lab, inspection: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.inspection', actor, issuedAt: FIXED_TIME, body: inspection }, [signer]) })

  const refusals: [string, Promise<{ statusCode: number; json(): { code: string } }>, number, string][] = [
    ['a farm', post('farm-x', farm, body()), 403, 'ROLE_FORBIDDEN'],
    ['an unknown lot', post('lab-zj-01', lab, body({ lot: `https://id.gs1.org/01/${ZONGZI}/10/NEVER` })), 409, 'RULE_VIOLATION'],
    ['a serial, not a lot', post('lab-zj-01', lab, body({ lot: `https://id.gs1.org/01/${ZONGZI}/21/S1` })), 400, 'IDENTIFIER_INVALID'],
    ['a wrong check digit', post('lab-zj-01', lab, body({ lot: `https://id.gs1.org/01/06901234001036/10/${FINE_LOT}` })), 400, 'CHECK_DIGIT_INVALID'],
    ['a result from after its signing', post('lab-zj-01', lab, body({ inspectedAt: '2026-11-28T08:00:00.000Z' })), 409, 'RULE_VIOLATION'],
    ['no outcome', post('lab-zj-01', lab, body({ result: { measurements: [] } })), 400, 'SCHEMA_INVALID'],
    ['a measurement without unit', post('lab-zj-01', lab, body({ result: { outcome: 'pass', measurements: [{ analyte: 'x', value: 1 }] } })), 400, 'SCHEMA_INVALID'],
    ['a short hash', post('lab-zj-01', lab, body({ certificate: { name: 'x', sha256: 'ab' } })), 400, 'SCHEMA_INVALID'],
  ]
  const size = node.ledger.size
  for (const [what, pending, status, code] of refusals) {
    const response = await pending
    t.equal(response.statusCode, status, what)
    t.equal(response.json().code, code, what)
  }
  t.equal(node.ledger.size, size, 'nothing written')

  const accepted = await post('lab-zj-01', lab, body({ lot: `urn:epc:class:lgtin:6901234.000103.${FINE_LOT}` }))
  t.equal(accepted.statusCode, 201, 'a lab, the lot as an EPC URN')
  const json = (await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'application/json' } })).json()
  t.same(
    json.inspections.map((i: { by: string; result: { outcome: string } }) => [i.by, i.result.outcome]),
    [['regulator-hz', 'pass'], ['lab-zj-01', 'pass']],
    "the lot's inspections, oldest first",
  )
})

t.test("the resolver's JSON lists the inspections of the lot and its ingredients, each with its proof", async (t) => {
  const { app } = await demoApp(t)
  const fine = (await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'application/json' } })).json()
  t.equal(fine.inspections.length, 1)
  t.match(fine.inspections[0], {
    lot: `urn:epc:class:lgtin:6901234.000103.${FINE_LOT}`,
    by: 'regulator-hz',
    sampleId: 'HZ-S-2605-0142',
    result: { outcome: 'pass' },
    certificate: { name: 'HZ-AMR-JC-2605-0142.pdf' },
    actor: { id: 'regulator-hz', roles: ['regulator'] },
    entry: { seq: fine.inspections[0].seq },
  })
  const proved = new Set(fine.proofs.inclusion.map((p: { seq: number }) => p.seq))
  t.ok(proved.has(fine.inspections[0].seq), 'its inclusion proof is there')

  const recalled = (await app.inject({ url: lotPath(RECALLED_LOT), headers: { accept: 'application/json' } })).json()
  t.match(recalled.inspections, [{ lot: 'urn:epc:class:lgtin:6901234.000028.P2605C', result: { outcome: 'fail' } }], 'the failed pork lot it was made from')
})

t.test('the page shows inspections, a failed one marked, and verifies their entries', async (t) => {
  const { app } = await demoApp(t)
  const fine = (await app.inject({ url: lotPath(FINE_LOT), headers: HTML })).body
  const json = (await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'application/json' } })).json()
  const seq = json.inspections[0].seq
  t.match(fine, /<h2>检验检测<\/h2>/)
  t.match(fine, new RegExp(`<li class="step" data-seq="${seq}" data-actor="regulator-hz" data-outcome="pass" data-fact="inspection">`), 'verified in the browser like a step')
  t.match(fine, /✓ 合格/)
  t.match(fine, /菌落总数: 1200 CFU\/g/)
  t.match(fine, /HZ-AMR-JC-2605-0142\.pdf/)
  t.notMatch(fine, /不合格/)
  const en = (await app.inject({ url: `${lotPath(FINE_LOT)}?lang=en`, headers: HTML })).body
  t.match(en, /<h2>Inspections<\/h2>/)
  t.match(en, /aerobic plate count: 1200 CFU\/g \(limit 100000 CFU\/g\)/)

  const recalled = (await app.inject({ url: lotPath(RECALLED_LOT), headers: HTML })).body
  t.match(recalled, /<li class="step failed" data-seq="\d+" data-actor="regulator-hz" data-outcome="fail" data-fact="inspection">/)
  t.match(recalled, /<span class="tag">✗ 不合格<\/span> 原料: /)
  t.match(recalled, /<li data-fact="measurement" class="bad">恩诺沙星: 186 µg\/kg/, 'the value over its limit')
  const recalledEn = (await app.inject({ url: `${lotPath(RECALLED_LOT)}?lang=en`, headers: HTML })).body
  t.match(recalledEn, /✗ Failed<\/span> Ingredient: /)
})

t.test('a failed inspection raises INSPECTION_FAILED', async (t) => {
  const { app } = await demoApp(t)
  const { alerts } = (await app.inject({ url: '/v1/alerts?kind=INSPECTION_FAILED' })).json()
  t.match(alerts, [{ kind: 'INSPECTION_FAILED', ids: ['urn:epc:class:lgtin:6901234.000028.P2605C'] }])
})
