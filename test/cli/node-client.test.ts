// The CLI's commands that ask a node over HTTP (submit, epcis import, label --url, bundle --url, export,
// verify --url, demo --url) against what sits between a user and a node: a proxy that answers its own error
// page, a node that takes the request and never answers, one that answers a byte at a time, one that answers
// without end, an export that stops halfway. Each stops with one typed line (NODE_UNAVAILABLE or
// BODY_TOO_LARGE), never a parser's stack, within its --timeout, and writes no file; a node's own refusal
// still comes with the node's code. The built CLI in its own process against servers on 127.0.0.1.

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { hostileServer } from '../helpers/hostile-server.js'
import { ROOT, runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const GS1_EXAMPLE = join(ROOT, 'test/fixtures/gs1-epcis/JSON/Example_9.6.1-ObjectEvent.jsonld')
const LOT_ID = 'urn:epc:class:lgtin:6901234.000103.Z260526A'

/** A server on 127.0.0.1 that answers every request with `answer`, for the test's life. */
async function serverAnswering(t: Test, answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(answer)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Every command that asks a node, against `url`, each writing (if it writes) into `dir`. */
async function commandsAsking(t: Test, url: string, dir: string): Promise<string[][]> {
  mkdirSync(join(dir, 'out'))
  const keygen = await runCli(['keygen', '--out', join(dir, 'operator.json')])
  t.equal(keygen.code, 0, keygen.stderr)
  writeFileSync(join(dir, 'envelopes.json'), JSON.stringify({ payloadType: 'application/vnd.tracechain.statement+json', payload: 'e30', signatures: [] }))
  return [
    ['submit', '--url', url, join(dir, 'envelopes.json')],
    ['epcis', 'import', GS1_EXAMPLE, '--key', join(dir, 'operator.json'), '--actor', 'importer', '--url', url],
    ['label', '--url', url, '--id', LOT_ID, '--out', join(dir, 'out', 'label.svg')],
    ['bundle', '--url', url, '--id', LOT_ID, '--out', join(dir, 'out', 'bundle.json')],
    ['export', 'fsma204', '--url', url, '--out', join(dir, 'out', 'export.csv')],
    ['verify', '--url', url],
    ['demo', '--url', url, '--operator-key', join(dir, 'operator.json')],
  ]
}

t.test("a proxy's error page in place of the node: NODE_UNAVAILABLE naming it, no stack, nothing written", async (t) => {
  const dir = testDir(t)
  const url = await serverAnswering(t, (_request, response) => {
    response.writeHead(502, { 'content-type': 'text/html' })
    response.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
  })
  for (const args of await commandsAsking(t, url, dir)) {
    const run = await runCli(args)
    const name = args.slice(0, 2).join(' ')
    t.equal(run.code, 2, `${name}: ${run.stderr}`)
    t.match(run.stderr, new RegExp(`^tracechain ${args[0]}: NODE_UNAVAILABLE: (GET|POST) http://127\\.0\\.0\\.1:\\d+/\\S+ answered 502 Bad Gateway, not the node's answer \\(text/html\\)\\n$`), name)
    t.notMatch(run.stderr, /\n\s+at /, `${name}: no stack`)
  }
  t.same(readdirSync(join(dir, 'out')), [], 'no file written')
})

t.test('a node that takes the request and never answers: each command gives up at --timeout', async (t) => {
  const dir = testDir(t)
  const url = await serverAnswering(t, () => undefined)
  for (const args of await commandsAsking(t, url, dir)) {
    const started = Date.now()
    const run = await runCli([...args, '--timeout', '1'])
    const name = args.slice(0, 2).join(' ')
    t.equal(run.code, 2, `${name}: ${run.stderr}`)
    const said = args[0] === 'export' ? 'no byte came within 1 s' : 'no complete answer within 1 s'
    t.match(run.stderr, new RegExp(`^tracechain ${args[0]}: NODE_UNAVAILABLE: (GET|POST) http://127\\.0\\.0\\.1:\\d+/\\S+: ${said}\\n$`), name)
    // The process's own start (a second or two for the CLI's modules on a busy machine) and the one deadline.
    t.ok(Date.now() - started < 10_000, `${name}: gave up after ${Date.now() - started} ms`)
  }
  t.same(readdirSync(join(dir, 'out')), [], 'no file written')
})

t.test('a node that answers a byte at a time is held to the whole deadline, not to the headers', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const trickle = await hostileServer(t, (path) => node.url + path, (path) => (path.startsWith('/v1/') || path.startsWith('/01/') ? 'trickle' : undefined))
  for (const args of [
    ['verify', '--url', trickle.url],
    ['label', '--url', trickle.url, '--id', LOT_ID, '--out', join(dir, 'label.svg')],
    ['bundle', '--url', trickle.url, '--id', LOT_ID, '--out', join(dir, 'bundle.json')],
  ]) {
    const started = Date.now()
    const run = await runCli([...args, '--timeout', '1.5'])
    t.equal(run.code, 2, `${args[0]}: ${run.stderr}`)
    t.match(run.stderr, /NODE_UNAVAILABLE: GET \S+: no complete answer within 1\.5 s\n$/, args[0])
    t.ok(Date.now() - started < 10_000, `${args[0]}: gave up after ${Date.now() - started} ms`)
  }
  t.notOk(existsSync(join(dir, 'label.svg')) || existsSync(join(dir, 'bundle.json')), 'no file written')
})

t.test('an answer without end is read to its bound: BODY_TOO_LARGE, nothing written', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  for (const hostility of ['endless', 'bomb'] as const) {
    // One copy a command: a bomb's members are a kB each on the wire, so one reader's socket buffers take the whole cap.
    const hostileCopy = () => hostileServer(t, (path) => node.url + path, (path) => (path.startsWith('/v1/labels/') || path.startsWith('/v1/statements') ? hostility : undefined), 1024 * 1024 * 1024)
    let copy = await hostileCopy()
    const out = join(dir, `${hostility}.svg`)
    const label = await runCli(['label', '--url', copy.url, '--id', LOT_ID, '--out', out])
    t.equal(label.code, 2, label.stderr)
    t.match(label.stderr, /^tracechain label: BODY_TOO_LARGE: GET \S+: the node sent more than the 16777216 bytes its answer can hold; nothing was kept\n$/, `label, ${hostility}`)
    t.notOk(existsSync(out), `label, ${hostility}: no file`)
    writeFileSync(join(dir, 'envelopes.json'), '{"payloadType":"x","payload":"e30","signatures":[]}')
    copy = await hostileCopy()
    const submit = await runCli(['submit', '--url', copy.url, join(dir, 'envelopes.json')])
    t.equal(submit.code, 2, submit.stderr)
    t.match(submit.stderr, /^tracechain submit: BODY_TOO_LARGE: POST \S+: the node sent more than the 8388608 bytes/, `submit, ${hostility}`)
    if (hostility === 'endless') t.ok(copy.sent() < 64 * 1024 * 1024, `${copy.sent()} bytes sent of the 1 GiB the copy would send`)
  }
})

