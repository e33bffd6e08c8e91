// The `tracechain` command end to end: the built CLI in its own processes against a real node on
// 127.0.0.1 (real LevelDB, real keys and signatures). DESIGN.md, sections "Genesis" and "CLI".

import t from 'tap'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { getCheckpoint, getJson, runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { onlineDiscardMount } from '../../src/store/mount-options.js'

/** Mode bits of a file (0600 for a key file). */
const modeOf = (path: string) => statSync(path).mode & 0o777

interface KeyFileJson {
  keyid: string
  publicKey: string
  privateKey: string
}
const readKey = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as KeyFileJson
/** keyid = lowercase hex of the first 8 bytes of SHA-256(raw public key), computed here, not by src/. */
const keyIdFor = (publicKeyBase64: string) => createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 16)

async function treeSize(url: string): Promise<number> {
  return (await getCheckpoint(url)).size
}

/** stdout lines of `submit`, one JSON result per envelope. */
const results = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { seq?: number; leafHash?: string; statusCode?: number; code?: string })

t.test('init writes both keys 0600 and the genesis, and refuses a second init', async (t) => {
  const dir = join(testDir(t), 'node')
  const first = await runCli(['init', '--dir', dir, '--origin', 'tracechain.test/cli'])
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /initialised .*\n\s+origin tracechain\.test\/cli\n\s+log key tracechain\.test\/cli\+[0-9a-f]{8}\+/)
  for (const name of ['node.json', 'operator.json']) {
    const path = join(dir, 'keys', name)
    t.equal(modeOf(path), 0o600, `keys/${name} is 0600`)
    const key = readKey(path)
    t.equal(key.keyid, keyIdFor(key.publicKey), `keys/${name} keyid is SHA-256(public key)[0:8]`)
    t.equal(Buffer.from(key.privateKey, 'base64').length, 32, `keys/${name} holds a 32-byte seed`)
  }
  t.not(readKey(join(dir, 'keys', 'node.json')).publicKey, readKey(join(dir, 'keys', 'operator.json')).publicKey, 'node key and operator key differ')
  const keysBefore = readFileSync(join(dir, 'keys', 'operator.json'), 'utf8')

  const second = await runCli(['init', '--dir', dir])
  t.not(second.code, 0, 'a second init fails')
  t.match(second.stderr, /ALREADY_INITIALISED/)
  t.equal(readFileSync(join(dir, 'keys', 'operator.json'), 'utf8'), keysBefore, 'the keys are left alone')

  // The genesis entry is there and audits clean: one entry, the operator registering itself.
  const verify = await runCli(['verify', '--dir', dir])
  t.equal(verify.code, 0, verify.stdout + verify.stderr)
  t.match(verify.stdout, /^ok: 1 entries verified; size 1; root [0-9a-f]{64}/)
})

t.test('keygen writes a 0600 key file and refuses to overwrite one', async (t) => {
  const out = join(testDir(t), 'farm.json')
  const first = await runCli(['keygen', '--out', out])
  t.equal(first.code, 0, first.stderr)
  t.equal(modeOf(out), 0o600)
  const key = readKey(out)
  t.same(JSON.parse(first.stdout), { keyid: key.keyid, publicKey: key.publicKey }, 'prints the public half only')
  t.equal(key.keyid, keyIdFor(key.publicKey))
  t.notMatch(first.stdout, key.privateKey, 'the seed is not printed')

  const again = await runCli(['keygen', '--out', out])
  t.not(again.code, 0, 'an existing key file is not overwritten')
  t.match(again.stderr, /BAD_REQUEST/)
  t.same(readKey(out), key, 'the key file is unchanged')

  const forced = await runCli(['keygen', '--out', out, '--force'])
  t.equal(forced.code, 0, forced.stderr)
  t.not(readKey(out).publicKey, key.publicKey, '--force writes a new key')
  t.equal(modeOf(out), 0o600)
})

