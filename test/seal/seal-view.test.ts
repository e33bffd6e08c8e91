// The seal page's bound views as pure functions: the same entries give the same text; facts, states and
// alerts follow from the entries and the page's time; entries the rules forbid, unused entries and bad
// params are refused with a BoundViewError, never rendered.

import t from 'tap'
import { BoundViewError, type ActorProfile, type EvidenceEntry } from '../../src/web/bound-view.js'
import { DEFAULT_SEAL_CONFIG } from '../../src/seal/config.js'
import type { SealPageClaims } from '../../src/seal/derive.js'
import { parseSealPageParams, sealPageParams, sealView } from '../../src/seal/web/seal-view.js'
import { yuan } from '../../src/seal/web/seal-words.js'
import { pageClockFailure } from '../../src/web/verify-bound.js'
import { renderSealPage, type SealPageInput } from '../../src/seal/web/seal-page.js'

const SEAL = 'v-seal'
const ORG = 'v-village'
/** 10:00 in Shanghai */
const DAY = '2026-06-01T02:00:00.000Z'
const SHA = (c: string) => c.repeat(64)

const profile = (id: string, roles: string[], org?: string): [string, ActorProfile] => [
  id,
  { id, name: { zh: `${id}名` }, roles, ...(org ? { org } : {}), locations: [], registeredAt: 1 },
]
const ACTORS = new Map<string, ActorProfile>([
  profile('operator', ['admin']),
  profile('clerk', ['member'], ORG),
  profile('director', ['member'], ORG),
  profile('deputy', ['member'], ORG),
  profile('custodian', ['member'], ORG),
  profile('outsider', ['member'], 'elsewhere'),
])

/** A log of evidence entries, seqs from 10, each recorded at `at` unless given. */
function log() {
  const entries: EvidenceEntry[] = []
  const add = (type: string, actor: string, body: Record<string, unknown>, recordedAt = DAY, issuedAt = recordedAt) => {
    const seq = 10 + entries.length
    entries.push({ seq, recordedAt, statement: { type, actor, id: `s-${seq}`, issuedAt, body } })
    return seq
  }
  add('seal.register', 'operator', { sealId: SEAL, org: ORG, name: { zh: '义桥村公章' }, custodian: 'custodian', approvers: ['director', 'deputy'] })
  const apply = (applicationId: string, extra: Record<string, unknown> = {}, at = DAY, actor = 'clerk') =>
    add('seal.apply', actor, { applicationId, sealId: SEAL, title: `申请 ${applicationId}`, purpose: '用途', document: { name: 'd.pdf', sha256: SHA('a') }, copies: 2, ...extra }, at)
  return { entries, add, apply }
}

function claims(applicationIds: string[], extra: Partial<SealPageClaims> = {}): SealPageClaims {
  return { sealId: SEAL, applicationIds, splitGroups: [], now: DAY, asOf: 1000, config: DEFAULT_SEAL_CONFIG, ...extra }
}

const render = (entries: EvidenceEntry[], c: SealPageClaims, actors = ACTORS) => sealView.render({ lang: 'zh', entries, actors, params: sealPageParams(c) })
const alertKinds = (html: string) => [...html.matchAll(/data-kind="([A-Z_]+)"/g)].map((m) => m[1])

