// serve's settings through the real CLI: the split-contract threshold and window, the seal zone and off
// hours and the late-record window are kept in D/settings.json, shown at GET /v1/settings, and used: a node
// started with a lower threshold raises SPLIT_CONTRACT for applications that a node with the default does
// not flag, and still does after a restart told nothing. Bad values are refused before anything opens.
// A mirror takes the same flags: given its node's, it raises the node's alerts; its banner says when its
// settings are not its primary's.

import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import type { Signer } from '../../src/core/keys.js'
import { newSigner } from '../helpers/ledger.js'
import { appendAll, getJson, runCli, startMirror, startNode, until, type NodeProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const SHA = 'd'.repeat(64)
// Three near-duplicate road contracts, 51000 CNY together: under the default threshold (100000), over 50000.
const ROADS: [string, string, number][] = [
  ['sp-1', '义桥村北段道路修复工程合同', 18000],
  ['sp-2', '义桥村道路修复（南段）施工合同', 17000],
  ['sp-3', '义桥村中段道路维修工程合同', 16000],
]

/** The village's registrations, its seal and the three applications, signed now. */
function story(operator: Signer): Envelope[] {
  const clerk = newSigner()
  let n = 0
  const now = new Date().toISOString()
  const signed = (type: string, actor: string, body: Record<string, unknown>, signer: Signer) =>
    buildStatementEnvelope({ type, actor, id: `settings-${++n}`, issuedAt: now, body }, [signer])
  const member = (id: string, signer: Signer) => signed('actor.register', 'operator', { id, name: id, roles: ['member'], org: 'yiqiao-village', publicKey: toBase64(signer.publicKey) }, operator)
  return [
    member('clerk', clerk),
    member('director', newSigner()),
    member('custodian', newSigner()),
    signed('seal.register', 'operator', { sealId: 'yiqiao-seal', org: 'yiqiao-village', name: { zh: '义桥村村民委员会公章' }, custodian: 'custodian', approvers: ['director'] }, operator),
    ...ROADS.map(([applicationId, title, amount]) =>
      signed('seal.apply', 'clerk', { applicationId, sealId: 'yiqiao-seal', title, amount, budget: amount, purpose: '道路修复施工合同盖章', copies: 2, document: { name: `${applicationId}.pdf`, sha256: SHA } }, clerk),
    ),
  ]
}

interface Settings {
  lateRecordHours: number
  domains: { seal: { collectiveThreshold: number; splitWindowDays: number; zoneOffset: string; offHoursFrom: number; offHoursTo: number } }
}

const splits = async (url: string) => (await getJson<{ alerts: { applicationIds?: string[] }[] }>(`${url}/v1/alerts?kind=SPLIT_CONTRACT`)).alerts

t.test('a lower split threshold raises SPLIT_CONTRACT where the default does not; the settings survive a restart', async (t) => {
  const root = testDir(t)
  const lowered = join(root, 'lowered')
  const flags = ['--split-threshold', '50000', '--split-window-days', '30', '--zone', '+07:00', '--off-hours', '21-7', '--late-record-hours', '12']
  const node = await startNode({ dir: lowered, args: flags })
  t.teardown(() => node.stop())
  const shown = await getJson<Settings>(`${node.url}/v1/settings`)
  t.equal(shown.lateRecordHours, 12)
  t.match(shown.domains.seal, { collectiveThreshold: 50000, splitWindowDays: 30, zoneOffset: '+07:00', offHoursFrom: 21, offHoursTo: 7, splitMinApplications: 3 })
  t.same(JSON.parse(readFileSync(join(lowered, 'settings.json'), 'utf8')), { lateRecordHours: 12, seal: { collectiveThreshold: 50000, splitWindowDays: 30, zoneOffset: '+07:00', offHoursFrom: 21, offHoursTo: 7 } })
  await appendAll(node.url, story(readKeyFile(join(lowered, 'keys', 'operator.json'))))
  const found = await splits(node.url)
  t.equal(found.length, 1, 'the three contracts are a split under 50000')
  t.same(found[0].applicationIds, ['sp-1', 'sp-2', 'sp-3'])

  const standard = join(root, 'standard')
  const other = await startNode({ dir: standard })
  t.teardown(() => other.stop())
  t.match((await getJson<Settings>(`${other.url}/v1/settings`)).domains.seal, { collectiveThreshold: 100000, splitWindowDays: 90, zoneOffset: '+08:00', offHoursFrom: 22, offHoursTo: 6 })
  t.equal((await getJson<Settings>(`${other.url}/v1/settings`)).lateRecordHours, 24)
  await appendAll(other.url, story(readKeyFile(join(standard, 'keys', 'operator.json'))))
  t.same(await splits(other.url), [], 'under the default threshold they are not')
  t.notOk(existsSync(join(standard, 'settings.json')), 'no flags, nothing to keep')
  await other.stop()

  await node.stop()
  const again = await startNode({ dir: lowered })
  t.teardown(() => again.stop())
  t.match((await getJson<Settings>(`${again.url}/v1/settings`)).domains.seal, { collectiveThreshold: 50000, zoneOffset: '+07:00' }, 'kept across the restart')
  t.equal((await getJson<Settings>(`${again.url}/v1/settings`)).lateRecordHours, 12)
  await again.stop()
  const changed = await startNode({ dir: lowered, args: ['--split-threshold', '80000'] })
  t.teardown(() => changed.stop())
  t.match((await getJson<Settings>(`${changed.url}/v1/settings`)).domains.seal, { collectiveThreshold: 80000, splitWindowDays: 30 }, 'one flag changes one setting')
  const bad = await fetch(`${changed.url}/v1/settings?x=1`)
  t.equal(bad.status, 400)
  t.equal(((await bad.json()) as { code: string }).code, 'BAD_REQUEST')
})

t.test('bad values are refused, naming the flag, before anything opens', async (t) => {
  const root = testDir(t)
  const cases: [string[], RegExp][] = [
    [['--split-threshold', '0'], /--split-threshold/],
    [['--split-threshold', 'lots'], /--split-threshold "lots" is not a number/],
    [['--split-threshold', '1e3'], /--split-threshold "1e3" is not a number/],
    [['--split-window-days', '0x10'], /--split-window-days "0x10" is not a number/],
    [['--late-record-hours', ''], /--late-record-hours "" is not a number/],
    [['--split-window-days', '-1'], /--split-window-days/],
    [['--zone', '8'], /--zone/],
    [['--off-hours', '22'], /--off-hours/],
    [['--off-hours', '25-6'], /--off-hours/],
  ]
  for (const [i, [args, named]] of cases.entries()) {
    const dir = join(root, `bad-${i}`)
    const run = await runCli(['serve', '--dir', dir, '--port', '0', ...args])
    t.not(run.code, 0, args.join(' '))
    t.match(run.stderr, named)
    t.notOk(existsSync(join(dir, 'node.json')), 'nothing made')
  }
})

const FLAGS = ['--split-threshold', '50000', '--split-window-days', '30', '--zone', '+07:00', '--off-hours', '21-7', '--late-record-hours', '12']

async function caughtUp(mirror: NodeProcess, size: number): Promise<void> {
  await until(`the mirror at size ${size}`, async () => ((await getJson<{ size: number }>(`${mirror.url}/healthz`)).size >= size) || undefined)
}

t.test("a mirror given its node's settings raises the node's alerts, keeps them, and says when they are not its primary's", async (t) => {
  const root = testDir(t)
  const node = await startNode({ dir: join(root, 'node'), args: FLAGS })
  t.teardown(() => node.stop())
  await appendAll(node.url, story(readKeyFile(join(root, 'node', 'keys', 'operator.json'))))
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const { size } = await getJson<{ size: number }>(`${node.url}/healthz`)
  const from = `${node.url}/tlog/`
  t.equal((await splits(node.url)).length, 1, 'the node, under 50000, finds the split')

  // Given nothing, a mirror judges with the defaults: no split. Its banner says so before anyone compares.
  const plain = await startMirror({ dir: join(root, 'plain'), from, key })
  t.teardown(() => plain.stop())
  await caughtUp(plain, size)
  t.same(await splits(plain.url), [], 'with the default threshold, no split')
  const line = await until("the banner's settings", async () => /\n {2}settings {4}(.*)\n/.exec(plain.output())?.[1])
  t.match(line, /^differ from the primary's \(its \/v1\/settings\): lateRecordHours 24 here, 12 there; seal.collectiveThreshold 100000 here, 50000 there; /)
  t.match(line, /seal.zoneOffset \+08:00 here, \+07:00 there/)

  // Given the node's flags, it answers as the node does.
  const same = await startMirror({ dir: join(root, 'same'), from, key, args: FLAGS })
  t.teardown(() => same.stop())
  await caughtUp(same, size)
  t.equal(await until("the banner's settings", async () => /\n {2}settings {4}(.*)\n/.exec(same.output())?.[1]), "the primary's (its /v1/settings)")
  // The seal page says when it was made (its overdue marks are as of then): that apart, the node's page.
  const madeAt = (page: string) => page.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z(?=&quot;|")/g, (iso) => (page.includes(`&quot;now&quot;:&quot;${iso}`) ? 'NOW' : iso)).replace(/>[^<]*\d{2}:\d{2}<\/time> 计/, '>NOW</time> 计').replace(/打印时间 [\d: -]+</, '打印时间 NOW<')
  for (const path of ['/v1/settings', '/v1/alerts', '/v1/alerts?kind=SPLIT_CONTRACT', '/v1/seals', '/seals/yiqiao-seal']) {
    const [mine, theirs] = await Promise.all([fetch(same.url + path), fetch(node.url + path)])
    t.equal(mine.status, 200, path)
    t.equal(madeAt((await mine.text()).replaceAll(same.url, node.url)), madeAt(await theirs.text()), `${path}: the node's answer`)
  }
  t.same(JSON.parse(readFileSync(join(root, 'same', 'settings.json'), 'utf8')), { lateRecordHours: 12, seal: { collectiveThreshold: 50000, splitWindowDays: 30, zoneOffset: '+07:00', offHoursFrom: 21, offHoursTo: 7 } })
  // A primary that does not answer its settings (a CDN's address, say) leaves them unknown, and says so.
  const elsewhere = await startMirror({ dir: join(root, 'elsewhere'), from, key, args: ['--primary', `${node.url}/elsewhere`] })
  t.teardown(() => elsewhere.stop())
  t.match(
    await until("the banner's settings", async () => /\n {2}settings {4}(.*)\n/.exec(elsewhere.output())?.[1]),
    `this mirror's own; the primary's are not known (GET ${node.url}/elsewhere/v1/settings answered 404)`,
  )
  await elsewhere.stop()

  // A primary that answers with escape sequences in its settings' names and values writes none to the terminal.
  const hostile = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ lateRecordHours: 24, domains: { seal: { 'zone\u001b[2J': '\u001b]0;owned\u0007', collectiveThreshold: 100000 } } }))
  })
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => hostile.close(() => resolve())))
  const told = await startMirror({ dir: join(root, 'told'), from, key, args: ['--primary', `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`] })
  t.teardown(() => told.stop())
  const toldLine = await until("the banner's settings", async () => /\n {2}settings {4}(.*)\n/.exec(told.output())?.[1])
  t.match(toldLine, /seal\.zone\?\[2J none here, \?\]0;owned\? there/)
  t.notOk(/[\u0000-\u001f]/.test(toldLine), 'no control character in the line')
  await told.stop()

  await same.stop()
  const again = await startMirror({ dir: join(root, 'same'), from, key })
  t.teardown(() => again.stop())
  t.match((await getJson<Settings>(`${again.url}/v1/settings`)).domains.seal, { collectiveThreshold: 50000, zoneOffset: '+07:00' }, 'kept across a restart told nothing')
  t.equal((await getJson<Settings>(`${again.url}/v1/settings`)).lateRecordHours, 12)
})