t.test('sign and submit against a live node: register an actor, its statement, a repeat, refusals', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  t.equal((await runCli(['init', '--dir', dir])).code, 0)
  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  const operatorKey = join(dir, 'keys', 'operator.json')
  const farmKey = join(root, 'farm.json')
  t.equal((await runCli(['keygen', '--out', farmKey])).code, 0)
  const farm = readKey(farmKey)

  // The operator registers the farm: sign prints the envelope, submit appends it.
  writeFileSync(join(root, 'register.json'), JSON.stringify({ id: 'farm-e2e', name: 'E2E Farm', roles: ['farm'], publicKey: farm.publicKey }))
  const signed = await runCli([
    'sign', '--key', operatorKey, '--type', 'actor.register', '--actor', 'operator', '--id', 'register-farm-e2e',
    '--issued-at', '2024-05-01T07:00:00.000Z', '--body', join(root, 'register.json'),
  ])
  t.equal(signed.code, 0, signed.stderr)
  const registration = JSON.parse(signed.stdout) as { payloadType: string; payload: string; signatures: { keyid: string }[] }
  t.equal(registration.payloadType, 'application/vnd.tracechain.statement+json')
  t.same(registration.signatures.map((s) => s.keyid), [readKey(operatorKey).keyid])
  writeFileSync(join(root, 'register.envelope.json'), signed.stdout)
  const registered = await runCli(['submit', '--url', node.url, join(root, 'register.envelope.json')])
  t.equal(registered.code, 0, registered.stdout + registered.stderr)
  const [reg] = results(registered.stdout)
  t.equal(reg.seq, 1, 'the first entry after the genesis')
  t.match(reg.leafHash, /^[0-9a-f]{64}$/)
  const { actor: farmActor } = await getJson<{ actor: { roles: string[]; keys: { publicKey: string }[]; seqs: number[] } }>(`${node.url}/v1/actors/farm-e2e`)
  t.match(farmActor, { roles: ['farm'], keys: [{ publicKey: farm.publicKey }], seqs: [1] }, 'the farm is registered with its key')

  // The farm signs its own statement (a whole statement file this time, read from stdin) and submits it from stdin.
  const product = {
    type: 'food.product',
    actor: 'farm-e2e',
    id: 'product-rice',
    issuedAt: '2024-05-01T07:01:00.000Z',
    body: { gtin: '06901234000016', name: { zh: '大米', en: 'Rice' } },
  }
  const productSigned = await runCli(['sign', '--key', farmKey, '--statement', '-'], { input: JSON.stringify(product) })
  t.equal(productSigned.code, 0, productSigned.stderr)
  const envelope = JSON.parse(productSigned.stdout) as { payload: string; signatures: { keyid: string }[] }
  t.same(envelope.signatures.map((s) => s.keyid), [farm.keyid], 'signed by the farm key')
  t.same(JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')), product, 'the payload is the statement')
  const submitted = await runCli(['submit', '--url', node.url, '-'], { input: productSigned.stdout })
  t.equal(submitted.code, 0, submitted.stdout + submitted.stderr)
  const [accepted] = results(submitted.stdout)
  t.equal(accepted.seq, 2)
  const stored = await getJson<{ entry: { seq: number; envelope: unknown }; leafHash: string }>(`${node.url}/v1/entries/2`)
  t.equal(stored.leafHash, accepted.leafHash, 'the node stores what it acknowledged')
  t.same(stored.entry.envelope, envelope, 'the envelope as signed')

  // A retry of the same bytes is answered with the first seq and appends nothing.
  writeFileSync(join(root, 'product.envelope.json'), productSigned.stdout)
  const repeat = await runCli(['submit', '--url', node.url, join(root, 'product.envelope.json')])
  t.equal(repeat.code, 0)
  t.same(results(repeat.stdout), [{ seq: 2, leafHash: accepted.leafHash }])
  t.equal(await treeSize(node.url), 3)

  // Refused: a farm may not register actors. Exit 1 and the code on stdout.
  writeFileSync(join(root, 'rogue.json'), JSON.stringify({ id: 'rogue', name: 'Rogue', roles: ['admin'], publicKey: farm.publicKey }))
  const rogue = await runCli([
    'sign', '--key', farmKey, '--type', 'actor.register', '--actor', 'farm-e2e', '--id', 'rogue', '--body', join(root, 'rogue.json'),
  ])
  t.equal(rogue.code, 0)
  writeFileSync(join(root, 'rogue.envelope.json'), rogue.stdout)
  const refused = await runCli(['submit', '--url', node.url, join(root, 'rogue.envelope.json')])
  t.equal(refused.code, 1, 'a refused statement exits 1')
  t.match(results(refused.stdout), [{ statusCode: 403, code: 'ROLE_FORBIDDEN' }])

  // Same actor and id, other bytes: refused; in an NDJSON file beside a good one, which still goes in.
  const conflicting = await runCli(['sign', '--key', farmKey, '--statement', '-'], {
    input: JSON.stringify({ ...product, body: { ...product.body, name: 'Other rice' } }),
  })
  const other = await runCli(['sign', '--key', farmKey, '--statement', '-'], {
    input: JSON.stringify({ ...product, id: 'product-tea', body: { gtin: '06901234000023', name: 'Tea' } }),
  })
  writeFileSync(join(root, 'mixed.ndjson'), conflicting.stdout + other.stdout)
  const mixed = await runCli(['submit', '--url', node.url, join(root, 'mixed.ndjson')])
  t.equal(mixed.code, 1, 'one refusal in a file exits 1')
  t.match(results(mixed.stdout), [{ statusCode: 409, code: 'STATEMENT_ID_CONFLICT' }, { seq: 3 }], 'one line per envelope, in order')
  t.equal(await treeSize(node.url), 4)

  // A statement signed by a key the registry does not know for that actor.
  const strangerKey = join(root, 'stranger.json')
  t.equal((await runCli(['keygen', '--out', strangerKey])).code, 0)
  const forged = await runCli(['sign', '--key', strangerKey, '--statement', '-'], { input: JSON.stringify({ ...product, id: 'forged' }) })
  const forgedSubmit = await runCli(['submit', '--url', node.url, '-'], { input: forged.stdout })
  t.equal(forgedSubmit.code, 1)
  t.match(results(forgedSubmit.stdout), [{ code: /^[A-Z_]+$/ }])
  t.notMatch(forgedSubmit.stdout, /"seq"/, 'nothing appended for a stranger')
  t.equal(await treeSize(node.url), 4)
})