t.test('the same entries and params give the same text; the facts come from the entries', async (t) => {
  const { entries, add, apply } = log()
  apply('a-1', { amount: 52000, budget: 45000, title: '<script>x</script>道路' })
  add('seal.approve', 'director', { applicationId: 'a-1', comment: '同意' })
  add('seal.use', 'custodian', { applicationId: 'a-1', copies: 2, stamped: { sha256: SHA('b') } })
  const c = claims(['a-1'])
  const first = render(entries, c)
  t.equal(render(entries.map((e) => structuredClone(e)), c), first, 'deterministic')
  t.match(first, /^<h1 data-fact="sealName">义桥村公章<\/h1>/, 'the name from the registration')
  t.match(first, /<span data-fact="title">&lt;script&gt;x&lt;\/script&gt;道路<\/span>/, 'escaped')
  t.match(first, /<span data-fact="amount">52,000 元<\/span> \/ 预算 <span data-fact="budget">45,000 元<\/span> <span class="tag">超出 7,000 元（15.6%）<\/span>/)
  t.match(first, /<rect class="fill over" width="240" height="14" rx="3"\/><rect class="mark" x="207.7"/, 'the bar: the amount filled, the budget marked')
  t.match(first, /<dd data-fact="copies">申请 2，批准 2，已盖 2<\/dd>/)
  t.match(first, /data-fact="state"[^>]*>已用印</)
  t.match(first, /<dd data-fact="approvers">director名、deputy名<\/dd>/)
  t.match(first, /<p class="who" data-fact="approver">director名<\/p>/)
  t.same(alertKinds(first), ['OVER_BUDGET'])
  t.match(first, /<li class="step done" data-seq="13" data-actor="custodian" data-fact="step"><span class="dot"><\/span><div class="head"><h3>用印<\/h3><time data-fact="time"/)
  t.match(first, /<a class="seq" href="\/v1\/entries\/13">账本记录 #13<\/a>/)
  t.match(first, /<li class="step todo">.*<h3>办结<\/h3>.*尚未办理/, 'the step still to come')
  const english = sealView.render({ lang: 'en', entries, actors: ACTORS, params: sealPageParams(c) })
  t.match(english, /<span data-fact="amount">CNY 52,000<\/span> \/ Budget <span data-fact="budget">CNY 45,000<\/span> <span class="tag">over by CNY 7,000 \(15.6%\)/, 'in English')
  t.match(english, /data-fact="state">Stamped</)
  t.match(english, /Over budget/)
  t.notMatch(first, /签署时间/, 'issuedAt equals recordedAt: not shown twice')
  t.match(first, /时间为 UTC\+08:00/, 'the settings are shown')

  // A backdated statement shows the signer's own time beside the node's.
  const late = log()
  late.add('seal.apply', 'clerk', { applicationId: 'a-1', sealId: SEAL, title: 't', purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1 }, DAY, '2026-05-20T02:00:00.000Z')
  const lateHtml = render(late.entries, claims(['a-1']))
  t.match(lateHtml, /（签署时间 <time data-fact="issuedAt" datetime="2026-05-20T02:00:00.000Z">2026-05-20 10:00<\/time>）/)
  t.match(lateHtml, /<span class="tag" data-fact="late">补录 · 签署 12 天后才记录<\/span>/, 'a late record marked on its step')

  t.equal(yuan(1234567.5), '1,234,567.5 元')
  t.equal(yuan(0), '0 元')
  t.equal(yuan(999), '999 元')
})

t.test('OVERDUE follows the page time, ends with a close; OFF_HOURS_USE and OVER_BUDGET at close follow the entries', async (t) => {
  const { entries, add, apply } = log()
  apply('due-1', { dueDate: '2026-06-02', budget: 100 })
  const c = (now: string) => claims(['due-1'], { now })
  t.same(alertKinds(render(entries, c('2026-06-02T15:59:59.999Z'))), [], 'the due day has not ended in Shanghai')
  const overdue = render(entries, c('2026-06-02T16:00:00.000Z'))
  t.same(alertKinds(overdue), ['OVERDUE'], 'ended')
  t.match(overdue, /<section class="card application overdue"/, 'the overdue application marked')
  t.match(overdue, /<dd data-fact="due">2026-06-02 <span class="tag" data-fact="overdue">逾期<\/span><\/dd>/)
  add('seal.approve', 'director', { applicationId: 'due-1' })
  // 23:30 in Shanghai
  add('seal.use', 'custodian', { applicationId: 'due-1', copies: 1, stamped: { sha256: SHA('c') } }, '2026-06-01T15:30:00.000Z')
  add('seal.close', 'clerk', { applicationId: 'due-1', outcome: '完成', completedAt: '2026-06-02', finalAmount: 150 }, '2026-06-01T16:00:00.000Z')
  const closed = render(entries, c('2026-06-05T00:00:00.000Z'))
  t.same(alertKinds(closed), ['OFF_HOURS_USE', 'OVER_BUDGET'], 'a closed matter is not overdue')
  t.match(closed, /见 #11、#14/, 'the final amount over budget names the apply and the close')
  t.match(closed, /决算 150 元/)
})

t.test('a page time before its newest entry is refused', async (t) => {
  const { entries, apply } = log()
  apply('a-1', {}, '2026-06-01T03:00:00.000Z')
  t.throws(() => render(entries, claims(['a-1'], { now: '2026-06-01T02:59:59.999Z' })), BoundViewError)
  t.throws(() => render(entries, claims(['a-1'], { now: 'yesterday' })), BoundViewError)
  t.doesNotThrow(() => render(entries, claims(['a-1'], { now: '2026-06-01T03:00:00.000Z' })))
})

t.test('bad params are refused', async (t) => {
  const { entries, apply } = log()
  apply('a-1')
  const good = sealPageParams(claims(['a-1']))
  t.same(parseSealPageParams(good).applicationIds, ['a-1'])
  const bad: [string, Record<string, string>][] = [
    ['unknown parameter', { ...good, extra: 'x' }],
    ['missing parameter', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'now'))],
    ['hour out of range', { ...good, offHoursFrom: '24' }],
    ['not a number', { ...good, collectiveThreshold: '1e5' }],
    ['negative', { ...good, splitWindowDays: '-3' }],
    ['zone', { ...good, zoneOffset: '+25:00' }],
    ['similarity above 1', { ...good, titleSimilarity: '1.5' }],
    ['asOf not a size', { ...good, asOf: 'lots' }],
    ['asOf does not hold the entries', { ...good, asOf: '11' }],
    ['split group not seqs', { ...good, splits: '10 x' }],
    ['split group of entries not applications', { ...good, splits: '10 11 11' }],
    ['application not in the entries', { ...good, applications: 'a-1 a-2' }],
    ['another seal', { ...good, seal: 'other-seal', path: '/seals/other-seal' }],
    ['a path of another seal', { ...good, path: '/seals/other-seal' }],
    ['settings since seq 0', { ...good, settingsSince: '0 2026-06-01T03:00:00.000Z' }],
    ['settings since no time', { ...good, settingsSince: '12 yesterday' }],
    ['settings since with more', { ...good, settingsSince: '12 2026-06-01T03:00:00.000Z x' }],
  ]
  for (const [what, params] of bad) t.throws(() => sealView.render({ lang: 'zh', entries, actors: ACTORS, params }), BoundViewError, what)
})

