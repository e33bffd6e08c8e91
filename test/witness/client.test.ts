// The add-checkpoint client against a real witness on a real port (every outcome a log meets), and against
// hostile or broken witnesses (a real Fastify answering outside the protocol): it never trusts what it
// did not verify, and it says which witness failed and how.
import { join } from 'node:path'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { signCosignatureLine, verifyCosignatures } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { addCheckpoint } from '../../src/witness/client.js'
import { MAX_PROOF_LINES } from '../../src/witness/protocol.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { TestLog, testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

const cosigner = testCosigner('witness.test/client')
const log = new TestLog('tracechain.test/client').append(30, 'main')
const fork = log.fork(4).append(26, 'fork')

async function listen(t: Test, app: ReturnType<typeof Fastify>): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
}

async function realWitness(t: Test): Promise<string> {
  const state = new WitnessState(join(testDir(t, {}), 'logs'))
  return listen(t, buildWitnessApp({ witness: new Witness({ cosigner, logs: [log.verifierKey], state, ed: nodeEd25519 }) }))
}

t.test('cosigned, conflict, and each refusal as a typed error naming the witness', async (t) => {
  const url = await realWitness(t)
  const first = await addCheckpoint(`${url}/`, cosigner.key, { oldSize: 0, proof: [], checkpoint: log.checkpoint(4) })
  if (first.status !== 'cosigned') throw new Error('expected a cosignature')
  t.equal(first.lines.length, 1)
  t.equal(first.cosignatures[0].name, cosigner.name)
  t.ok(first.cosignatures[0].timestamp > 1_700_000_000)
  t.equal(first.note, `${log.checkpoint(4)}${first.lines[0]}`)
  t.equal(verifyCheckpoint(nodeEd25519, first.note, log.verifierKey).size, 4)
  t.same(verifyCosignatures(nodeEd25519, first.note, [cosigner.key]).cosignatures, first.cosignatures)

  t.same(await addCheckpoint(url, cosigner.key, { oldSize: 0, proof: [], checkpoint: log.checkpoint(9) }), { status: 'conflict', size: 4 })
  const next = await addCheckpoint(url, cosigner.key, { oldSize: 4, proof: log.proof(4, 9), checkpoint: log.checkpoint(9) })
  t.equal(next.status, 'cosigned')

  const refusals: [string, Parameters<typeof addCheckpoint>[2], string, number][] = [
    ['a fork', { oldSize: 9, proof: fork.proof(9, 12), checkpoint: fork.checkpoint(12) }, 'PROOF_INVALID', 422],
    ['another key', { oldSize: 9, proof: [], checkpoint: new TestLog(log.origin, { keyLabel: 'x' }).append(9, 'main').checkpoint(9) }, 'LOG_SIGNATURE_INVALID', 403],
    ['another log', { oldSize: 0, proof: [], checkpoint: new TestLog('tracechain.test/other').append(1, 'o').checkpoint(1) }, 'LOG_UNKNOWN', 404],
    ['old above size', { oldSize: 9, proof: [], checkpoint: log.checkpoint(5) }, 'BAD_REQUEST', 400],
  ]
  for (const [label, request, code, status] of refusals) {
    await t.rejects(addCheckpoint(url, cosigner.key, request), { code, details: { witness: url, status } }, label)
  }
  await t.rejects(addCheckpoint(url, cosigner.key, { oldSize: 1, proof: Array.from({ length: MAX_PROOF_LINES + 1 }, () => log.root(1)), checkpoint: log.checkpoint(9) }), RangeError)
})

t.test('a cosignature by a key the log did not configure for that witness is not accepted', async (t) => {
  const url = await realWitness(t)
  const expected = testCosigner('witness.test/client', 'the key the log was told about')
  await t.rejects(addCheckpoint(url, expected.key, { oldSize: 0, proof: [], checkpoint: log.checkpoint(2) }), { code: 'COSIGNATURE_INVALID', details: { check: 'missing', witness: url } })
})

