// POST /capture and GET /capture/{captureID} (EPCIS 2.0 capture in custody) on a real ledger and app:
// GS1's example documents captured and signed by the custodial key, refusals per event in the job, and every
// bad request a 4xx with a code that writes nothing.

import { request as httpRequest } from 'node:http'
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { toBase64, fromBase64 } from '../../src/core/bytes.js'
import { parseStatementPayload } from '../../src/core/statement.js'
import { createCustody, custodyKeysIn, rotateCaptureToken } from '../../src/cli/custody-dir.js'
import { CAPTURE_EVENT_LIMIT, CAPTURE_FILE_SIZE_LIMIT } from '../../src/food/capture.js'
import { parseIdentifier, toDigitalLink } from '../../src/food/identifiers.js'
import { buildApp } from '../../src/http/app.js'
import { CaptureJobStore } from '../../src/store/capture-jobs.js'
import { GS1_EXAMPLES_DIR, eventsOf, type Json } from '../helpers/gs1-examples.js'
import { makeNode, type TestNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const example = (name: string): Json => JSON.parse(readFileSync(join(GS1_EXAMPLES_DIR, name), 'utf8')) as Json
const xmlExample = (name: string): string => readFileSync(new URL(`../fixtures/epcis-xml/${name}`, import.meta.url), 'utf8')

interface Setup {
  node: TestNode
  app: FastifyInstance
  /** a custody actor registered by the operator; its token */
  custodyActor(id: string, extra?: Record<string, unknown>): Promise<string>
}

async function setup(t: Test, intakeBytes?: number): Promise<Setup> {
  const node = await makeNode(testDir(t))
  const app = await buildApp({
    ledger: node.ledger,
    config: { baseUrl: 'http://127.0.0.1' },
    capture: { custody: custodyKeysIn(node.dir), jobs: new CaptureJobStore(node.store), intakeBytes },
  })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  return {
    node,
    app,
    async custodyActor(id, extra = {}) {
      const { signer, token } = createCustody(node.dir, id)
      const body = { id, name: id, roles: ['processor'], publicKey: toBase64(signer.publicKey), custody: 'node', ...extra }
      await node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body }, [node.operator]))
      return token
    },
  }
}

