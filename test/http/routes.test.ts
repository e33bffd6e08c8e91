// Every route through Fastify's inject: answers, and bad input of every kind with its code and
// nothing written.

import t, { type Test } from 'tap'
import type { InjectOptions } from 'fastify'
import { fromHex, toBase64 } from '../../src/core/bytes.js'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { verifyConsistency, verifyInclusion } from '../../src/core/merkle.js'
import { withPayloadBase64 } from '../../src/core/payload-text.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

async function setup(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const registerBody = (id: string) => ({ id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) })
  const envelope = (id: string) => node.statement({ type: 'actor.register', actor: 'operator', body: registerBody(id) }, [node.operator])
  return { node, app, envelope }
}

t.test('POST /v1/statements: one, a repeat, a batch', async (t) => {
  const { node, app, envelope } = await setup(t)
  const one = envelope('a')
  const created = await app.inject({ method: 'POST', url: '/v1/statements', payload: one })
  t.equal(created.statusCode, 201)
  t.same(Object.keys(created.json()).sort(), ['leafHash', 'seq'])
  t.equal(created.json().seq, 1)
  const repeat = await app.inject({ method: 'POST', url: '/v1/statements', payload: one })
  t.equal(repeat.statusCode, 200)
  t.same(repeat.json(), created.json())

  const batch = await app.inject({
    method: 'POST',
    url: '/v1/statements',
    payload: { envelopes: [envelope('b'), { payloadType: 'x' }, envelope('c'), { ...envelope('d'), payload: '!!!!' }] },
  })
  t.equal(batch.statusCode, 200)
  const results = batch.json().results
  t.equal(results.length, 4)
  t.equal(results[0].seq, 2)
  t.equal(results[1].code, 'BAD_REQUEST')
  t.equal(results[1].statusCode, 400)
  t.equal(results[2].seq, 3)
  t.equal(results[3].code, 'ENCODING_INVALID')
  t.equal(node.ledger.size, 4)
})

t.test('POST /v1/statements: bad input gets a 4xx with a code and writes nothing', async (t) => {
  const { node, app, envelope } = await setup(t)
  const before = node.ledger.checkpoint
  const cases: { name: string; request: InjectOptions; status: number; code: string }[] = [
    { name: 'malformed JSON', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: '{"payloadType":' }, status: 400, code: 'INVALID_JSON' },
    { name: 'empty body', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: '' }, status: 400, code: 'INVALID_JSON' },
    { name: 'not JSON', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'text/plain' }, payload: 'hello' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'array body', request: { method: 'POST', url: '/v1/statements', payload: [1, 2] }, status: 400, code: 'BAD_REQUEST' },
    { name: 'missing signatures', request: { method: 'POST', url: '/v1/statements', payload: { payloadType: 'a', payload: 'AA==' } }, status: 400, code: 'BAD_REQUEST' },
    { name: 'extra field', request: { method: 'POST', url: '/v1/statements', payload: { ...envelope('e1'), extra: 1 } }, status: 400, code: 'BAD_REQUEST' },
    { name: 'wrong payloadType', request: { method: 'POST', url: '/v1/statements', payload: { ...envelope('e2'), payloadType: 'text/plain' } }, status: 400, code: 'PAYLOAD_TYPE_UNSUPPORTED' },
    { name: 'payload not base64', request: { method: 'POST', url: '/v1/statements', payload: { ...envelope('e3'), payload: 'a b' } }, status: 400, code: 'ENCODING_INVALID' },
    { name: 'unknown key', request: { method: 'POST', url: '/v1/statements', payload: { ...envelope('e4'), signatures: [{ keyid: '0123456789abcdef', sig: toBase64(new Uint8Array(64)) }] } }, status: 403, code: 'UNKNOWN_KEY' },
    { name: 'signature over other bytes', request: { method: 'POST', url: '/v1/statements', payload: { ...envelope('e5'), signatures: envelope('e6').signatures } }, status: 403, code: 'SIGNATURE_INVALID' },
    { name: 'batch too large', request: { method: 'POST', url: '/v1/statements', payload: { envelopes: Array.from({ length: 1001 }, () => ({})) } }, status: 413, code: 'BATCH_TOO_LARGE' },
    { name: 'null body', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: 'null' }, status: 400, code: 'BAD_REQUEST' },
    { name: 'envelope with a __proto__ key', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(envelope('e7')).replace(/^\{/, '{"__proto__":{"signatures":[]},') }, status: 400, code: 'BAD_REQUEST' },
    { name: 'batch with a __proto__ key', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: `{"envelopes":[${JSON.stringify(envelope('e8'))}],"__proto__":{"x":1}}` }, status: 400, code: 'BAD_REQUEST' },
    { name: 'body not UTF-8 JSON', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, status: 400, code: 'INVALID_JSON' },
    { name: 'batch with extra keys', request: { method: 'POST', url: '/v1/statements', payload: { envelopes: [], more: 1 } }, status: 400, code: 'BAD_REQUEST' },
    { name: 'a batch nested 100,000 deep', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: `{"envelopes":${'['.repeat(100_000)}${']'.repeat(100_000)}}` }, status: 400, code: 'INVALID_JSON' },
    { name: 'a signature with a value nested 50,000 deep', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...envelope('e9'), signatures: [{ ...envelope('e9').signatures[0], x: 0 }] }).replace('"x":0', `"x":${'['.repeat(50_000)}${']'.repeat(50_000)}`) }, status: 400, code: 'INVALID_JSON' },
    { name: 'an envelope nested just past the limit', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...envelope('e10'), x: 0 }).replace('"x":0', `"x":${'['.repeat(64)}${']'.repeat(64)}`) }, status: 400, code: 'INVALID_JSON' },
    { name: 'body over the limit', request: { method: 'POST', url: '/v1/statements', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ envelopes: [], pad: 'x'.repeat(33 * 1024 * 1024) }) }, status: 413, code: 'BODY_TOO_LARGE' },
  ]
  for (const c of cases) {
    const response = await app.inject(c.request)
    t.equal(response.statusCode, c.status, `${c.name}: status`)
    const body = response.json()
    t.equal(body.code, c.code, `${c.name}: code`)
    t.equal(body.statusCode, c.status, `${c.name}: statusCode in body`)
    t.type(body.message, 'string', `${c.name}: message`)
    t.type(body.error, 'string', `${c.name}: error`)
  }
  t.equal(node.ledger.size, 1)
  t.equal(node.ledger.checkpoint, before)
})

