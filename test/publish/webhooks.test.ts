// Webhooks against a real receiving HTTP server on 127.0.0.1: signed deliveries a receiver verifies with the
// node's verifier key alone, in the stream's order; failures (503, a refused connection, no answer) retried
// with backoff until they succeed or the limit is reached; a 4xx given up at once; the state visible in GET
// /v1/webhooks and on the console; and a restarted dispatcher going on from its saved cursor.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { toBase64 } from '../../src/core/bytes.js'
import { signEnvelope } from '../../src/core/dsse.js'
import { ALERT_PAYLOAD_TYPE, signAlertDelivery, verifyAlertDelivery, type AlertDelivery } from '../../src/ledger/alert-envelope.js'
import { backoffMs, parseWebhookFlag, WebhookDispatcher, type WebhookStatus, type WebhookTarget, type WebhookTiming } from '../../src/publish/webhooks.js'
import { freePort } from '../helpers/nginx.js'
import { registrations } from '../helpers/node-process.js'
import { makeNode, newSigner, type TestNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const FAST: Partial<WebhookTiming> = { baseDelayMs: 40, maxDelayMs: 200, timeoutMs: 2000, idleCheckMs: 500 }

interface Receiver {
  url: string
  port: number
  /** every request's body, as received, and the status it was answered */
  requests: { body: string; status: number; delivery: string }[]
  close(): Promise<void>
}

/** A receiver on 127.0.0.1 that answers each request with `answer(n)` (n from 1), or holds it when that is 0. */
async function receiver(t: Test, answer: (n: number) => number, port = 0): Promise<Receiver> {
  const requests: Receiver['requests'] = []
  const held: ServerResponse[] = []
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const status = answer(requests.length + 1)
      requests.push({ body: Buffer.concat(chunks).toString('utf8'), status, delivery: String(request.headers['x-tracechain-delivery']) })
      if (status === 0) held.push(response)
      else response.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.address() as AddressInfo).port
  const close = async () => {
    for (const response of held) response.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  t.teardown(close)
  return { url: `http://127.0.0.1:${bound}/hook`, port: bound, requests, close }
}

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Appends `count` registrations signed long ago: each raises one LATE_RECORD. */
async function raiseLateRecords(node: TestNode, tag: string, count: number): Promise<void> {
  for (const envelope of registrations(node.operator, tag, count)) await node.ledger.submit(envelope)
}

function dispatcher(t: Test, node: TestNode, targets: WebhookTarget[], timing: Partial<WebhookTiming> = FAST): WebhookDispatcher {
  const hooks = new WebhookDispatcher({ ledger: node.ledger, store: node.store, nodeSigner: node.nodeSigner, origin: node.config.origin, targets, timing, random: () => 0.5 })
  t.teardown(() => hooks.close())
  return hooks
}

t.test('a delivery verifies with the node verifier key alone; anything else is refused with its code', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const key = node.ledger.verifierKey
  const delivery: AlertDelivery = { origin: node.config.origin, id: 'abc', webhook: '*', sentAt: '2026-12-01T00:00:00.000Z', alert: { kind: 'LATE_RECORD', at: '2026-12-01T00:00:00.000Z', seqs: [3], message: 'late' } }
  const envelope = signAlertDelivery(delivery, node.nodeSigner)
  t.same(verifyAlertDelivery(JSON.parse(JSON.stringify(envelope)), key), delivery)
  t.equal(envelope.payloadType, ALERT_PAYLOAD_TYPE)

  const tampered = { ...envelope, payload: toBase64(canonicalBytes({ ...delivery, alert: { ...delivery.alert, seqs: [4] } })) }
  t.throws(() => verifyAlertDelivery(tampered, key), { code: 'SIGNATURE_INVALID' })
  const other = signAlertDelivery(delivery, newSigner())
  t.throws(() => verifyAlertDelivery(other, key), { code: 'SIGNATURE_MISSING' }, "another key's signature")
  const anotherOrigin = signAlertDelivery({ ...delivery, origin: 'elsewhere.example/node' }, node.nodeSigner)
  t.throws(() => verifyAlertDelivery(anotherOrigin, key), { code: 'SIGNATURE_INVALID' }, 'signed by this key for another origin')
  t.throws(() => verifyAlertDelivery(signEnvelope('application/vnd.in-toto+json', canonicalBytes(delivery), [node.nodeSigner]), key), { code: 'PAYLOAD_TYPE_UNSUPPORTED' })
  t.throws(() => verifyAlertDelivery(signEnvelope(ALERT_PAYLOAD_TYPE, canonicalBytes({ hello: 1 }), [node.nodeSigner]), key), { code: 'BAD_REQUEST' }, 'signed, but not a delivery')
  t.throws(() => verifyAlertDelivery('not an envelope', key), { code: 'BAD_REQUEST' })
  t.throws(() => verifyAlertDelivery(envelope, 'not+a+key'), { code: 'VERIFIER_KEY_INVALID' })
})

