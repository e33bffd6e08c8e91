// Seal pattern alerts through HTTP: OFF_HOURS_USE, OVER_BUDGET, SPLIT_CONTRACT written with their
// entries and the same after a restart; OVERDUE computed against a fixed clock.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { openNode, readKeyFile } from '../../src/cli/node-dir.js'
import { listAlerts } from '../../src/ledger/alerts.js'
import { endOfLocalDate, isOffHours, offsetMinutes, sealConfig } from '../../src/seal/config.js'
import { applicationAlerts } from '../../src/seal/alerts.js'
import { sealKinds } from '../../src/seal/kinds.js'
import { sealApplications } from '../../src/seal/queries.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { DAYTIME, SEAL, SHA, VILLAGE, village, type Village } from '../helpers/seal.js'
import { testDir } from '../helpers/test-dir.js'

const alerts = async (v: Village, kind?: string) => (await v.get(`/v1/alerts${kind ? `?kind=${kind}` : ''}`)).json().alerts
const approveAndUse = async (v: Village, applicationId: string) => {
  await v.accept('seal.approve', 'director', { applicationId })
  return v.accept('seal.use', 'custodian', { applicationId, copies: 1, stamped: { sha256: SHA('b') } })
}

t.test('OFF_HOURS_USE: stamped 22:00-06:00 Shanghai time by the node clock', async (t) => {
  const v = await village(t)
  const cases: [string, string, boolean][] = [
    ['day', '2026-06-01T02:00:00.000Z', false], // 10:00
    ['2159', '2026-06-01T13:59:59.999Z', false],
    ['2200', '2026-06-01T14:00:00.000Z', true],
    ['0300', '2026-06-01T19:00:00.000Z', true],
    ['0559', '2026-06-01T21:59:59.999Z', true],
    ['0600', '2026-06-01T22:00:00.000Z', false],
  ]
  const expected: number[] = []
  for (const [name, at, off] of cases) {
    v.setNow(at)
    await v.apply(`oh-${name}`)
    const seq = await approveAndUse(v, `oh-${name}`)
    if (off) expected.push(seq)
  }
  const found = await alerts(v, 'OFF_HOURS_USE')
  t.same(found.map((a: { seqs: number[] }) => a.seqs[0]), expected)
  t.same(found[0].applicationIds, ['oh-2200'])
  t.equal(found[0].at, '2026-06-01T14:00:00.000Z')
  t.match(found[0].message, /2026-06-01 22:00/)

  // The custodian's issuedAt does not decide it: a daytime claim recorded at night still fires.
  v.setNow('2026-06-02T15:00:00.000Z')
  await v.apply('oh-backdated')
  await v.accept('seal.approve', 'director', { applicationId: 'oh-backdated' })
  const backdated = v.statement('seal.use', 'custodian', { applicationId: 'oh-backdated', copies: 1, stamped: { sha256: SHA('b') } })
  const claimed = JSON.parse(Buffer.from(backdated.payload, 'base64').toString())
  t.equal(claimed.issuedAt, '2026-06-02T15:00:00.000Z')
  const daytimeClaim = buildStatementEnvelope({ ...claimed, id: 'backdated-use', issuedAt: '2026-06-02T02:00:00.000Z' }, [v.signers.get('custodian')!])
  t.equal((await v.post(daytimeClaim)).statusCode, 201)
  t.ok((await alerts(v, 'OFF_HOURS_USE')).some((a: { applicationIds: string[] }) => a.applicationIds[0] === 'oh-backdated'))
})

t.test('off-hours and due dates follow the configured zone', async (t) => {
  const utc = sealConfig({ zoneOffset: 'Z' })
  t.equal(isOffHours('2026-06-01T14:00:00.000Z', utc), false, '14:00 UTC is daytime in UTC')
  t.equal(isOffHours('2026-06-01T14:00:00.000Z', sealConfig()), true, 'and 22:00 in Shanghai')
  t.equal(isOffHours('2026-06-01T23:30:00.000Z', sealConfig({ zoneOffset: '-05:00' })), false, '18:30 in New York')
  t.equal(endOfLocalDate('2026-06-30', sealConfig()), '2026-06-30T16:00:00.000Z')
  t.equal(endOfLocalDate('2026-06-30', utc), '2026-07-01T00:00:00.000Z')
  t.equal(offsetMinutes('-05:30'), -330)
  t.throws(() => sealConfig({ zoneOffset: '+8' }), RangeError)
  t.throws(() => sealConfig({ collectiveThreshold: 0 }), RangeError)
  t.throws(() => sealConfig({ offHoursFrom: 24 }), RangeError)
})