t.test('entries the seal rules forbid, unused entries and unknown actors are refused', async (t) => {
  const cases: [string, (l: ReturnType<typeof log>) => void][] = [
    ['approved by a non-approver', (l) => l.add('seal.approve', 'custodian', { applicationId: 'a-1' })],
    ['self-approval', (l) => l.add('seal.approve', 'clerk', { applicationId: 'a-1' })],
    ['stamped before approval', (l) => l.add('seal.use', 'custodian', { applicationId: 'a-1', copies: 1, stamped: { sha256: SHA('d') } })],
    ['more copies than approved', (l) => {
      l.add('seal.approve', 'director', { applicationId: 'a-1' })
      l.add('seal.use', 'custodian', { applicationId: 'a-1', copies: 3, stamped: { sha256: SHA('d') } })
    }],
    ['stamped by another than the custodian', (l) => {
      l.add('seal.approve', 'director', { applicationId: 'a-1' })
      l.add('seal.use', 'deputy', { applicationId: 'a-1', copies: 1, stamped: { sha256: SHA('d') } })
    }],
    ['approved after the seal was revoked', (l) => {
      l.add('seal.revoke', 'operator', { sealId: SEAL, reason: '遗失' })
      l.add('seal.approve', 'director', { applicationId: 'a-1' })
    }],
    ['an entry about no application shown', (l) => l.apply('a-2')],
    ['an amount of the wrong type', (l) => l.add('seal.close', 'clerk', { applicationId: 'a-1', outcome: 'x', completedAt: '2026-06-01', finalAmount: '9' })],
  ]
  for (const [what, make] of cases) {
    const l = log()
    l.apply('a-1')
    make(l)
    t.throws(() => render(l.entries, claims(['a-1'])), BoundViewError, what)
  }
  const outsider = log()
  outsider.apply('a-1', {}, DAY, 'outsider')
  t.throws(() => render(outsider.entries, claims(['a-1'])), BoundViewError, 'an applicant of another org')
  const l = log()
  l.apply('a-1')
  t.throws(() => render(l.entries, claims(['a-1']), new Map([...ACTORS].filter(([id]) => id !== 'deputy'))), BoundViewError, 'an approver with no verified registration')
  const revoked = log()
  revoked.apply('a-1')
  revoked.add('seal.revoke', 'operator', { sealId: SEAL, reason: '遗失' })
  revoked.add('seal.close', 'clerk', { applicationId: 'a-1', outcome: '终止', completedAt: '2026-06-01' })
  const html = render(revoked.entries, claims(['a-1']))
  t.match(html, /<dd data-fact="sealState">已注销：遗失<\/dd>/)
  t.match(html, />已办结</, 'a revoked seal still takes a close')
})