t.test('flags and backoff', async (t) => {
  t.same(parseWebhookFlag('SPLIT_CONTRACT=https://example.cn/hook'), { kind: 'SPLIT_CONTRACT', url: 'https://example.cn/hook' })
  t.same(parseWebhookFlag('*=http://127.0.0.1:9/a?token=x'), { kind: '*', url: 'http://127.0.0.1:9/a?token=x' })
  for (const bad of ['SPLIT_CONTRACT', '=http://x/', 'split=http://x/', 'X=ftp://x/', 'X=not a url', 'X=']) {
    t.throws(() => parseWebhookFlag(bad), { code: 'BAD_REQUEST' }, bad)
  }
  const timing = { baseDelayMs: 1000, maxDelayMs: 60_000 }
  t.same([1, 2, 3, 4].map((n) => backoffMs(n, timing, () => 0)), [500, 1000, 2000, 4000], 'doubling, half of it fixed')
  t.same([1, 2, 3, 4].map((n) => backoffMs(n, timing, () => 1)), [1000, 2000, 4000, 8000], 'and up to all of it')
  t.equal(backoffMs(30, timing, () => 1), 60_000, 'capped')
})

t.test('503 twice, then delivered: in order, each verified, the failures counted, the state in GET /v1/webhooks and the console', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const hook = await receiver(t, (n) => (n <= 2 ? 503 : 200))
  const hooks = dispatcher(t, node, [{ kind: 'LATE_RECORD', url: hook.url }])
  await hooks.start()
  await raiseLateRecords(node, 'a', 2)
  await until('two deliveries', () => hook.requests.filter((r) => r.status === 200).length === 2)
  const delivered = hook.requests.map((r) => verifyAlertDelivery(JSON.parse(r.body), node.ledger.verifierKey))
  t.same(hook.requests.map((r) => r.status), [503, 503, 200, 200])
  t.equal(delivered[0].id, delivered[2].id, 'the same alert until it was taken')
  t.equal(hook.requests[0].delivery, delivered[0].id, 'its id in a header too')
  t.ok(delivered[2].id < delivered[3].id || delivered[2].alert.seqs[0] < delivered[3].alert.seqs[0], 'in order')
  t.same(delivered.map((d) => d.alert.kind), ['LATE_RECORD', 'LATE_RECORD', 'LATE_RECORD', 'LATE_RECORD'])
  t.equal(delivered[3].webhook, 'LATE_RECORD')

  // Idle once it has looked for a next alert and found none: right after the second delivery it is still delivering.
  await until('the state saved', async () => {
    const [saved] = await hooks.status()
    return saved.delivered === 2 && saved.state === 'idle'
  })
  const [state] = await hooks.status()
  t.match(state, { kind: 'LATE_RECORD', url: `http://127.0.0.1:${hook.port}/…`, state: 'idle', backlog: 0, delivered: 2, failures: 2, givenUp: 0, attempts: 0 })
  t.match(state.lastFailure, { error: 'HTTP 503', attempt: 2 })
  t.equal(state.lastDelivery?.status, 200)

  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' }, webhooks: hooks })
  t.teardown(() => app.close())
  const listed = await app.inject('/v1/webhooks')
  t.equal(listed.statusCode, 200)
  t.match(listed.json().webhooks[0], { id: state.id, kind: 'LATE_RECORD', delivered: 2, failures: 2, backlog: 0 })
  const bad = await app.inject('/v1/webhooks?secret=1')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'BAD_REQUEST')
  const page = await app.inject({ url: '/console?lang=en', headers: { accept: 'text/html' } })
  t.match(page.body, /<h2 id="webhooks-title">Webhooks<\/h2>/)
  t.match(page.body, new RegExp(`<tr data-webhook="${state.id}" data-state="idle">`))
  t.match(page.body, 'HTTP 503')
  t.notMatch(listed.body + page.body, '/hook', 'a webhook URL shows its scheme and host alone: bot URLs hold their token in the path')
  const none = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(() => none.close())
  t.same((await none.inject('/v1/webhooks')).json(), { webhooks: [] })
  t.notMatch((await none.inject({ url: '/console', headers: { accept: 'text/html' } })).body, /webhooks-title/, 'no section without webhooks')
})