t.test('serve on an empty directory initialises it', async (t) => {
  const root = testDir(t)
  for (const dir of [join(root, 'new'), join(root, 'empty')]) {
    if (dir.endsWith('empty')) mkdirSync(dir)
    const node = await startNode({ dir, args: ['--origin', 'tracechain.test/fresh'] })
    t.teardown(() => node.stop())
    t.match(node.output(), /initialised a new node in /)
    // A data directory on a filesystem that discards online is named in a warning (store/mount-options.ts).
    const discard = onlineDiscardMount(dir)
    if (discard) t.match(node.output(), `  warning     ${discard.mountPoint} (${discard.fsType}) is mounted with online discard`)
    else t.notMatch(node.output(), /warning/, 'no warning where the filesystem does not discard online')
    t.equal(modeOf(join(dir, 'keys', 'node.json')), 0o600)
    t.equal(modeOf(join(dir, 'keys', 'operator.json')), 0o600)
    const note = await (await fetch(`${node.url}/v1/checkpoint`)).text()
    t.match(note, /^tracechain\.test\/fresh\n1\n[A-Za-z0-9+/]{43}=\n\n— tracechain\.test\/fresh /, 'a size-1 checkpoint: the genesis')
    const genesis = await getJson<{ entry: { seq: number; prev: string; envelope: { payload: string } } }>(`${node.url}/v1/entries/0`)
    const statement = JSON.parse(Buffer.from(genesis.entry.envelope.payload, 'base64').toString('utf8'))
    t.match(statement, { type: 'actor.register', actor: 'operator', id: 'operator', body: { roles: ['admin'] } })
    t.equal(statement.body.publicKey, readKey(join(dir, 'keys', 'operator.json')).publicKey, 'the operator key on disk registers itself')
    t.equal(genesis.entry.prev, '0'.repeat(64))
    t.equal(await node.stop(), 0, 'SIGTERM closes it cleanly')
    // A restart opens what it made, with the same log key.
    const again = await startNode({ dir })
    t.teardown(() => again.stop())
    t.notMatch(again.output(), /initialised/)
    t.equal(await (await fetch(`${again.url}/v1/checkpoint`)).text(), note, 'same checkpoint after a restart')
    await again.stop()
  }
})

