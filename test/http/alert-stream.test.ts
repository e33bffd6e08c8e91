// GET /v1/alerts/stream on a real port: an append that raises an alert arrives as an event, filters hold,
// a client resumes with Last-Event-ID and gets what it missed, once; heartbeats, the bound on streams,
// OVERDUE as the clock passes its time, and a close of the app that ends every stream without hanging.

import t from 'tap'
import type { Test } from 'tap'
import { buildApp } from '../../src/http/app.js'
import type { AlertStreamLimits } from '../../src/http/routes/alerts.js'
import { openEventStream } from '../helpers/sse.js'
import { SEAL, SHA, village, type Village } from '../helpers/seal.js'

/** A second app over the village's ledger, listening, with the stream settings the test wants. */
async function listening(t: Test, v: Village, streams: Partial<AlertStreamLimits> = {}) {
  const app = await buildApp({ ledger: v.node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: streams }, clock: () => new Date(v.now()) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  return { app, base: `http://127.0.0.1:${port}` }
}

const overBudget = (v: Village, id: string) => v.apply(id, { amount: 52000, budget: 45000 })
const useWithoutApproval = (v: Village, applicationId: string) =>
  v.post(v.statement('seal.use', 'custodian', { applicationId, copies: 1, stamped: { sha256: SHA('b') } }))

t.test('an append that raises an alert arrives on the stream; a refused attempt too', async (t) => {
  const v = await village(t)
  const { base } = await listening(t, v)
  const stream = await openEventStream(t, `${base}/v1/alerts/stream`, { 'accept-encoding': 'br, gzip', origin: 'https://elsewhere.example' })
  t.equal(stream.status, 200)
  t.match(stream.headers.get('content-type'), /^text\/event-stream/)
  t.match(stream.headers.get('cache-control'), /no-cache/)
  t.equal(stream.headers.get('content-encoding'), null, 'never compressed: a compressor would hold events back')
  t.equal(stream.headers.get('x-content-type-options'), 'nosniff')
  t.equal(stream.headers.get('access-control-allow-origin'), null, 'like GET /v1/alerts, not for other origins\' pages')

  const seq = await overBudget(v, 'ob-1')
  const first = await stream.next()
  t.equal(first.event, 'alert')
  t.match(first.id, /^[A-Za-z0-9_-]+$/)
  t.match(JSON.parse(first.data), { kind: 'OVER_BUDGET', seqs: [seq], sealId: SEAL, applicationIds: ['ob-1'] })
  const page = await v.get('/v1/alerts?kind=OVER_BUDGET')
  t.same(JSON.parse(first.data), page.json().alerts[0], 'the event is the alert as GET /v1/alerts has it')

  t.equal((await useWithoutApproval(v, 'ob-1')).statusCode, 409)
  const attempt = JSON.parse((await stream.next()).data)
  t.match(attempt, { kind: 'USE_WITHOUT_APPROVAL', seqs: [], actor: 'custodian', count: 1, applicationIds: ['ob-1'] })
  t.equal((await useWithoutApproval(v, 'ob-1')).statusCode, 409)
  t.match(JSON.parse((await stream.next()).data), { kind: 'USE_WITHOUT_APPROVAL', count: 2 }, 'a counted attempt comes again with its new count')
})

t.test('filters: kind, seal, organisation, time', async (t) => {
  const v = await village(t)
  const { base } = await listening(t, v)
  const byKind = await openEventStream(t, `${base}/v1/alerts/stream?kind=USE_WITHOUT_APPROVAL`)
  const byOrg = await openEventStream(t, `${base}/v1/alerts/stream?org=yiqiao-village`)
  const otherOrg = await openEventStream(t, `${base}/v1/alerts/stream?org=other-village`)
  const otherSeal = await openEventStream(t, `${base}/v1/alerts/stream?seal=another-seal`)
  const past = await openEventStream(t, `${base}/v1/alerts/stream?until=2020-01-01T00:00:00Z`)
  await overBudget(v, 'f-1')
  await useWithoutApproval(v, 'f-1')
  t.equal(JSON.parse((await byKind.next()).data).kind, 'USE_WITHOUT_APPROVAL', 'the over-budget alert was not sent to it')
  t.same([JSON.parse((await byOrg.next()).data).kind, JSON.parse((await byOrg.next()).data).kind], ['OVER_BUDGET', 'USE_WITHOUT_APPROVAL'])
  for (const stream of [otherOrg, otherSeal, past]) t.same(await stream.collect(300), [], 'nothing for a filter that does not match')
})

t.test('Last-Event-ID: a client that reconnects gets what it missed, once, then new alerts', async (t) => {
  const v = await village(t)
  const { base } = await listening(t, v)
  const first = await openEventStream(t, `${base}/v1/alerts/stream`)
  await overBudget(v, 'r-1')
  const seen = await first.next()
  first.close()
  await overBudget(v, 'r-2')
  await useWithoutApproval(v, 'r-2')
  for (const resume of [{ 'last-event-id': seen.id as string }, undefined]) {
    const url = resume ? `${base}/v1/alerts/stream` : `${base}/v1/alerts/stream?lastEventId=${seen.id}`
    const again = await openEventStream(t, url, resume ?? {})
    const missed = [JSON.parse((await again.next()).data), JSON.parse((await again.next()).data)]
    t.same(missed.map((a) => [a.kind, a.applicationIds]), [['OVER_BUDGET', ['r-2']], ['USE_WITHOUT_APPROVAL', ['r-2']]], 'the two it missed, in order')
    t.same(await again.collect(200), [], 'nothing it saw before')
    again.close()
  }
  const last = await openEventStream(t, `${base}/v1/alerts/stream`, { 'last-event-id': seen.id as string })
  await last.next()
  await last.next()
  await overBudget(v, 'r-3')
  t.same(JSON.parse((await last.next()).data).applicationIds, ['r-3'], 'then live')

  const since = await openEventStream(t, `${base}/v1/alerts/stream?kind=OVER_BUDGET&since=2000-01-01T00:00:00Z`)
  const replayed = [await since.next(), await since.next(), await since.next()].map((e) => JSON.parse(e.data).applicationIds[0])
  t.same(replayed, ['r-1', 'r-2', 'r-3'], 'since: the history first')
})

t.test('bad requests are refused before the stream opens', async (t) => {
  const v = await village(t)
  const { base } = await listening(t, v)
  const bad = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { headers })
    return { status: response.status, code: ((await response.json()) as { code: string }).code }
  }
  t.same(await bad('/v1/alerts/stream', { 'last-event-id': 'not-a-position' }), { status: 400, code: 'PAGE_TOKEN_INVALID' })
  t.same(await bad('/v1/alerts/stream?lastEventId=AAAA'), { status: 400, code: 'PAGE_TOKEN_INVALID' })
  t.same(await bad('/v1/alerts/stream?kind=lower'), { status: 400, code: 'BAD_REQUEST' })
  t.same(await bad('/v1/alerts/stream?since=yesterday'), { status: 400, code: 'BAD_REQUEST' })
  t.same(await bad('/v1/alerts/stream?other=1'), { status: 400, code: 'BAD_REQUEST' })
})