t.test('a refused connection, then the receiver comes up: delivered; a restarted dispatcher sends nothing twice', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const port = await freePort()
  const target = { kind: '*', url: `http://127.0.0.1:${port}/hook` }
  const first = dispatcher(t, node, [target], { ...FAST, baseDelayMs: 300, maxDelayMs: 600 })
  await first.start()
  await raiseLateRecords(node, 'b', 1)
  // Retrying once it has saved the failure and looked at the schedule: right after the failure it is still delivering.
  let failing: WebhookStatus | undefined
  await until('a failed attempt', async () => {
    ;[failing] = await first.status()
    return failing.failures >= 1 && failing.state === 'retrying'
  })
  t.match(failing, { state: 'retrying', backlog: 1, delivered: 0 })
  t.match(failing?.lastFailure?.error, /ECONNREFUSED/)
  t.ok(failing?.nextAttemptAt, 'the next attempt is scheduled')
  const hook = await receiver(t, () => 200, port)
  // The receiver has the request before the dispatcher has its answer; closing between the two aborts the
  // attempt, which then counts as not made and is sent again (at least once). Close once it is recorded.
  await until('the delivery, recorded', async () => hook.requests.length === 1 && (await first.status())[0].delivered === 1)
  await first.close()

  const second = dispatcher(t, node, [target], FAST)
  await second.start()
  await raiseLateRecords(node, 'c', 1)
  await until('the next one', () => hook.requests.length === 2)
  const [a, b] = hook.requests.map((r) => verifyAlertDelivery(JSON.parse(r.body), node.ledger.verifierKey))
  t.not(a.id, b.id, 'the first was not sent again')
  t.match((await second.status())[0], { delivered: 2 })
})

t.test('a 4xx is given up at once; 500s up to the limit; no answer is a failure too', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const refusing = await receiver(t, (n) => (n === 1 ? 410 : 200))
  const failing = await receiver(t, () => 500)
  const silent = await receiver(t, (n) => (n === 1 ? 0 : 200))
  const hooks = dispatcher(t, node, [
    { kind: 'LATE_RECORD', url: refusing.url },
    { kind: 'LATE_RECORD', url: failing.url },
    { kind: 'LATE_RECORD', url: silent.url },
  ], { ...FAST, maxAttempts: 3, timeoutMs: 1500 })
  await hooks.start()
  await raiseLateRecords(node, 'd', 2)
  await until('all settled', async () => {
    const states = await hooks.status()
    return states.every((s) => s.delivered + s.givenUp === 2)
  }, 90_000)
  const [refused, gaveUp, timedOut] = await hooks.status()
  t.match(refused, { delivered: 1, givenUp: 1, failures: 1 })
  t.same(refusing.requests.map((r) => r.status), [410, 200], 'one attempt at the refused alert, then the next')
  t.match(gaveUp, { delivered: 0, givenUp: 2, failures: 6 })
  t.equal(failing.requests.length, 6, 'three attempts at each')
  t.match(timedOut, { delivered: 2, failures: 1 })
  t.match(timedOut.lastFailure?.error, 'no answer in 1500 ms')
  t.equal(silent.requests[1].delivery, silent.requests[0].delivery, 'the unanswered alert is sent again')
})