t.test('demo seeds a node over HTTP, and a second run appends nothing', async (t) => {
  const dir = join(testDir(t), 'node')
  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  t.equal(await treeSize(node.url), 1)
  const first = await runCli(['demo', '--url', node.url, '--dir', dir])
  t.equal(first.code, 0, first.stderr)
  const counts = /demo: (\d+) statements, (\d+) appended, (\d+) already there, (\d+) refused/.exec(first.stdout)
  t.ok(counts, first.stdout)
  const [total, appended, there, refused] = (counts as RegExpExecArray).slice(1).map(Number)
  t.ok(total > 10, `${total} example statements`)
  t.same({ appended, there, refused }, { appended: total, there: 0, refused: 0 }, first.stderr)
  const size = await treeSize(node.url)
  t.equal(size, 1 + total)
  const checkpoint = await (await fetch(`${node.url}/v1/checkpoint`)).text()

  const second = await runCli(['demo', '--url', node.url, '--dir', dir])
  t.equal(second.code, 0, second.stderr)
  t.match(second.stdout, `demo: ${total} statements, 0 appended, ${total} already there, 0 refused`)
  t.equal(await treeSize(node.url), size, 'no new entries')
  t.equal(await (await fetch(`${node.url}/v1/checkpoint`)).text(), checkpoint, 'the same signed checkpoint')

  const verify = await runCli(['verify', '--url', node.url])
  t.equal(verify.code, 0, verify.stdout + verify.stderr)
  t.match(verify.stdout, `ok: ${size} entries verified; size ${size}`)
})

t.test('a URL flag that is not an http(s) URL is refused by name, and a node out of reach is said in one line', async (t) => {
  const root = testDir(t)
  const key = 'tracechain.local/node+370b113f+AaQx3Dg9THmYUZCD5jYpLlO+Rbegd82JURmRu6hkKVtS'
  const cases: [string[], RegExp][] = [
    [['verify', '--url', 'not-a-url'], /--url must be an absolute http\(s\) URL, got "not-a-url"/],
    [['verify', '--url', 'ftp://127.0.0.1/'], /--url must be an absolute http\(s\) URL/],
    [['bundle', '--url', 'nope', '--seq', '1', '--out', join(root, 'b.json')], /--url must be/],
    [['export', 'fsma204', '--url', 'nope'], /--url must be/],
    [['submit', '--url', 'nope', join(root, 'none.json')], /--url must be/],
    [['demo', '--url', 'nope', '--operator-key', join(root, 'none.json')], /--url must be/],
    [['label', '--id', 'urn:epc:class:lgtin:0614141.107346.2017', '--url', 'nope'], /--url must be/],
    [['mirror', '--from', 'ftp://127.0.0.1/tlog/', '--key', key, '--dir', join(root, 'm1'), '--port', '0'], /--from must be an absolute http\(s\) URL/],
    [['mirror', '--from', 'http://127.0.0.1:1/tlog/', '--primary', 'nope', '--key', key, '--dir', join(root, 'm2'), '--port', '0'], /--primary must be/],
  ]
  for (const [args, said] of cases) {
    const run = await runCli(args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, new RegExp(`^tracechain ${args[0]}: BAD_REQUEST: ${said.source}`), `${args[0]}: named`)
    t.notMatch(run.stderr, /\n\s+at /, `${args[0]}: no stack`)
  }
  t.notOk(existsSync(join(root, 'm1')) || existsSync(join(root, 'm2')), 'no mirror directory made')

  // A port nothing listens on: the address is the user's to fix, said without a stack.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const unreachable = await runCli(['verify', '--url', `http://127.0.0.1:${port}`])
  t.equal(unreachable.code, 2)
  t.match(unreachable.stderr, /^tracechain verify: NODE_UNAVAILABLE: GET http:\/\/127\.0\.0\.1:\d+\/v1\/log\/key: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/)
})

t.test('sign: a key file, body or statement that is not JSON, nests past 64 or is missing is named in one line, without a stack', async (t) => {
  const dir = testDir(t)
  const key = join(dir, 'key.json')
  t.equal((await runCli(['keygen', '--out', key])).code, 0)
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }
  const broken = file('broken.json', '{"a":')
  const deep = file('deep.json', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
  const body = file('body.json', '{"id":"x"}')
  const cases: [string[], RegExp][] = [
    [['--key', broken, '--type', 't', '--actor', 'a', '--id', 'i', '--body', body], /INVALID_JSON: the key file \S+broken\.json is not JSON: /],
    [['--key', key, '--type', 't', '--actor', 'a', '--id', 'i', '--body', broken], /INVALID_JSON: --body \S+broken\.json is not JSON: /],
    [['--key', key, '--type', 't', '--actor', 'a', '--id', 'i', '--body', deep], /INVALID_JSON: --body \S+deep\.json nests arrays and objects deeper than 64/],
    [['--key', key, '--statement', deep], /INVALID_JSON: --statement \S+deep\.json nests arrays and objects deeper than 64/],
    [['--key', key, '--type', 't', '--actor', 'a', '--id', 'i', '--body', join(dir, 'none.json')], /NOT_FOUND: cannot read \S+none\.json: ENOENT/],
  ]
  for (const [args, said] of cases) {
    const run = await runCli(['sign', ...args])
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, new RegExp(`^tracechain sign: ${said.source}`), said.source)
    t.notMatch(run.stderr, /\n\s+at /, `${said.source}: no stack`)
  }
})