t.test('unreachable, slow, broken and lying witnesses', async (t) => {
  // A port nothing listens on: take one, then close it.
  const closed = Fastify()
  await closed.listen({ host: '127.0.0.1', port: 0 })
  const closedUrl = `http://127.0.0.1:${(closed.server.address() as { port: number }).port}`
  await closed.close()
  const request = { oldSize: 0, proof: [], checkpoint: log.checkpoint(3) }
  await t.rejects(addCheckpoint(closedUrl, cosigner.key, request), { code: 'WITNESS_UNAVAILABLE', details: { witness: closedUrl } })

  const text = log.checkpointText(3)
  const goodLine = signCosignatureLine(cosigner, text, 1_800_000_000)
  const answers: Record<string, (reply: { status: (n: number) => unknown; type: (s: string) => unknown; send: (b: string) => unknown }) => void> = {
    '/silent': () => undefined,
    '/500': (reply) => { reply.status(500); reply.send('oops') },
    '/409-json': (reply) => { reply.status(409); reply.type('application/json'); reply.send('{"size":3}') },
    '/409-bad-size': (reply) => { reply.status(409); reply.type('text/x.tlog.size'); reply.send('03\n') },
    '/409-ok': (reply) => { reply.status(409); reply.type('text/x.tlog.size; charset=utf-8'); reply.send('17\n') },
    '/200-not-lines': (reply) => { reply.status(200); reply.send('hello\n') },
    '/200-no-newline': (reply) => { reply.status(200); reply.send(goodLine.trimEnd()) },
    '/200-forged': (reply) => { reply.status(200); reply.send(signCosignatureLine(cosigner, log.checkpointText(2), 1_800_000_000)) },
    '/200-time-zero': (reply) => { reply.status(200); reply.send(signCosignatureLine(cosigner, text, 0)) },
    '/200-huge': (reply) => { reply.status(200); reply.send(goodLine.repeat(1000)) },
    '/200-others-then-ours': (reply) => {
      reply.status(200)
      reply.send(`${signCosignatureLine(testCosigner('witness.test/other'), text, 5)}${goodLine}`)
    },
  }
  const fake = Fastify()
  fake.removeAllContentTypeParsers()
  fake.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body))
  for (const [prefix, answer] of Object.entries(answers)) {
    fake.post(`${prefix}/add-checkpoint`, async (_request, reply) => {
      if (prefix === '/silent') return new Promise(() => undefined) // never answers
      answer(reply)
      return reply
    })
  }
  const url = await listen(t, fake)
  const expectations: [string, string | { status: string; size?: number }][] = [
    ['/silent', 'WITNESS_UNAVAILABLE'],
    ['/500', 'WITNESS_UNAVAILABLE'],
    ['/409-json', 'WITNESS_UNAVAILABLE'],
    ['/409-bad-size', 'WITNESS_UNAVAILABLE'],
    ['/409-ok', { status: 'conflict', size: 17 }],
    ['/200-not-lines', 'WITNESS_UNAVAILABLE'],
    ['/200-no-newline', 'WITNESS_UNAVAILABLE'],
    ['/200-forged', 'COSIGNATURE_INVALID'],
    ['/200-time-zero', 'COSIGNATURE_INVALID'],
    ['/200-huge', 'WITNESS_UNAVAILABLE'],
    ['/200-others-then-ours', { status: 'cosigned' }],
  ]
  for (const [prefix, expected] of expectations) {
    const call = addCheckpoint(`${url}${prefix}`, cosigner.key, request, { timeoutMs: 300 })
    if (typeof expected === 'string') await t.rejects(call, { code: expected, details: { witness: `${url}${prefix}` } }, prefix)
    else t.match(await call, expected, prefix)
  }
  const mixed = await addCheckpoint(`${url}/200-others-then-ours`, cosigner.key, request)
  if (mixed.status !== 'cosigned') throw new Error('expected a cosignature')
  t.same(mixed.lines, [goodLine], "only the configured witness's line is kept")

  const aborted = new AbortController()
  const call = addCheckpoint(`${url}/silent`, cosigner.key, request, { signal: aborted.signal })
  aborted.abort()
  await t.rejects(call, { code: 'WITNESS_UNAVAILABLE' }, 'a caller can abort')
})