t.test('an export the node stops sending halfway leaves no file, and one that completes is written whole', async (t) => {
  const dir = testDir(t)
  const url = await serverAnswering(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/csv' })
    response.write('\ufeffLot,Event\r\n"Z260526A","shipping"\r\n')
  })
  const out = join(dir, 'export.csv')
  const run = await runCli(['export', 'fsma204', '--url', url, '--out', out, '--timeout', '1'])
  t.equal(run.code, 2, run.stderr)
  t.match(run.stderr, /^tracechain export: NODE_UNAVAILABLE: GET \S+: no byte came within 1 s\n$/)
  t.same(readdirSync(dir), [], 'neither the file nor its partial copy')

  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const whole = await runCli(['export', 'fsma204', '--url', node.url, '--out', out, '--timeout', '5'])
  t.equal(whole.code, 0, whole.stderr)
  t.ok(existsSync(out) && !existsSync(`${out}.partial`), 'the file, renamed when whole')
  // A file that cannot be written is this machine's fault, not the node's: said with its errno code.
  const nowhere = await runCli(['export', 'fsma204', '--url', node.url, '--out', join(out, 'x.csv')])
  t.equal(nowhere.code, 2)
  t.match(nowhere.stderr, /^tracechain export: ENOTDIR: not a directory, open '\S+x\.csv\.partial'\n$/)
})