t.test('GET entries, checkpoint, key and proofs', async (t) => {
  const { node, app, envelope } = await setup(t)
  for (let i = 0; i < 9; i++) await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope(`a${i}`) })
  t.equal(node.ledger.size, 10)

  const one = await app.inject('/v1/entries/3')
  t.equal(one.statusCode, 200)
  t.equal(one.json().entry.seq, 3)
  t.match(one.json().leafHash, /^[0-9a-f]{64}$/)

  const page = await app.inject('/v1/entries?from=2&limit=5')
  t.same(page.json().entries.map((e: { entry: { seq: number } }) => e.entry.seq), [2, 3, 4, 5, 6])
  t.same((await app.inject('/v1/entries?from=50')).json(), { entries: [] })

  const checkpoint = await app.inject('/v1/checkpoint')
  t.match(checkpoint.headers['content-type'], /^text\/plain/)
  const key = (await app.inject('/v1/log/key')).body
  const parsed = verifyCheckpoint(nodeEd25519, checkpoint.body, key)
  t.equal(parsed.size, 10)

  const inclusion = (await app.inject('/v1/proofs/inclusion?seq=3&size=10')).json()
  t.equal(inclusion.leafHash, one.json().leafHash)
  verifyInclusion(3, 10, fromHex(inclusion.leafHash), inclusion.proof.map((h: string) => fromHex(h)), parsed.rootHash)
  const defaultSize = (await app.inject('/v1/proofs/inclusion?seq=9')).json()
  t.equal(defaultSize.size, 10)

  // A page's entries with their proofs in one answer: each the entry /v1/entries/:seq serves, its proof the one above.
  const proven = (await app.inject('/v1/proofs/entries?seqs=3,9,3,0&size=10')).json()
  t.equal(proven.size, 10)
  t.same(proven.entries.map((e: { seq: number }) => e.seq), [3, 9, 0], 'each seq once, as asked')
  t.same(proven.entries[0].entry, one.json().entry)
  t.same(proven.entries[0].proof, inclusion.proof)
  for (const { seq, leafHash, proof } of proven.entries as { seq: number; leafHash: string; proof: string[] }[]) {
    verifyInclusion(seq, 10, fromHex(leafHash), proof.map((h) => fromHex(h)), parsed.rootHash)
  }
  // Payloads as text: each envelope's payload its UTF-8, put back word for word by the verifier's own code.
  const asText = (await app.inject('/v1/proofs/entries?seqs=3,9,0&size=10&payloads=text')).json() as { entries: { seq: number; entry: { envelope: Record<string, unknown> }; proof: string[] }[] }
  for (const [i, item] of asText.entries.entries()) {
    t.type(item.entry.envelope.payloadText, 'string', `entry ${item.seq}'s payload as text`)
    t.notOk('payload' in item.entry.envelope)
    t.same(withPayloadBase64(item.entry), proven.entries[i].entry, `entry ${item.seq} put back is the entry served`)
    t.same(item.proof, proven.entries[i].proof)
  }
  const hundred = Array.from({ length: 100 }, (_, i) => i % 10).join(',')
  t.equal((await app.inject(`/v1/proofs/entries?seqs=${hundred}&size=10`)).statusCode, 200, 'up to 100 seqs')

  // Without a size: in the tree of the checkpoint /tlog/checkpoint serves, which the answer carries (a page asks
  // beside the log key), with the registry entries of the actors named; one not registered adds nothing.
  const latest = await app.inject('/v1/proofs/entries?seqs=3&actors=operator,nobody,operator')
  t.equal(latest.statusCode, 200, latest.body)
  t.equal(latest.headers['cache-control'], (await app.inject('/tlog/checkpoint')).headers['cache-control'], 'cached as briefly as the checkpoint it carries')
  const early = latest.json() as { size: number; checkpoint: string; entries: { seq: number; leafHash: string; proof: string[] }[] }
  t.equal(early.checkpoint, (await app.inject('/tlog/checkpoint')).body, "the tiles' checkpoint, word for word")
  t.equal(early.size, 10)
  const registrations = node.ledger.actors.get('operator')?.seqs ?? []
  t.ok(registrations.length > 0)
  t.same(early.entries.map((e) => e.seq), [...new Set([3, ...registrations])], "the page's entry, then the operator's registry entries")
  for (const { seq, leafHash, proof } of early.entries) verifyInclusion(seq, 10, fromHex(leafHash), proof.map((h) => fromHex(h)), parsed.rootHash)

  const consistency = (await app.inject('/v1/proofs/consistency?from=4&to=10')).json()
  const root4 = await node.ledger.rootAt(4)
  verifyConsistency(4, 10, consistency.proof.map((h: string) => fromHex(h)), root4, parsed.rootHash)

  const bad: [string, number, string][] = [
    ['/v1/entries/abc', 400, 'BAD_REQUEST'],
    ['/v1/entries/-1', 400, 'BAD_REQUEST'],
    ['/v1/entries/10', 404, 'ENTRY_NOT_FOUND'],
    ['/v1/entries?limit=1001', 400, 'BAD_REQUEST'],
    ['/v1/entries?limit=0', 400, 'BAD_REQUEST'],
    ['/v1/entries?from=x', 400, 'BAD_REQUEST'],
    ['/v1/entries?bogus=1', 400, 'BAD_REQUEST'],
    ['/v1/proofs/inclusion', 400, 'BAD_REQUEST'],
    ['/v1/proofs/inclusion?seq=10', 400, 'RANGE_INVALID'],
    ['/v1/proofs/inclusion?seq=3&size=11', 400, 'RANGE_INVALID'],
    ['/v1/proofs/inclusion?seq=3&size=3', 400, 'RANGE_INVALID'],
    ['/v1/proofs/inclusion?seq=1e400', 400, 'RANGE_INVALID'],
    ['/v1/proofs/entries?seqs=10', 400, 'RANGE_INVALID'],
    ['/v1/proofs/entries?seqs=1&actors=', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1&actors=a,,b', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1&actors=%E5%86%9C%E5%9C%BA', 400, 'BAD_REQUEST'],
    [`/v1/proofs/entries?seqs=1&actors=${'a'.repeat(65)}`, 400, 'BAD_REQUEST'],
    [`/v1/proofs/entries?seqs=1&actors=${Array(65).fill('a').join(',')}`, 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?size=5', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=&size=5', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1,,2&size=5', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=-1&size=5', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1%EF%BC%8C2&size=5', 400, 'BAD_REQUEST'],
    [`/v1/proofs/entries?seqs=${Array(101).fill(1).join(',')}&size=5`, 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1,5&size=5', 400, 'RANGE_INVALID'],
    ['/v1/proofs/entries?seqs=1&size=11', 400, 'RANGE_INVALID'],
    ['/v1/proofs/entries?seqs=1&size=0', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1&size=5&payloads=base64', 400, 'BAD_REQUEST'],
    ['/v1/proofs/entries?seqs=1&size=5&payloads=', 400, 'BAD_REQUEST'],
    ['/v1/proofs/consistency?from=0&to=5', 400, 'BAD_REQUEST'],
    ['/v1/proofs/consistency?from=6&to=5', 400, 'RANGE_INVALID'],
    ['/v1/proofs/consistency?from=6&to=99', 400, 'RANGE_INVALID'],
    ['/v1/verify?from=5&to=5', 400, 'RANGE_INVALID'],
    ['/v1/verify?to=11', 400, 'RANGE_INVALID'],
    ['/v1/actors/nobody', 404, 'NOT_FOUND'],
    ['/v1/nothing-here', 404, 'NOT_FOUND'],
  ]
  for (const [url, status, code] of bad) {
    const response = await app.inject(url)
    t.equal(response.statusCode, status, `${url} status`)
    t.equal(response.json().code, code, `${url} code`)
  }
  // A schema's refusal names the field once, where it is.
  t.equal((await app.inject('/v1/entries?from=x')).json().message, 'querystring/from must be integer')
  t.equal((await app.inject('/v1/entries?bogus=1')).json().message, 'querystring must NOT have additional properties')
  t.equal((await app.inject('/v1/entries/abc')).json().message, 'params/seq must be integer')
})

t.test('GET /v1/verify audits ranges; actors, health, metrics, docs', async (t) => {
  const { app, envelope } = await setup(t)
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope(`v${i}`) })
  const all = (await app.inject('/v1/verify')).json()
  t.same({ ok: all.ok, checked: all.checked }, { ok: true, checked: 6 })
  t.match(all.root, /^[0-9a-f]{64}$/)
  const part = (await app.inject('/v1/verify?from=2&to=5')).json()
  t.same({ ok: part.ok, checked: part.checked }, { ok: true, checked: 3 })

  const actors = (await app.inject('/v1/actors')).json().actors
  t.same(actors.map((a: { id: string }) => a.id), ['operator', 'v0', 'v1', 'v2', 'v3', 'v4'])
  const v2 = (await app.inject('/v1/actors/v2')).json().actor
  t.same(v2.seqs, [3])
  t.equal(v2.status, 'active')
  // The actors a page names, in one request: each as /v1/actors/:id has it, once, the unknown left out.
  const named = (await app.inject('/v1/actors?ids=v2,nobody,operator,v2')).json().actors
  t.same(named.map((a: { id: string }) => a.id), ['v2', 'operator'])
  t.same(named[0], v2)
  for (const [url, why] of [
    ['/v1/actors?ids=', 'empty'],
    ['/v1/actors?ids=v1,,v2', 'an empty id'],
    ['/v1/actors?ids=v1%20v2', 'a space'],
    ['/v1/actors?ids=%E5%86%9C%E5%9C%BA', 'not an actor id'],
    [`/v1/actors?ids=${'a'.repeat(65)}`, 'too long an id'],
    [`/v1/actors?ids=${Array(101).fill('v1').join(',')}`, 'more than 100'],
    ['/v1/actors?ids=v1&keyid=0123456789abcdef', 'both ways at once'],
  ]) {
    const refused = await app.inject(url)
    t.same([refused.statusCode, refused.json().code], [400, 'BAD_REQUEST'], `${why}: ${refused.json().message}`)
  }

  const healthResponse = await app.inject('/healthz')
  const health = healthResponse.json()
  t.equal(health.ok, true)
  t.match(healthResponse.headers['server-timing'], /^app;dur=\d+\.\d{3}$/, "Server-Timing: the node's own time on the request")
  t.match((await app.inject('/v1/entries/999')).headers['server-timing'], /^app;dur=/, 'on errors too')
  t.equal(health.size, 6)
  const metrics = await app.inject('/metrics')
  t.match(metrics.body, /tracechain_statements_accepted_total 5/)
  t.match(metrics.body, /tracechain_tree_size 6/)
  // Every route is timed, not only the operations plugin's own (its hook was once encapsulated in it).
  t.match(metrics.body, /^tracechain_http_request_seconds_count\{method="GET",route="\/v1\/entries\/:seq",status="404"\} 1$/m)
  const docs = await app.inject('/docs/json')
  t.equal(docs.statusCode, 200)
  t.ok(docs.json().paths['/v1/statements'])
  t.equal((await app.inject('/docs')).statusCode < 400, true)
})