t.test('a path that cannot be read or written is said in one line with its errno code, without a stack', async (t) => {
  const dir = testDir(t)
  const file = join(dir, 'a-file')
  writeFileSync(file, 'not a directory')
  const cases: string[][] = [
    ['init', '--dir', join(file, 'node')],
    ['init', '--dir', file],
    ['keygen', '--out', join(file, 'key.json')],
    ['verify-page', '--out', join(file, 'page')],
    ['epcis', 'hash', join(dir, 'none.json')],
  ]
  for (const args of cases) {
    const run = await runCli(args)
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, new RegExp(`^tracechain ${args[0]}: E[A-Z]+: [^\\n]+\\n$`), `${args.join(' ')}: ${run.stderr.trim()}`)
  }
})

t.test('serve --intake-mib: the statements route holds that much at once; a value under a whole batch is refused before anything is made', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const node = await startNode({ dir, args: ['--intake-mib', '32'] })
  t.teardown(() => node.stop())
  t.match(node.output(), /\n {2}intake {6}32 MiB of request bodies at once, each write route/)
  // A batch of 32 MiB less a byte, short of its end, holds the budget: a small statement beside it is refused.
  const held = httpRequest({ host: '127.0.0.1', port: node.port, method: 'POST', path: '/v1/statements', headers: { 'content-type': 'application/json', 'content-length': 32 * 1024 * 1024 } })
  held.on('error', () => undefined)
  held.write(' '.repeat(32 * 1024 * 1024 - 1))
  await new Promise((resolve) => setTimeout(resolve, 500))
  const beside = await fetch(`${node.url}/v1/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(beside.status, 429)
  t.equal(((await beside.json()) as { code: string }).code, 'BUSY')
  held.destroy()

  for (const [args, env, said] of [
    [['--intake-mib', '8'], {}, /--intake-mib "8" is not a whole number of MiB from 32/],
    [['--intake-mib', '1e3'], {}, /--intake-mib "1e3"/],
    [[], { TRACECHAIN_INTAKE_MIB: '-1' }, /TRACECHAIN_INTAKE_MIB "-1"/],
  ] as const) {
    const fresh = join(root, `refused-${args.length}-${Object.keys(env).length}-${String(said).length}`)
    const run = await runCli(['serve', '--dir', fresh, '--port', '0', ...args], { env })
    t.equal(run.code, 2, `${args.join(' ')} ${JSON.stringify(env)}`)
    t.match(run.stderr, said)
    t.notOk(existsSync(fresh), 'nothing made')
  }
})

t.test('serve --witness-min that is not a whole number, or not 1..the witnesses, is refused before anything is made', async (t) => {
  const root = testDir(t)
  const witnessDir = join(root, 'witness')
  const init = await runCli(['witness', 'init', '--dir', witnessDir, '--name', 'w.example'])
  t.equal(init.code, 0)
  const vkey = /witness key (\S+)/.exec(init.stdout)?.[1] as string
  for (const [min, said] of [
    ['abc', /--witness-min "abc" is not a whole number/],
    ['1.5', /--witness-min "1.5" is not a whole number/],
    ['0', /--witness-min must be 1..1/],
    ['2', /--witness-min must be 1..1/],
  ] as const) {
    const dir = join(root, `node-${min}`)
    const run = await runCli(['serve', '--dir', dir, '--port', '0', '--witness', `http://127.0.0.1:9|w.example|${vkey}`, '--witness-min', min])
    t.equal(run.code, 2, `--witness-min ${min}`)
    t.match(run.stderr, said)
    t.notOk(existsSync(dir), `--witness-min ${min}: nothing made`)
  }
})