t.test('OVER_BUDGET: amount above budget at apply, final amount above budget at close', async (t) => {
  const v = await village(t)
  const over = await v.apply('ob-1', { amount: 52000, budget: 45000 })
  await v.apply('ob-equal', { amount: 45000, budget: 45000 })
  await v.apply('ob-no-budget', { amount: 45000 })
  const applied = await v.apply('ob-2', { amount: 68000, budget: 70000 })
  await approveAndUse(v, 'ob-2')
  const closed = await v.accept('seal.close', 'clerk', { applicationId: 'ob-2', outcome: '完工', finalAmount: 76500, completedAt: '2026-06-20' })
  await v.apply('ob-3', { amount: 10000, budget: 10000 })
  await approveAndUse(v, 'ob-3')
  await v.accept('seal.close', 'clerk', { applicationId: 'ob-3', outcome: '完工', finalAmount: 10000, completedAt: '2026-06-20' })
  const found = await alerts(v, 'OVER_BUDGET')
  t.same(found.map((a: { applicationIds: string[]; seqs: number[] }) => [a.applicationIds, a.seqs]), [
    [['ob-1'], [over]],
    [['ob-2'], [applied, closed]],
  ])
})

const road = (applicationId: string, title: string, amount: number, extra: Record<string, unknown> = {}) =>
  ({ title, amount, budget: amount, purpose: '道路修复施工合同盖章', document: { name: `${applicationId}.pdf`, sha256: SHA('d') }, ...extra })

t.test('SPLIT_CONTRACT: three near-duplicates under the threshold that together reach it', async (t) => {
  const v = await village(t)
  const a = await v.apply('sp-1', road('sp-1', '义桥村北段道路修复工程合同', 38000))
  await v.apply('other-1', road('other-1', '义桥村文化礼堂修缮合同', 90000))
  v.setNow('2026-07-01T02:00:00.000Z')
  const b = await v.apply('sp-2', road('sp-2', '义桥村道路修复（南段）施工合同', 35000))
  t.same(await alerts(v, 'SPLIT_CONTRACT'), [], 'two are not yet a split')
  v.setNow('2026-08-20T02:00:00.000Z')
  const c = await v.apply('sp-3', road('sp-3', '义桥村中段道路维修工程合同', 32000))
  const found = await alerts(v, 'SPLIT_CONTRACT')
  t.equal(found.length, 1)
  t.same(found[0].applicationIds, ['sp-1', 'sp-2', 'sp-3'], 'names every application involved')
  t.same(found[0].seqs, [a, b, c])
  t.equal(found[0].at, '2026-08-20T02:00:00.000Z')
  t.match(found[0].message, /105000/)

  // A fourth within the window names all four.
  const d = await v.apply('sp-4', road('sp-4', '义桥村道路修复 第四段', 20000))
  const again = await alerts(v, 'SPLIT_CONTRACT')
  t.equal(again.length, 2)
  t.same(again[1].applicationIds, ['sp-1', 'sp-2', 'sp-3', 'sp-4'])
  t.same(again[1].seqs, [a, b, c, d])
})

