// `tracechain bundle` and `tracechain verify --bundle` end to end: the built CLI downloads a lot (by Digital
// Link and by EPC URN), an entry and a seal application from a live seeded node, then verifies each file with
// the log key alone, the node stopped, and says what it proves; a wrong key, a tampered file, a file that is no
// bundle exit 1 naming the check; bad arguments and refusals exit 2 with the node's code.

import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { formatWitnessVerifierKey } from '../../src/core/cosignature.js'
import { newSigner } from '../helpers/ledger.js'
import { formatVerifierKey } from '../../src/core/signed-note.js'
import { MAX_BUNDLE_BYTES } from '../../src/core/proof-bundle.js'
import { hostileServer } from '../helpers/hostile-server.js'
import { runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const ZONGZI = '06901234001037'
const LOT = 'Z260526A'

t.test('download, then verify offline with the log key: what each bundle proves, in words', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const file = (name: string) => join(dir, name)

  const byLink = await runCli(['bundle', '--url', node.url, '--id', `https://id.gs1.org/01/${ZONGZI}/10/${LOT}`, '--out', file('lot.json')])
  t.equal(byLink.code, 0, byLink.stderr)
  t.match(byLink.stdout, new RegExp(`^wrote .*lot\\.json: lot ${LOT} of GTIN ${ZONGZI} \\(https://id\\.gs1\\.org/01/${ZONGZI}/10/${LOT}\\), \\d+ entries and \\d+ registry entries`))
  const byUrn = await runCli(['bundle', '--url', node.url, '--id', `urn:epc:class:lgtin:6901234.000103.${LOT}`, '--out', file('lot-urn.json')])
  t.equal(byUrn.code, 0, byUrn.stderr)
  t.same(JSON.parse(readFileSync(file('lot-urn.json'), 'utf8')).about, JSON.parse(readFileSync(file('lot.json'), 'utf8')).about, 'an EPC URN names the same lot')
  t.equal((await runCli(['bundle', '--url', node.url, '--seq', '3', '--out', file('entry.json')])).code, 0)
  t.equal((await runCli(['bundle', '--url', node.url, '--application', 'YQ-2026-001', '--out', file('application.json')])).code, 0)
  await node.stop()

  const lot = await runCli(['verify', '--bundle', file('lot.json'), '--key', key])
  t.equal(lot.code, 0, lot.stdout + lot.stderr)
  t.match(lot.stdout, new RegExp(`^VERIFIED: proof bundle of lot ${LOT} of GTIN ${ZONGZI}`))
  t.match(lot.stdout, /\n {2}checkpoint {2}size \d+, root [A-Za-z0-9+/]+=*, signed by that key\n/)
  t.match(lot.stdout, /#\d+ {2}food\.event {2}ObjectEvent · commissioning/, 'its events, what each says')
  t.match(lot.stdout, /\n {10}by .*\(farm-anji-01\), signed 2026-/, 'by whom, when')
  t.match(lot.stdout, /keys {8}established from \d+ registry entries, back to entry 0: .*operator \(registered at #0\)/)
  t.match(lot.stdout, /none was left out/, 'what the proofs cannot show')

  const entry = await runCli(['verify', '--bundle', file('entry.json'), '--key', key])
  t.equal(entry.code, 0, entry.stdout)
  t.match(entry.stdout, /^VERIFIED: proof bundle of entry 3\n/)
  const application = await runCli(['verify', '--bundle', file('application.json'), '--key', key])
  t.equal(application.code, 0, application.stdout)
  t.match(application.stdout, /^VERIFIED: proof bundle of application YQ-2026-001 to use seal yiqiao-committee-seal\n/)
  t.match(application.stdout, /seal\.use {2}.*YQ-2026-001 · 2 copies/)
})

t.test('verify --bundle: exit 1 naming what failed', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const good = join(dir, 'lot.json')
  t.equal((await runCli(['bundle', '--url', node.url, '--id', `/01/${ZONGZI}/10/${LOT}`, '--out', good])).code, 0)
  await node.stop()

  const otherKey = formatVerifierKey(key.split('+')[0], newSigner().publicKey)
  const wrongKey = await runCli(['verify', '--bundle', good, '--key', otherKey])
  t.equal(wrongKey.code, 1)
  t.match(wrongKey.stdout, /^FAILED: .*could not be checked\n {2}what failed:\n {4}bundle-key: the bundle is of log key /)

  const bundle = JSON.parse(readFileSync(good, 'utf8')) as { about: { seqs: number[] }; entries: { seq: number; leaf: string }[] }
  const target = bundle.entries.find((e) => e.seq === bundle.about.seqs[0])!
  const entry = JSON.parse(Buffer.from(target.leaf, 'base64').toString('utf8')) as { recordedAt: string }
  entry.recordedAt = '2020-01-01T00:00:00.000Z'
  target.leaf = Buffer.from(JSON.stringify(entry)).toString('base64')
  const tampered = join(dir, 'tampered.json')
  writeFileSync(tampered, JSON.stringify(bundle))
  const back = await runCli(['verify', '--bundle', tampered, '--key', key])
  t.equal(back.code, 1)
  t.match(back.stdout, /^FAILED: proof bundle of lot /)
  t.match(back.stdout, new RegExp(`#${target.seq} {2}did not verify`))
  t.match(back.stdout, new RegExp(`what failed:\\n {4}inclusion \\(entry ${target.seq}\\): PROOF_INVALID`))

  const notJson = join(dir, 'not.json')
  writeFileSync(notJson, 'hello')
  const garbage = await runCli(['verify', '--bundle', notJson, '--key', key])
  t.equal(garbage.code, 1)
  t.match(garbage.stdout, /bundle: .* is not JSON/)
  const missing = await runCli(['verify', '--bundle', join(dir, 'nope.json'), '--key', key])
  t.equal(missing.code, 2, 'a file that is not there is an error, not a failed proof')
  t.match(missing.stderr, /NOT_FOUND: cannot read/)
  const withWitness = await runCli(['verify', '--bundle', good, '--key', key, '--witness', formatWitnessVerifierKey('witness.test/w1', new Uint8Array(32).fill(5))])
  t.equal(withWitness.code, 1, 'a witness policy the bundle does not meet fails it')
  t.match(withWitness.stdout, /WITNESS_POLICY_UNMET: the checkpoint is cosigned by 0 of the 1 witnesses given/)
  // A file longer than any bundle may be (sparse: no disk) is refused unread, not read into memory.
  const huge = join(dir, 'huge.json')
  const fd = openSync(huge, 'w')
  ftruncateSync(fd, 4 * 1024 * 1024 * 1024)
  closeSync(fd)
  const tooLong = await runCli(['verify', '--bundle', huge, '--key', key])
  t.equal(tooLong.code, 1, tooLong.stderr)
  t.match(tooLong.stdout, `huge.json is 4294967296 bytes, over the ${MAX_BUNDLE_BYTES} a bundle may be`)
  const noKey = await runCli(['verify', '--bundle', good])
  t.equal(noKey.code, 2)
  t.match(noKey.stderr, /BAD_REQUEST: --key is required/)
})

t.test('bundle: bad arguments and refusals exit 2 with a code', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const out = join(dir, 'x.json')
  const cases: [string[], RegExp][] = [
    [['--seq', 'abc'], /BAD_REQUEST: --seq must be/],
    [['--seq', '1', '--id', `/01/${ZONGZI}/10/${LOT}`], /BAD_REQUEST: bundle needs exactly one of/],
    [[], /BAD_REQUEST: bundle needs exactly one of/],
    [['--id', `/01/${ZONGZI}`], /BAD_REQUEST: --id must name a lot/],
    [['--id', 'not a lot'], /IDENTIFIER_INVALID/],
    [['--id', `/01/${ZONGZI}/10/NO-SUCH-LOT`], /NOT_FOUND: 404 from /],
    [['--seq', '99999'], /ENTRY_NOT_FOUND: 404 from /],
    [['--application', 'NOPE'], /SEAL_NOT_FOUND: 404 from /],
  ]
  for (const [args, stderr] of cases) {
    const run = await runCli(['bundle', '--url', node.url, ...args, '--out', out])
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, stderr, args.join(' '))
  }
})

t.test('bundle --url: a node that sends without end is read no further than a bundle may be, and nothing is written', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const lotPath = `/01/${ZONGZI}/10/${LOT}`
  for (const hostility of ['endless', 'bomb'] as const) {
    const copy = await hostileServer(t, (path) => `${node.url}${path}`, (path) => (path === lotPath ? hostility : undefined), 1024 * 1024 * 1024)
    const out = join(dir, `${hostility}.json`)
    const run = await runCli(['bundle', '--url', copy.url, '--id', lotPath, '--out', out])
    t.equal(run.code, 2, `${hostility}: ${run.stderr}`)
    t.match(run.stderr, `BODY_TOO_LARGE: GET ${copy.url}${lotPath}: the node sent more than the ${MAX_BUNDLE_BYTES} bytes its answer can hold; nothing was kept`)
    t.notOk(existsSync(out), `${hostility}: no file`)
    if (hostility === 'endless') t.ok(copy.sent() < MAX_BUNDLE_BYTES + 16 * 1024 * 1024, `${copy.sent()} bytes sent of the 1 GiB the copy would send`)
  }
})