t.test('a SPLIT_CONTRACT group is shown on its members only when the entries make it', async (t) => {
  const { entries, add, apply } = log()
  const a = apply('r-1', { title: '义桥村北段道路修复工程合同', amount: 38000 })
  const b = apply('r-2', { title: '义桥村道路修复（南段）施工合同', amount: 35000 })
  const c = apply('r-3', { title: '义桥村中段道路维修工程合同', amount: 32000 })
  const html = render(entries, claims(['r-1', 'r-2', 'r-3'], { splitGroups: [[a, b, c]] }))
  t.same(alertKinds(html), ['SPLIT_CONTRACT', 'SPLIT_CONTRACT', 'SPLIT_CONTRACT'])
  t.match(html, /见 #11、#12、#13/)
  // Members on another page are evidence, not shown.
  t.same(alertKinds(render(entries, claims(['r-3'], { splitGroups: [[a, b, c]] }))), ['SPLIT_CONTRACT'])
  t.throws(() => render(entries, claims(['r-3'])), BoundViewError, 'listed applications no group uses')
  t.throws(() => render(entries, claims(['r-1', 'r-2', 'r-3'], { splitGroups: [[a, b]] })), BoundViewError, 'too few')
  t.throws(() => render(entries, claims(['r-1', 'r-2', 'r-3'], { splitGroups: [[a, b, c]], config: { ...DEFAULT_SEAL_CONFIG, collectiveThreshold: 200000 } })), BoundViewError, 'under the threshold')
  const unlike = log()
  const x = unlike.apply('r-1', { title: '义桥村北段道路修复工程合同', amount: 38000 })
  const y = unlike.apply('r-2', { title: '太阳能路灯采购', amount: 35000 })
  const z = unlike.apply('r-3', { title: '义桥村中段道路维修工程合同', amount: 32000 })
  t.throws(() => render(unlike.entries, claims(['r-1', 'r-2', 'r-3'], { splitGroups: [[x, y, z]] })), BoundViewError, 'a title not near')
  const rejected = log()
  const p = rejected.apply('r-1', { title: '义桥村北段道路修复工程合同', amount: 38000 })
  rejected.add('seal.reject', 'director', { applicationId: 'r-1' })
  const q = rejected.apply('r-2', { title: '义桥村道路修复（南段）施工合同', amount: 35000 })
  const r = rejected.apply('r-3', { title: '义桥村中段道路维修工程合同', amount: 32000 })
  t.throws(() => render(rejected.entries, claims(['r-1', 'r-2', 'r-3'], { splitGroups: [[p, q, r]] })), BoundViewError, 'a member rejected before')
  void add
})

t.test("the verifier refuses a page time more than 24 h from the browser's clock, and says which way", async (t) => {
  const clock = Date.parse(DAY)
  t.equal(pageClockFailure(DAY, clock), undefined)
  t.equal(pageClockFailure('2026-06-02T01:59:00.000Z', clock), undefined, 'within a day')
  t.match(pageClockFailure('2026-06-04T02:00:00.000Z', clock), { check: 'clock-ahead', hours: 72 })
  t.match(pageClockFailure('2026-05-31T00:00:00.000Z', clock), { check: 'clock-behind', hours: 26 })
  t.match(pageClockFailure('not a time', clock), { check: 'bound-view' })
})

t.test('a page the view refuses is served without the area, saying why, so the browser fails it', async (t) => {
  const { entries, apply } = log()
  apply('a-1')
  const input = (applicationIds: string[]): SealPageInput => ({
    sealId: SEAL,
    title: '义桥村公章',
    lang: 'zh',
    url: `/seals/${SEAL}`,
    pageUrl: `https://trace.example.cn/seals/${SEAL}`,
    evidence: entries,
    actors: ACTORS,
    namedActors: ['custodian', 'director', 'deputy'],
    claims: claims(applicationIds),
    totals: { applications: 1, more: false },
    page: { number: 1, count: 1, more: false },
    attempts: { groups: [], more: false },
    actorName: (id) => id,
    config: DEFAULT_SEAL_CONFIG,
  })
  t.match(renderSealPage(input(['a-1'])), /<div data-bound="seal" data-evidence="10 11" data-actors="custodian deputy director"/)
  const refused = renderSealPage(input(['a-1', 'a-2']))
  t.notMatch(refused, /data-bound=/)
  t.match(refused, /<p class="card bound-error">本页的记录无法由账本中的已签名记录得出.*no application a-2/)
})

t.test('settings that took effect on a log that held entries: the page says from which entry, rendered again from its params', async (t) => {
  const { entries, apply } = log()
  apply('a-1')
  const since = { seq: 412, at: '2026-05-20T01:02:03.004Z' }
  const c = claims(['a-1'], { config: { ...DEFAULT_SEAL_CONFIG, settingsSince: since } })
  const params = sealPageParams(c)
  t.equal(params.settingsSince, '412 2026-05-20T01:02:03.004Z')
  t.same(parseSealPageParams(params).config.settingsSince, since, 'read back from the params')
  const zh = render(entries, c)
  t.match(zh, /以上设置自第 #412 条记录（<time data-fact="settings-since" datetime="2026-05-20T01:02:03.004Z">2026-05-20 09:02<\/time>）起适用，此前记录的预警按当时的设置产生。/)
  const en = sealView.render({ lang: 'en', entries, actors: ACTORS, params })
  t.match(en, 'These settings apply from entry #412')
  t.notMatch(render(entries, claims(['a-1'])), '#412', 'without it, nothing said')
})