t.test('SPLIT_CONTRACT does not flag unrelated, too few, too small, too old, rejected or other orgs', async (t) => {
  const v = await village(t)
  // unrelated contracts of one village, each under the threshold, together far above it
  const unrelated = ['义桥村文化礼堂修缮合同', '太阳能路灯采购合同', '义桥村河道清淤工程', '义桥村垃圾分类清运服务合同', '村委会办公楼屋顶翻修']
  for (const [i, title] of unrelated.entries()) await v.apply(`un-${i}`, road(`un-${i}`, title, 60000))
  // near-duplicates whose total stays under the threshold
  for (const i of [1, 2, 3]) await v.apply(`small-${i}`, road(`small-${i}`, `义桥村机耕路硬化第${i}段`, 30000))
  // near-duplicates where one is at the threshold (it needs a collective decision anyway)
  await v.apply('big-1', road('big-1', '义桥村排水沟修复一期', 100000))
  await v.apply('big-2', road('big-2', '义桥村排水沟修复二期', 40000))
  await v.apply('big-3', road('big-3', '义桥村排水沟修复三期', 40000))
  // near-duplicates spread over more than 90 days
  v.setNow('2026-06-01T02:00:00.000Z')
  await v.apply('old-1', road('old-1', '村口至祠堂道路修复', 45000))
  v.setNow('2026-08-01T02:00:00.000Z')
  await v.apply('old-2', road('old-2', '村口至祠堂道路维修（二期）', 45000))
  v.setNow('2026-09-01T02:00:00.000Z')
  await v.apply('old-3', road('old-3', '村口到祠堂的道路修复三期', 45000))
  // one of three rejected
  await v.apply('rej-1', road('rej-1', '南门桥维修加固', 45000))
  await v.accept('seal.reject', 'director', { applicationId: 'rej-1', comment: '重复申请' })
  await v.apply('rej-2', road('rej-2', '北门桥加固工程', 45000))
  await v.apply('rej-3', road('rej-3', '东门桥维修', 45000))
  t.same(await alerts(v, 'SPLIT_CONTRACT'), [])

  // Another org's seal: its near-duplicates do not join this village's.
  const neighbour = newSigner()
  v.signers.set('neighbour', neighbour)
  await v.accept('actor.register', 'operator', { id: 'neighbour', name: '邻村文书', roles: ['member'], org: 'qianjin-village', publicKey: toBase64(neighbour.publicKey) })
  await v.accept('seal.register', 'operator', { sealId: 'qianjin-seal', org: 'qianjin-village', name: '前进村公章', custodian: 'custodian', approvers: ['director'] })
  await v.accept('seal.apply', 'neighbour', { applicationId: 'nb-1', sealId: 'qianjin-seal', copies: 1, ...road('nb-1', '东门桥修复', 45000) })
  t.same(await alerts(v, 'SPLIT_CONTRACT'), [], 'rej-2, rej-3 and a neighbour\'s are not one org\'s three')

  // and a reworded near-duplicate in this village completes rej-2, rej-3
  await v.apply('rej-4', road('rej-4', '西门桥水毁修复加固', 20000))
  const found = await alerts(v, 'SPLIT_CONTRACT')
  t.same(found.map((a: { applicationIds: string[] }) => a.applicationIds), [['rej-2', 'rej-3', 'rej-4']])
})

t.test('the collective threshold is configurable', async (t) => {
  const dir = testDir(t)
  await (await makeNode(dir)).close()
  const node = await openNode(dir, { kinds: sealKinds({ collectiveThreshold: 50_000 }) })
  t.teardown(() => node.close())
  const operator = readKeyFile(`${dir}/keys/operator.json`)
  const keys = { clerk: newSigner(), director: newSigner(), custodian: newSigner() }
  let n = 0
  const submit = (type: string, actor: string, body: Record<string, unknown>) =>
    node.ledger.submit(buildStatementEnvelope({ type, actor, id: `c-${++n}`, issuedAt: DAYTIME, body }, [actor === 'operator' ? operator : keys[actor as keyof typeof keys]]))
  for (const id of Object.keys(keys)) {
    await submit('actor.register', 'operator', { id, name: id, roles: ['member'], org: 'v', publicKey: toBase64(keys[id as keyof typeof keys].publicKey) })
  }
  await submit('seal.register', 'operator', { sealId: 's', org: 'v', name: 's', custodian: 'custodian', approvers: ['director'] })
  for (const i of [1, 2, 3]) await submit('seal.apply', 'clerk', { applicationId: `a${i}`, sealId: 's', copies: 1, ...road(`a${i}`, `道路修复${i}期`, 20000) })
  const found = await listAlerts(node.ledger, { kind: 'SPLIT_CONTRACT' }, [], new Date())
  t.equal(found.alerts.length, 1, '60,000 in three parts reaches a 50,000 threshold')
})