t.test('heartbeats; past the bound a clear 503; closing the app ends every stream', async (t) => {
  const v = await village(t)
  const { app, base } = await listening(t, v, { max: 2, heartbeatMs: 100 })
  const a = await openEventStream(t, `${base}/v1/alerts/stream`)
  const b = await openEventStream(t, `${base}/v1/alerts/stream`)
  const refused = await fetch(`${base}/v1/alerts/stream`)
  t.equal(refused.status, 503)
  t.equal(((await refused.json()) as { code: string }).code, 'TOO_MANY_STREAMS')
  t.ok(Number(refused.headers.get('retry-after')) > 0)
  await a.collect(350)
  t.ok(a.comments.filter((c) => c.startsWith('heartbeat')).length >= 2, 'heartbeat comments')
  a.close()
  await new Promise((resolve) => setTimeout(resolve, 100))
  const c = await openEventStream(t, `${base}/v1/alerts/stream`)
  t.equal(c.status, 200, 'a closed stream frees its place')

  const started = Date.now()
  await app.close()
  t.ok(Date.now() - started < 5000, 'close does not wait for the streams')
  const closing = await b.next()
  t.equal(closing.event, 'closing')
  await b.ended
  await c.ended
})

t.test('OVERDUE is sent when the clock passes the end of its due date', async (t) => {
  const v = await village(t)
  const { base } = await listening(t, v, { computedIntervalMs: 50 })
  await v.apply('od-1', { dueDate: '2026-06-30' })
  const stream = await openEventStream(t, `${base}/v1/alerts/stream?kind=OVERDUE`)
  t.same(await stream.collect(200), [], 'not due yet')
  v.setNow('2026-06-30T16:00:00.000Z')
  const due = JSON.parse((await stream.next()).data)
  t.match(due, { kind: 'OVERDUE', applicationIds: ['od-1'], sealId: SEAL })
  t.same(await stream.collect(200), [], 'once')
})