t.test('serve and mirror: a port another process holds, or a host not of this machine, is said before anything is made', async (t) => {
  const root = testDir(t)
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())))
  const port = String((taken.address() as AddressInfo).port)
  const logKey = /log key +(\S+)/.exec((await runCli(['init', '--dir', join(root, 'log')])).stdout)?.[1] as string
  const witnessDir = join(root, 'witness')
  t.equal((await runCli(['witness', 'init', '--dir', witnessDir, '--name', 'w.example'])).code, 0)
  const mirror = ['mirror', '--from', 'http://127.0.0.1:9/tlog/', '--key', logKey]
  for (const [args, said] of [
    [['serve', '--host', '127.0.0.1', '--port', port], new RegExp(`cannot listen on 127\\.0\\.0\\.1 --port ${port}: EADDRINUSE`)],
    [['serve', '--host', '127.0.0.1', '--port', '0', '--witness-dir', witnessDir, '--witness-log', logKey, '--witness-port', port], /--witness-port \d+: EADDRINUSE/],
    // TEST-NET-1 (RFC 5737): an address no machine here has.
    [['serve', '--host', '192.0.2.1', '--port', '0'], /cannot listen on 192\.0\.2\.1 --port 0: EADDRNOTAVAIL/],
    [[...mirror, '--host', '127.0.0.1', '--port', port], /EADDRINUSE/],
    [[...mirror, '--host', '192.0.2.1', '--port', '0'], /EADDRNOTAVAIL/],
  ] as const) {
    const dir = join(root, 'made')
    const run = await runCli([...args, '--dir', dir])
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, said)
    t.notOk(existsSync(dir), `${args[0]}: nothing made`)
  }
})

t.test('serve: flags that cannot work are refused before a node is made; one that fails half-started exits and lets go of D', async (t) => {
  const root = testDir(t)
  const file = join(root, 'a-file')
  writeFileSync(file, '')
  const witnessDir = join(root, 'witness')
  t.equal((await runCli(['witness', 'init', '--dir', witnessDir, '--name', 'w.example'])).code, 0)
  for (const [args, env, said] of [
    [['--publish', join(file, 'tree')], {}, /ENOTDIR: not a directory, mkdir/],
    [['--witness-dir', file, '--witness-log', 'x'], {}, /NOT_INITIALISED: --witness-dir .* holds no witness/],
    [['--witness-dir', witnessDir, '--witness-log', 'log.example+00000000+AQ=='], {}, /VERIFIER_KEY_INVALID: --witness-log "log\.example\+00000000\+AQ==": /],
    [['--base-url', 'ftp://trace.example.cn'], {}, /--base-url must be an absolute http\(s\) URL/],
    [[], { TRACECHAIN_BASE_URL: 'javascript:alert(1)' }, /TRACECHAIN_BASE_URL must be an absolute http\(s\) URL/],
    [['--trust-proxy', '10.0.0.0/99'], {}, /--trust-proxy: 10\.0\.0\.0\/99 is no address or CIDR/],
  ] as const) {
    const dir = join(root, 'refused')
    const run = await runCli(['serve', '--dir', dir, '--port', '0', ...args], { env })
    t.equal(run.code, 2, `${args.join(' ')} ${JSON.stringify(env)}`)
    t.match(run.stderr, said)
    t.notOk(existsSync(dir), 'no node made')
  }

  // Its own witness server cannot listen (the port is taken) once the node serves: it used to print the
  // error and keep running. Now it closes what it opened and exits, and D opens again.
  const logKey = /log key +(\S+)/.exec((await runCli(['init', '--dir', join(root, 'other-log')])).stdout)?.[1] as string
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())))
  const port = (taken.address() as AddressInfo).port
  const dir = join(root, 'node')
  const started = Date.now()
  const run = await runCli(['serve', '--dir', dir, '--host', '127.0.0.1', '--port', '0', '--witness-dir', witnessDir, '--witness-log', logKey, '--witness-port', String(port)])
  t.equal(run.code, 2)
  t.match(run.stderr, /EADDRINUSE/)
  t.ok(Date.now() - started < 30_000, 'it exits by itself')
  const again = await startNode({ dir })
  t.teardown(() => again.stop())
  t.equal((await fetch(`${again.url}/v1/checkpoint`)).status, 200, 'the store was let go of')
})