t.test('OVERDUE: computed against the clock, gone once closed or rejected', async (t) => {
  const v = await village(t)
  await v.apply('od-1', { dueDate: '2026-06-30' })
  await v.apply('od-2', { dueDate: '2026-06-30' })
  await v.apply('od-3', { dueDate: '2026-06-30' })
  await v.apply('od-4', { dueDate: '2026-07-31' })
  const applied = await v.apply('od-5', { dueDate: '2026-06-30' })
  await approveAndUse(v, 'od-1')
  await approveAndUse(v, 'od-2')
  await v.accept('seal.close', 'clerk', { applicationId: 'od-2', outcome: '完工', completedAt: '2026-06-29' })
  await v.accept('seal.reject', 'director', { applicationId: 'od-3' })
  await v.accept('seal.approve', 'deputy', { applicationId: 'od-5' })

  v.setNow('2026-06-30T15:59:59.999Z') // 23:59:59.999 on the due date in Shanghai
  t.same(await alerts(v, 'OVERDUE'), [])
  v.setNow('2026-06-30T16:00:00.000Z')
  const found = await alerts(v, 'OVERDUE')
  t.same(found.map((a: { applicationIds: string[]; at: string }) => [a.applicationIds[0], a.at]), [
    ['od-1', '2026-06-30T16:00:00.000Z'],
    ['od-5', '2026-06-30T16:00:00.000Z'],
  ])
  t.same(found[1].seqs, [applied])
  t.match(found[0].message, /still used/)
  t.same((await v.get('/v1/alerts?kind=OVERDUE&since=2026-07-01T00:00:00.000Z')).json().alerts, [], 'since filters by when it fell due')

  await v.accept('seal.close', 'director', { applicationId: 'od-1', outcome: '完工', completedAt: '2026-07-02' })
  v.setNow('2026-08-01T00:00:00.000Z')
  t.same((await alerts(v, 'OVERDUE')).map((a: { applicationIds: string[] }) => a.applicationIds[0]), ['od-5', 'od-4'])
  await v.accept('seal.revoke', 'operator', { sealId: SEAL, reason: '换新章' })
  t.same((await alerts(v, 'OVERDUE')).map((a: { applicationIds: string[] }) => a.applicationIds[0]), ['od-5', 'od-4'], 'revoking the seal hides nothing')
  t.ok((await alerts(v, 'OVERDUE')).every((a: { sealId: string }) => a.sealId === SEAL), 'each names its seal')
  await v.accept('seal.close', 'clerk', { applicationId: 'od-4', outcome: '印章注销，另案办理', completedAt: '2026-08-01' })
  t.same((await alerts(v, 'OVERDUE')).map((a: { applicationIds: string[] }) => a.applicationIds[0]), ['od-5'], 'closing clears it, on a revoked seal too')
})

t.test('pattern alerts are the same after a restart', async (t) => {
  const v = await village(t)
  await v.apply('rs-1', { amount: 52000, budget: 45000, dueDate: '2026-06-01' })
  for (const i of [1, 2, 3]) await v.apply(`rs-road-${i}`, road(`rs-road-${i}`, `义桥村道路修复第${i}段`, 40000))
  v.setNow('2026-06-01T16:30:00.000Z')
  await approveAndUse(v, 'rs-1')
  const before = await alerts(v)
  t.same(before.map((a: { kind: string }) => a.kind).sort(), ['OFF_HOURS_USE', 'OVERDUE', 'OVER_BUDGET', 'SPLIT_CONTRACT'])
  await v.restart()
  t.same(await alerts(v), before)
})

t.test('index scans of one id never reach an id it is a prefix of', async (t) => {
  // Keys are id SEP rest (store/keys.ts prefixRange): "pr" must not see "pr.1", nor seal "s" seal "s.2".
  const v = await village(t)
  const other = `${SEAL}.2`
  await v.accept('seal.register', 'operator', { sealId: other, org: VILLAGE, name: { zh: '第二枚章' }, custodian: 'custodian', approvers: ['director', 'deputy'] })
  await v.apply('pr', { amount: 52000, budget: 45000 })
  await v.apply('pr.1', { amount: 62000, budget: 45000 })
  await v.apply('pr-2', { sealId: other, amount: 72000, budget: 45000 })
  const records = v.node.ledger.records
  const overBudget = async (id: string) => (await applicationAlerts(records, id)).filter((a) => a.kind === 'OVER_BUDGET').map((a) => a.applicationIds)
  t.same(await overBudget('pr'), [['pr']])
  t.same(await overBudget('pr.1'), [['pr.1']])
  t.same(await overBudget('pr-2'), [['pr-2']])
  t.same(await applicationAlerts(records, 'p'), [])
  t.same((await sealApplications(v.node.ledger, SEAL)).map((a) => a.applicationId), ['pr', 'pr.1'])
  t.same((await sealApplications(v.node.ledger, other)).map((a) => a.applicationId), ['pr-2'])
})