t.test('a mirror refuses bad settings before anything opens, naming the flag', async (t) => {
  const root = testDir(t)
  for (const [i, [args, named]] of ([[['--split-threshold', '0'], /--split-threshold/], [['--late-record-hours', '-1'], /--late-record-hours/], [['--off-hours', 'night'], /--off-hours/]] as [string[], RegExp][]).entries()) {
    const dir = join(root, `bad-${i}`)
    const run = await runCli(['mirror', '--dir', dir, '--from', 'http://127.0.0.1:9/tlog/', '--key', 'x+00000000+AAAA', '--port', '0', ...args])
    t.not(run.code, 0, args.join(' '))
    t.match(run.stderr, named)
    t.notOk(existsSync(dir), 'nothing made')
  }
})

t.test('settings changed on a log that holds entries: the node says from which seq, and a mirror says its alerts before it may differ', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const first = await startNode({ dir })
  t.teardown(() => first.stop())
  await appendAll(first.url, story(readKeyFile(join(dir, 'keys', 'operator.json'))))
  const { size } = await getJson<{ size: number }>(`${first.url}/healthz`)
  t.notOk('since' in (await getJson<Settings>(`${first.url}/v1/settings`)), 'in effect since the first entry: no since')
  await first.stop()

  // A flag that names the default changes nothing the rules do.
  const same = await startNode({ dir, args: ['--split-threshold', '100000'] })
  t.teardown(() => same.stop())
  t.notOk('since' in (await getJson<Settings & { since?: unknown }>(`${same.url}/v1/settings`)), 'the default named: no since')
  await same.stop()

  const lowered = await startNode({ dir, args: ['--split-threshold', '50000'] })
  t.teardown(() => lowered.stop())
  const shown = await getJson<Settings & { since?: { seq: number; at: string } }>(`${lowered.url}/v1/settings`)
  t.equal(shown.domains.seal.collectiveThreshold, 50000)
  t.equal(shown.since?.seq, size, 'in effect from the seq the log had reached')
  t.ok(Math.abs(Date.parse(shown.since?.at ?? '') - Date.now()) < 60_000, `at ${shown.since?.at}`)
  t.same(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).rulesSince, shown.since, 'kept in settings.json')
  t.same(await splits(lowered.url), [], 'the applications before it were judged under the default: no split')
  await lowered.stop()
  const again = await startNode({ dir, args: ['--split-threshold', '50000'] })
  t.teardown(() => again.stop())
  t.same((await getJson<{ since?: unknown }>(`${again.url}/v1/settings`)).since, shown.since, 'the same settings again: the same since')
  const sealPage = await (await fetch(`${again.url}/seals/yiqiao-seal`)).text()
  t.match(sealPage, `以上设置自第 #${size} 条记录`, 'the seal page says it to the village, not only the API')

  // A new mirror judges every entry under the settings it is given: its alerts before that seq differ, and it says so.
  const key = (await (await fetch(`${again.url}/v1/log/key`)).text()).trim()
  const mirror = await startMirror({ dir: join(root, 'mirror'), from: `${again.url}/tlog/`, key, args: ['--split-threshold', '50000'] })
  t.teardown(() => mirror.stop())
  await caughtUp(mirror, size)
  const line = await until("the banner's settings", async () => /\n {2}settings {4}(.*)\n/.exec(mirror.output())?.[1])
  t.match(line, `the primary's (its /v1/settings); in effect there since seq ${size} (${shown.since?.at}): the primary raised the alerts of the entries before it under earlier settings`)
  t.equal((await splits(mirror.url)).length, 1, 'the mirror finds the split the node, under its settings then, did not')
  t.notOk('since' in (await getJson<Settings>(`${mirror.url}/v1/settings`)), "the mirror's own have been in effect since its first entry")
})