t.test("the node's own refusals keep its code; files of envelopes that are not JSON are named by line", async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const label = await runCli(['label', '--url', node.url, '--id', 'urn:epc:class:lgtin:6901234.000999.X', '--out', join(dir, 'label.svg')])
  t.equal(label.code, 2)
  t.match(label.stderr, /^tracechain label: NOT_FOUND: 404 from http:\/\/127\.0\.0\.1:\d+\/v1\/labels\/\S+: /)
  const verify = await runCli(['verify', '--url', `${node.url}/v1/nowhere`])
  t.equal(verify.code, 2)
  t.match(verify.stderr, /^tracechain verify: NOT_FOUND: 404 from /, 'a wrong path, in the node\'s words')

  const garbled = join(dir, 'garbled.ndjson')
  writeFileSync(garbled, '{"payloadType":"x","payload":"e30","signatures":[]}\n{"payloadType": oops\n')
  const submit = await runCli(['submit', '--url', node.url, garbled])
  t.equal(submit.code, 2)
  t.match(submit.stderr, /^tracechain submit: INVALID_JSON: \S+garbled\.ndjson: line 2 is not JSON/)
  t.notMatch(submit.stderr, /\n\s+at /, 'no stack')
  writeFileSync(join(dir, 'batch.json'), '{"envelopes": 5}')
  const batch = await runCli(['submit', '--url', node.url, join(dir, 'batch.json')])
  t.match(batch.stderr, /^tracechain submit: BAD_REQUEST: \S+batch\.json: a batch's "envelopes" must be a list\n$/)
  const missing = await runCli(['submit', '--url', node.url, join(dir, 'none.json')])
  t.match(missing.stderr, /^tracechain submit: NOT_FOUND: \S+none\.json: cannot read: ENOENT/)
  const badTimeout = await runCli(['submit', '--url', node.url, '--timeout', 'soon', garbled])
  t.match(badTimeout.stderr, /^tracechain submit: BAD_REQUEST: --timeout must be a number of seconds/)
})

t.test('a node busy for a moment (429 or 503 with Retry-After) is asked again when it says; past five tries, or a long wait, its refusal stands', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node') })
  t.teardown(() => node.stop())
  let busyFor = 2
  let retryAfter = '1'
  let asked = 0
  const url = await serverAnswering(t, (request, response) => {
    asked++
    if (busyFor > 0) {
      busyFor--
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter })
      response.end(JSON.stringify({ statusCode: 429, code: 'BUSY', error: 'Too Many Requests', message: 'busy' }))
      return
    }
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', async () => {
      const answer = await fetch(`${node.url}${request.url}`, { method: request.method, headers: { 'content-type': 'application/json' }, ...(request.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) })
      response.writeHead(answer.status, { 'content-type': 'application/json' })
      response.end(Buffer.from(await answer.arrayBuffer()))
    })
  })
  const keygen = await runCli(['keygen', '--out', join(dir, 'farm.json')])
  const publicKey = JSON.parse(keygen.stdout).publicKey as string
  const body = join(dir, 'body.json')
  writeFileSync(body, JSON.stringify({ id: 'farm-busy', name: 'farm-busy', roles: ['farm'], publicKey }))
  const signed = await runCli(['sign', '--key', join(dir, 'node', 'keys', 'operator.json'), '--type', 'actor.register', '--actor', 'operator', '--id', 'farm-busy', '--body', body])
  t.equal(signed.code, 0, signed.stderr)
  const envelopes = join(dir, 'envelopes.json')
  writeFileSync(envelopes, signed.stdout)

  const started = Date.now()
  const patient = await runCli(['submit', '--url', url, envelopes])
  t.equal(patient.code, 0, patient.stderr)
  t.match(patient.stdout, /^\{"seq":1,/, 'appended on the third try')
  t.equal(asked, 3)
  t.ok(Date.now() - started >= 2000, `after the two seconds the node asked for (${Date.now() - started} ms)`)

  busyFor = 10
  asked = 0
  const refused = await runCli(['submit', '--url', url, envelopes])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /^tracechain submit: BUSY: 429 from /, 'five tries, then the refusal')
  t.equal(asked, 5)

  busyFor = 1
  retryAfter = '3600'
  asked = 0
  const long = await runCli(['submit', '--url', url, envelopes, '--timeout', '30'])
  t.match(long.stderr, /BUSY: 429 from /, 'an hour is not waited for')
  t.equal(asked, 1)
})