function capture(app: FastifyInstance, token: string | undefined, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/capture',
    headers: { 'content-type': 'application/ld+json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  })
}

/** The job once it stopped running. */
async function finished(app: FastifyInstance, location: string, token: string): Promise<Json> {
  for (;;) {
    const response = await app.inject({ url: location, headers: { authorization: `Bearer ${token}` } })
    if (response.statusCode !== 200) throw new Error(`${location}: ${response.statusCode} ${response.body}`)
    const job = response.json() as Json
    if (!job.running) return job
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

t.test('a GS1 example document is captured: 202, the job, each event a food.event signed by the custodial key', async (t) => {
  const { node, app, custodyActor } = await setup(t)
  const token = await custodyActor('farm-custody')
  const document = example('Example_9.6.1-ObjectEvent.jsonld')
  const sizeBefore = node.ledger.size
  const response = await capture(app, token, document)
  t.equal(response.statusCode, 202, response.body)
  const location = response.headers.location as string
  t.match(location, /^\/capture\/c[a-z0-9]+$/)
  t.equal(response.headers['gs1-epcis-version'], '2.0.0')
  t.equal(response.headers['gs1-capture-error-behaviour'], 'proceed')

  const job = await finished(app, location, token)
  t.match(job, { captureID: location.split('/')[2], running: false, success: true, captureErrorBehaviour: 'proceed', errors: [], eventCount: 2 })
  t.ok(Date.parse(job.finishedAt) >= Date.parse(job.createdAt))
  t.equal(node.ledger.size, sizeBefore + 2)
  const custodial = custodyKeysIn(node.dir).signerOf('farm-custody')!
  for (const [i, captured] of (job.captured as Json[]).entries()) {
    t.same({ eventIndex: captured.eventIndex, repeat: captured.repeat }, { eventIndex: i, repeat: false })
    const { entry } = await node.ledger.getEntry(captured.seq)
    const statement = parseStatementPayload(fromBase64(entry.envelope.payload))
    t.match(statement, { type: 'food.event', actor: 'farm-custody', issuedAt: job.createdAt })
    t.equal(statement.body.eventID, eventsOf(document)[i].eventID)
    t.same(statement.body['@context'], document['@context'], 'the document context travels with the event')
    t.same(entry.envelope.signatures.map((s) => s.keyid), [custodial.keyid])
  }
  const audit = await app.inject(`/v1/verify?from=0&to=${node.ledger.size}`)
  t.equal(audit.json().ok, true, audit.body)
  const actor = await app.inject('/v1/actors/farm-custody')
  t.equal(actor.json().actor.custody, 'node', 'the registry shows the node signs for it')
  const item = new URL(toDigitalLink(parseIdentifier('urn:epc:id:sgtin:0614141.107346.2017'))).pathname
  const page = await app.inject({ url: item, headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 200, item)
  t.match(page.body, /data-fact="custody">由平台代签 · signed by the platform for farm-custody</, 'the consumer page says the platform signed')

  // The same document again (a retried capture): the events are repeats of the first job's, nothing new.
  const again = await capture(app, token, document)
  const repeated = await finished(app, again.headers.location as string, token)
  t.match(repeated, { success: true, errors: [] })
  t.same(repeated.captured.map((c: Json) => [c.seq, c.repeat]), job.captured.map((c: Json) => [c.seq, true]))
  t.equal(node.ledger.size, sizeBefore + 2)

  // An EPCISQueryDocument is taken too (openapi.yaml: both).
  const query = await capture(app, token, example('EPCISQueryDocument.jsonld'))
  t.equal(query.statusCode, 202, query.body)
  t.match(await finished(app, query.headers.location as string, token), { success: true, errors: [] })
})

t.test('EPCIS 2.0 and 1.2 XML are captured as their JSON-LD: the same events, so the JSON-LD original repeats them', async (t) => {
  const { node, app, custodyActor } = await setup(t)
  const token = await custodyActor('legacy-erp')
  const sizeBefore = node.ledger.size
  const original = example('Example_9.6.1-ObjectEvent.jsonld')
  const fromXml = await capture(app, token, xmlExample('2.0/Example_9.6.1-ObjectEvent.xml'), { 'content-type': 'application/xml' })
  t.equal(fromXml.statusCode, 202, fromXml.body)
  const job = await finished(app, fromXml.headers.location as string, token)
  t.match(job, { running: false, success: true, errors: [], eventCount: 2 })
  t.equal(node.ledger.size, sizeBefore + 2)
  for (const [i, captured] of (job.captured as Json[]).entries()) {
    const { entry } = await node.ledger.getEntry(captured.seq)
    const { body } = parseStatementPayload(fromBase64(entry.envelope.payload))
    t.strictSame(body, { '@context': original['@context'], ...eventsOf(original)[i] }, `event ${i}: signed in its JSON-LD form`)
  }
  const seqs = job.captured.map((c: Json) => c.seq)
  for (const [name, payload, contentType] of [
    ['1.2 XML as text/xml', xmlExample('1.2/Example_9.6.1-ObjectEvent.xml'), 'text/xml; charset=utf-8'],
    ['the JSON-LD original', JSON.stringify(original), 'application/ld+json'],
  ]) {
    const again = await capture(app, token, payload, { 'content-type': contentType })
    t.equal(again.statusCode, 202, `${name}: ${again.body}`)
    const repeated = await finished(app, again.headers.location as string, token)
    t.same(repeated.captured.map((c: Json) => [c.seq, c.repeat]), seqs.map((seq: number) => [seq, true]), `${name}: repeats of the XML's events`)
  }
  t.equal(node.ledger.size, sizeBefore + 2, 'nothing appended twice')
})

t.test('an event the rules refuse is reported in the job with its code; the others are appended', async (t) => {
  const { node, app, custodyActor } = await setup(t)
  // Only the first event's readPoint is one of the actor's locations.
  const token = await custodyActor('farm-located', { locations: ['urn:epc:id:sgln:0614141.07346.1234'] })
  const sizeBefore = node.ledger.size
  const document = example('Example_9.6.1-ObjectEvent.jsonld')
  const invalid = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: 'not a time', eventTimeZoneOffset: '+00:00', epcList: ['urn:epc:id:sgtin:0614141.107346.1'] }
  document.epcisBody.eventList.push(invalid)
  const response = await capture(app, token, document)
  t.equal(response.statusCode, 202)
  const location = response.headers.location as string
  const job = await finished(app, location, token)
  t.match(job, { running: false, success: false, eventCount: 3 })
  t.same(job.captured.map((c: Json) => c.eventIndex), [0])
  t.match(job.errors, [
    { type: 'epcisException:SecurityException', status: 403, code: 'LOCATION_NOT_ALLOWED', eventIndex: 1, eventID: eventsOf(document)[1].eventID, instance: `${location}#event-1` },
    { type: 'epcisException:ValidationException', status: 400, code: 'EPCIS_INVALID', eventIndex: 2 },
  ])
  t.equal(node.ledger.size, sizeBefore + 1, 'nothing written for the refused events')
})

t.test('bad requests: 4xx with a code, and nothing written', async (t) => {
  const { node, app, custodyActor } = await setup(t)
  const token = await custodyActor('farm-a')
  const otherToken = await custodyActor('farm-b')
  // A key in custody whose actor was registered as self-signing (no custody "node"), and one never registered.
  const { signer: selfSigned, token: selfSignedToken } = createCustody(node.dir, 'self-signed')
  await node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'self-signed', name: 'x', roles: ['farm'], publicKey: toBase64(selfSigned.publicKey) } }, [node.operator]))
  const { token: unregisteredToken } = createCustody(node.dir, 'never-registered')
  const document = example('Example_9.6.1-ObjectEvent.jsonld')
  const accepted = await capture(app, token, document)
  const location = accepted.headers.location as string
  await finished(app, location, token)
  const size = node.ledger.size
  const tooMany = { ...document, epcisBody: { eventList: Array.from({ length: CAPTURE_EVENT_LIMIT + 1 }, () => eventsOf(document)[0]) } }
  const rotated = rotateCaptureToken(node.dir, 'farm-b')

  const cases: [string, Promise<{ statusCode: number; json(): any }>, number, string][] = [
    ['no token', capture(app, undefined, document), 401, 'UNAUTHORIZED'],
    ['a wrong token', capture(app, `${token.slice(0, -2)}xx`, document), 401, 'UNAUTHORIZED'],
    ['not a capture token', capture(app, 'abc', document), 401, 'UNAUTHORIZED'],
    ['a rotated-out token', capture(app, otherToken, document), 401, 'UNAUTHORIZED'],
    ['Basic, not Bearer', capture(app, undefined, document, { authorization: `Basic ${token}` }), 401, 'UNAUTHORIZED'],
    ['an actor registered without custody', capture(app, selfSignedToken, document), 403, 'CUSTODY_NOT_REGISTERED'],
    ['an actor never registered', capture(app, unregisteredToken, document), 403, 'CUSTODY_NOT_REGISTERED'],
    ['not JSON', capture(app, token, '{"type": "EPCISDocument",'), 400, 'INVALID_JSON'],
    ['an empty body', capture(app, token, ''), 400, 'INVALID_JSON'],
    ['JSON nested 100,000 deep', capture(app, token, `{"type":"EPCISDocument","epcisBody":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 400, 'INVALID_JSON'],
    ['XML nested 100,000 deep', capture(app, token, `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`, { 'content-type': 'application/xml' }), 400, 'BAD_REQUEST'],
    ['not an EPCIS document', capture(app, token, { type: 'EPCISDocument', epcisBody: {} }), 400, 'EPCIS_INVALID'],
    ['an event alone', capture(app, token, eventsOf(document)[0]), 400, 'EPCIS_INVALID'],
    ['an event that is not an object', capture(app, token, { ...document, epcisBody: { eventList: ['x'] } }), 400, 'EPCIS_INVALID'],
    ['too many events', capture(app, token, tooMany), 413, 'BATCH_TOO_LARGE'],
    ['over the size limit', capture(app, token, `{"x":"${'a'.repeat(17 * 1024 * 1024)}"}`), 413, 'BODY_TOO_LARGE'],
    ['CSV', capture(app, token, 'a,b', { 'content-type': 'text/csv' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['XML that is no EPCIS document', capture(app, token, '<epcis/>', { 'content-type': 'application/xml' }), 400, 'EPCIS_INVALID'],
    ['XML that is not well-formed', capture(app, token, '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2">', { 'content-type': 'application/xml' }), 400, 'BAD_REQUEST'],
    [
      'XML with a DOCTYPE (XXE)',
      capture(app, token, `<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xmlExample('2.0/Example_9.6.1-ObjectEvent.xml').replace(/^<\?xml[^>]*>/, '')}`, { 'content-type': 'text/xml' }),
      400,
      'BAD_REQUEST',
    ],
    ['XML over the size limit', capture(app, token, `<a>${'a'.repeat(17 * 1024 * 1024)}</a>`, { 'content-type': 'application/xml' }), 413, 'BODY_TOO_LARGE'],
    ['rollback asked for', capture(app, token, document, { 'gs1-capture-error-behaviour': 'rollback' }), 400, 'BAD_REQUEST'],
    ['an unknown capture id', app.inject({ url: '/capture/cnope', headers: { authorization: `Bearer ${token}` } }), 404, 'NOT_FOUND'],
    ['a malformed capture id', app.inject({ url: '/capture/..%2Fx', headers: { authorization: `Bearer ${token}` } }), 400, 'BAD_REQUEST'],
    ["another actor's job", app.inject({ url: location, headers: { authorization: `Bearer ${rotated}` } }), 404, 'NOT_FOUND'],
    ['a job without a token', app.inject({ url: location }), 401, 'UNAUTHORIZED'],
  ]
  for (const [name, pending, status, code] of cases) {
    const response = await pending
    t.equal(response.statusCode, status, name)
    t.equal(response.json().code, code, name)
  }
  t.equal(node.ledger.size, size, 'no refused request wrote an entry')
  let jobs = 0
  for await (const _job of new CaptureJobStore(node.store).all()) jobs++
  t.equal(jobs, 1, 'and none made a job')

  // A revoked actor's token is refused, as is one whose registered key is no longer the custodial one.
  await node.ledger.submit(node.statement({ type: 'actor.revoke', actor: 'operator', body: { actor: 'farm-a', reason: 'test' } }, [node.operator]))
  const revoked = await capture(app, token, document)
  t.equal(revoked.statusCode, 403)
  t.equal(revoked.json().code, 'CUSTODY_NOT_REGISTERED')
})

t.test('OPTIONS /capture says the limits and the error behaviour', async (t) => {
  const { app } = await setup(t)
  const response = await app.inject({ method: 'OPTIONS', url: '/capture' })
  t.equal(response.statusCode, 204)
  t.equal(response.headers['gs1-epcis-capture-limit'], String(CAPTURE_EVENT_LIMIT))
  t.equal(response.headers['gs1-epcis-capture-file-size-limit'], String(16 * 1024 * 1024))
  t.equal(response.headers['gs1-capture-error-behaviour'], 'proceed')
})

t.test('GET /capture lists the token’s actor’s jobs, newest first, paged; a store from before the list gets it at start', async (t) => {
  const { node, app, custodyActor } = await setup(t)
  const farm = await custodyActor('farm-list')
  const other = await custodyActor('farm-other')
  const document = example('Example_9.6.1-ObjectEvent.jsonld')
  const created: string[] = []
  for (let i = 0; i < 3; i++) {
    const event = { ...eventsOf(document)[0], eventID: `urn:uuid:6b0a4a52-0d0e-4c51-9d1e-00000000070${i}` }
    const response = await capture(app, farm, { ...document, epcisBody: { eventList: [event] } })
    t.equal(response.statusCode, 202, response.body)
    await finished(app, response.headers.location as string, farm)
    created.push((response.headers.location as string).slice('/capture/'.length))
  }
  await finished(app, (await capture(app, other, document)).headers.location as string, other)

  const list = (token: string | undefined, query = '') => app.inject({ url: `/capture${query}`, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const first = await list(farm, '?perPage=2')
  t.equal(first.statusCode, 200)
  t.same(first.json().map((job: Json) => job.captureID), [created[2], created[1]], 'newest first')
  t.ok(first.json().every((job: Json) => job.actor === 'farm-list' && job.running === false && job.success === true && job.captureErrorBehaviour === 'proceed'))
  const next = /^<([^>]+)>; rel="next"$/.exec(String(first.headers.link))?.[1]
  t.equal(next, `/capture?perPage=2&nextPageToken=${created[1]}`)
  const second = await app.inject({ url: next as string, headers: { authorization: `Bearer ${farm}` } })
  t.same(second.json().map((job: Json) => job.captureID), [created[0]])
  t.equal(second.headers.link, undefined, 'the last page links nowhere')
  t.equal((await list(other)).json().length, 1, 'another actor sees only its own job')
  t.same((await list(farm)).json().map((job: Json) => job.captureID), [...created].reverse())

  for (const [name, token, query, status, code] of [
    ['no token', undefined, '', 401, 'UNAUTHORIZED'],
    ['perPage 0', farm, '?perPage=0', 400, 'BAD_REQUEST'],
    ['perPage too large', farm, '?perPage=1001', 400, 'BAD_REQUEST'],
    ['a malformed token', farm, '?nextPageToken=..%2F', 400, 'BAD_REQUEST'],
    ['an unknown parameter', farm, '?actor=farm-other', 400, 'BAD_REQUEST'],
  ] as const) {
    const response = await list(token, query)
    t.equal(response.statusCode, status, name)
    t.equal(response.json().code, code, name)
  }

  // A store written before the list existed: its jobs are found once the node has started again.
  const stale: string[] = []
  for await (const [key] of node.store.rangeMeta('capture-by-actor')) stale.push(key)
  await node.store.batchMeta([], stale)
  const restarted = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, capture: { custody: custodyKeysIn(node.dir), jobs: new CaptureJobStore(node.store) } })
  t.teardown(() => restarted.close())
  await restarted.ready()
  const relisted = await restarted.inject({ url: '/capture', headers: { authorization: `Bearer ${farm}` } })
  t.same(relisted.json().map((job: Json) => job.captureID), [...created].reverse())
})

for (const [mib, documents] of [[64, 4], [32, 2]] as const) {
  t.test(`POST /capture holds at most ${mib} MiB of documents at once: past it a request is cut off with BUSY; without a token, refused before that`, async (t) => {
    const { app, custodyActor } = await setup(t, mib === 64 ? undefined : mib * 1024 * 1024)
    const token = await custodyActor('farm-intake')
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as { port: number }).port
    const open = (length: number, sent: number, auth: string | undefined = token) => {
      const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/capture', headers: { 'content-type': 'application/ld+json', 'content-length': length, ...(auth ? { authorization: `Bearer ${auth}` } : {}) } })
      const answer = new Promise<{ status: number; code: string }>((resolve, reject) => {
        request.on('response', (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { code?: string }).code ?? '' }))
        })
        request.on('error', reject)
      })
      answer.catch(() => undefined)
      // Flushed to the socket once the node has read all but what the kernel buffers.
      const written = new Promise<void>((resolve) => request.write(' '.repeat(sent), () => resolve()))
      return { request, answer, written }
    }
    // Documents of 16 MiB less a byte, each short of its end: the budget held but for a byte each.
    const held = Array.from({ length: documents }, () => open(CAPTURE_FILE_SIZE_LIMIT, CAPTURE_FILE_SIZE_LIMIT - 1))
    await Promise.all(held.map(({ written }) => written))
    await new Promise((resolve) => setTimeout(resolve, 500))
    const fifth = open(1024, 1024)
    t.same(await fifth.answer, { status: 429, code: 'BUSY' }, 'one more document of 1 KiB')
    const stranger = open(1024, 0, 'no-token')
    t.same(await stranger.answer, { status: 401, code: 'UNAUTHORIZED' }, 'a request without a token is refused for that first')
    for (const { request } of [...held, fifth, stranger]) request.destroy()
  })
}
