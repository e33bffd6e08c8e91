// C2SP tlog-witness add-checkpoint through a real port: every status the spec defines, in its order,
// with the exact 409 format; the record is untouched by every refusal; concurrent requests are atomic.
import { writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { verifyCosignatures } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { formatAddCheckpointRequest, MAX_ADD_CHECKPOINT_BODY } from '../../src/witness/protocol.js'
import { originHashOf, WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { TestLog, testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

const NOW_MS = 1_800_000_000_123
const cosigner = testCosigner()
const log = new TestLog('tracechain.test/a').append(40, 'main')
const fork = log.fork(5).append(35, 'fork')
const fresh = new TestLog('tracechain.test/fresh').append(4, 'x')
const impostor = new TestLog('tracechain.test/a', { keyLabel: 'another key' }).append(40, 'main')
const unknown = new TestLog('tracechain.test/unknown').append(3, 'u')

async function startWitness(t: Test) {
  const dir = testDir(t, {})
  const state = new WitnessState(join(dir, 'logs'))
  const witness = new Witness({ cosigner, logs: [log.verifierKey, fresh.verifierKey], state, ed: nodeEd25519, clock: () => NOW_MS })
  const app = buildWitnessApp({ witness })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const post = async (body: string | Uint8Array, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: typeof body === 'string' ? body : Buffer.from(body), headers })
    return { status: response.status, type: response.headers.get('content-type') ?? '', nosniff: response.headers.get('x-content-type-options'), text: await response.text() }
  }
  const add = (oldSize: number, proof: Uint8Array[], checkpoint: string) => post(formatAddCheckpointRequest({ oldSize, proof, checkpoint }))
  return { dir, url, witness, state, post, add }
}

function codeOf(answer: { text: string }): string {
  return (JSON.parse(answer.text) as { code: string }).code
}

t.test('200, 409, 422, 403, 404, 400 as the spec orders them', async (t) => {
  const w = await startWitness(t)

  // 200: first sight of a log with old 0 (nothing to be consistent with yet).
  const first = await w.add(0, [], log.checkpoint(3))
  t.equal(first.status, 200)
  t.match(first.type, /^text\/plain/)
  t.equal(first.nosniff, 'nosniff', 'as every answer of the node: no browser reads a cosignature as HTML')
  t.match(first.text, /^\u2014 witness\.test\/w1 [A-Za-z0-9+/]+=*\n$/)
  const cosigned = `${log.checkpoint(3)}${first.text}`
  t.same(verifyCosignatures(nodeEd25519, cosigned, [cosigner.key]).cosignatures, [
    { name: 'witness.test/w1', keyHash: Buffer.from(cosigner.key.keyHash).toString('hex'), timestamp: Math.floor(NOW_MS / 1000) },
  ])
  t.equal(verifyCheckpoint(nodeEd25519, cosigned, log.verifierKey).size, 3, 'the log key alone still reads the cosigned note')

  // 409: old is not the latest cosigned size; the body is that size, as text/x.tlog.size.
  for (const old of [0, 2, 4]) {
    const conflict = await w.add(old, log.proof(old, 8), log.checkpoint(8))
    t.equal(conflict.status, 409, `old ${old}`)
    t.equal(conflict.type, 'text/x.tlog.size')
    t.equal(conflict.text, '3\n')
  }

  // 200: extends 3 -> 8 with a proof; 8 -> 8 again (same root) is cosigned again.
  t.equal((await w.add(3, log.proof(3, 8), log.checkpoint(8))).status, 200)
  t.equal((await w.add(8, [], log.checkpoint(8))).status, 200)

  // 422: a proof that does not verify, is short, is long, or names the other fork.
  const proof = log.proof(8, 20)
  const flipped = proof.map((hash, i) => (i === 0 ? Uint8Array.from(hash, (b, j) => (j === 0 ? b ^ 1 : b)) : hash))
  for (const [label, bad] of [
    ['flipped', flipped],
    ['short', proof.slice(1)],
    ['long', [...proof, proof[0]]],
    ['empty', []],
  ] as const) {
    const refused = await w.add(8, [...bad], log.checkpoint(20))
    t.equal(refused.status, 422, label)
    t.equal(codeOf(refused), 'PROOF_INVALID')
  }
  const forked = await w.add(8, fork.proof(8, 20), fork.checkpoint(20))
  t.equal(forked.status, 422, 'a fork of the cosigned history, same key, own valid proof')
  const sameSizeOtherRoot = await w.add(8, [], fork.checkpoint(8))
  t.equal(sameSizeOtherRoot.status, 422, 'the same size with another root')
  t.equal((await w.add(8, proof.slice(0, 0), log.checkpoint(8).replace(toBase64(log.root(8)), toBase64(fork.root(8))))).status, 403, 'a root edited after signing is a bad signature, not a proof matter')

  // 422 for a fresh log: a proof from 0, and an empty tree whose root is not SHA-256("").
  const withProof = await w.add(0, [log.root(1)], fresh.checkpoint(2))
  t.equal(withProof.status, 422, 'a proof sent with old 0')
  const emptyWrongRoot = fresh.checkpoint(0).replace(toBase64(fresh.root(0)), toBase64(fresh.root(1)))
  t.equal((await w.add(0, [], emptyWrongRoot)).status, 403, 'an edited empty checkpoint: its signature fails first')
  const signedEmptyWrongRoot = new TestLog('tracechain.test/fresh')
  const text = `tracechain.test/fresh\n0\n${toBase64(fresh.root(1))}\n`
  const { signNote } = await import('../../src/core/signed-note.js')
  const emptyRefused = await w.add(0, [], signNote(text, [signedEmptyWrongRoot.signer]))
  t.equal(emptyRefused.status, 422, 'a signed size-0 checkpoint with a root other than SHA-256("")')
  t.equal(codeOf(emptyRefused), 'PROOF_INVALID')

  // 403: no signature by a trusted key (another key under the log's name), or a trusted key's bad signature.
  const byImpostor = await w.add(8, impostor.proof(8, 20), impostor.checkpoint(20))
  t.equal(byImpostor.status, 403)
  t.equal(codeOf(byImpostor), 'LOG_SIGNATURE_INVALID')
  const good = log.checkpoint(20)
  const lastSignatureChar = good.length - 3
  const tampered = `${good.slice(0, lastSignatureChar)}${good[lastSignatureChar] === 'A' ? 'B' : 'A'}${good.slice(lastSignatureChar + 1)}`
  t.equal((await w.add(8, log.proof(8, 20), tampered)).status, 403, 'a trusted key id with a signature that fails')
  t.equal((await w.add(8, log.proof(8, 20), `${good}${tampered.slice(tampered.lastIndexOf('\u2014'))}`)).status, 403, 'a second line by the trusted key that fails')
  t.equal((await w.add(8, log.proof(8, 20), `${good}${good.slice(good.lastIndexOf('\u2014'))}`)).status, 403, 'the same trusted line twice')
  // 403 comes before the size checks: a wrong old size with a bad signature is 403, not 409.
  t.equal((await w.add(1, [], impostor.checkpoint(20))).status, 403)

  // 404: an origin the witness does not witness, before any signature or size check.
  const notWitnessed = await w.add(7, [], unknown.checkpoint(3))
  t.equal(notWitnessed.status, 404)
  t.equal(codeOf(notWitnessed), 'LOG_UNKNOWN')

  // 400: old larger than the checkpoint (after the signature checks), then malformed bodies.
  const tooOld = await w.add(9, [], log.checkpoint(8))
  t.equal(tooOld.status, 400)
  t.equal(codeOf(tooOld), 'BAD_REQUEST')
  const note = log.checkpoint(8)
  const hash = `${toBase64(log.root(1))}\n`
  const malformed: [string, string | Uint8Array][] = [
    ['empty', ''],
    ['no old line', `\n${note}`],
    ['leading zero', `old 08\n\n${note}`],
    ['negative', `old -1\n\n${note}`],
    ['no space', `old8\n\n${note}`],
    ['trailing space', `old 8 \n\n${note}`],
    ['no empty line', `old 8\n${note}`],
    ['nothing after the empty line', `old 8\n\n`],
    ['a proof line that is not base64', `old 8\nnot base64!\n\n${note}`],
    ['a 31-byte hash', `old 8\n${toBase64(new Uint8Array(31))}\n\n${note}`],
    ['64 proof lines', `old 8\n${hash.repeat(64)}\n${note}`],
    ['a note without signatures', `old 8\n\n${log.checkpointText(8)}`],
    ['a checkpoint text that does not parse', `old 8\n\n${note.replace('\n8\n', '\n08\n')}`],
    ['CRLF line ends', `old 8\r\n\r\n${note}`],
    ['not UTF-8', Uint8Array.from([...Buffer.from('old 8\n\n'), 0xff, 0xfe, ...Buffer.from(note)])],
  ]
  for (const [label, body] of malformed) {
    const refused = await w.post(body)
    t.equal(refused.status, 400, label)
    t.equal(codeOf(refused), 'BAD_REQUEST', label)
  }
  t.equal((await w.post(`old 8\n${hash.repeat(63)}\n${note}`)).status, 422, '63 proof lines parse (and then fail as a proof)')

  // Nothing refused moved the record.
  t.equal(w.witness.latestSize(log.origin), 8)
  t.equal(w.witness.latestSize(fresh.origin), 0)
})

t.test('any request Content-Type is read; bodies are bounded (413)', async (t) => {
  const w = await startWitness(t)
  const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: log.checkpoint(2) })
  t.equal((await w.post(body, { 'content-type': 'application/octet-stream' })).status, 200)
  t.equal((await w.post(formatAddCheckpointRequest({ oldSize: 2, proof: log.proof(2, 3), checkpoint: log.checkpoint(3) }), { 'content-type': 'application/x-www-form-urlencoded' })).status, 200)
  const huge = await w.post(`old 3\n\n${'x'.repeat(MAX_ADD_CHECKPOINT_BODY)}`)
  t.equal(huge.status, 413)
  t.equal(codeOf(huge), 'BODY_TOO_LARGE')
  const get = await fetch(`${w.url}/add-checkpoint`)
  t.equal(get.status, 405, 'add-checkpoint is POST only')
  t.equal(get.headers.get('allow'), 'POST')
})

t.test('the monitoring read serves the latest cosigned checkpoint with the log and witness signatures', async (t) => {
  const w = await startWitness(t)
  const path = `${w.url}/${originHashOf(log.origin)}/checkpoint`
  t.equal((await fetch(path)).status, 404, 'nothing cosigned yet')
  // The submitted note carries a stranger's line too: not kept, since the witness did not verify it.
  const stranger = testCosigner('someone.else/w', 'stranger')
  const { signCosignatureLine } = await import('../../src/core/cosignature.js')
  const submitted = `${log.checkpoint(6)}${signCosignatureLine(stranger, log.checkpointText(6), 5)}`
  const answer = await w.add(0, [], submitted)
  t.equal(answer.status, 200)
  const served = await fetch(path)
  t.equal(served.status, 200)
  const note = await served.text()
  t.equal(note, `${log.checkpoint(6)}${answer.text}`)
  t.equal(verifyCheckpoint(nodeEd25519, note, log.verifierKey).size, 6)
  t.equal(verifyCosignatures(nodeEd25519, note, [cosigner.key]).cosignatures.length, 1)
  t.equal((await fetch(`${w.url}/${'0'.repeat(64)}/checkpoint`)).status, 404)
  t.equal((await fetch(`${w.url}/..%2Fkeys/checkpoint`)).status, 404)
  t.equal((await fetch(`${w.url}/${originHashOf(log.origin).toUpperCase()}/checkpoint`)).status, 404)
})

t.test('concurrent requests: one check-and-record at a time, so exactly one of N racing forks wins', async (t) => {
  const w = await startWitness(t)
  t.equal((await w.add(0, [], log.checkpoint(5))).status, 200)
  const forks = Array.from({ length: 12 }, (_, i) => log.fork(5).append(10 + i, `race ${i}`))
  const answers = await Promise.all(forks.map((f) => w.add(5, f.proof(5, f.leaves.length), f.checkpoint(f.leaves.length))))
  t.equal(answers.filter((a) => a.status === 200).length, 1, 'one fork cosigned')
  t.same([...new Set(answers.filter((a) => a.status !== 200).map((a) => a.status))], [409], 'the others find the size moved')
  const winner = forks[answers.findIndex((a) => a.status === 200)]
  t.equal(w.witness.latestSize(log.origin), winner.leaves.length)
})

t.test('a damaged record is never read as "never cosigned": the witness refuses (500) rather than cosign', async (t) => {
  const w = await startWitness(t)
  t.equal((await w.add(0, [], log.checkpoint(5))).status, 200)
  const file = join(w.dir, 'logs', `${originHashOf(log.origin)}.json`)
  for (const damage of ['', '{"origin":', '{}', JSON.stringify({ origin: log.origin, size: 5, rootHash: toBase64(log.root(4)), checkpoint: log.checkpoint(5) })]) {
    writeFileSync(file, damage)
    const answer = await w.add(0, [], fork.checkpoint(9))
    t.equal(answer.status, 500, JSON.stringify(damage.slice(0, 20)))
    t.equal(codeOf(answer), 'STORE_CORRUPT')
  }
})

t.test('a request that does not arrive whole within the request timeout is dropped (408), and the witness answers others meanwhile', async (t) => {
  const dir = testDir(t, {})
  const witness = new Witness({ cosigner, logs: [fresh.verifierKey], state: new WitnessState(join(dir, 'logs')), ed: nodeEd25519, clock: () => NOW_MS })
  const app = buildWitnessApp({ witness, requestTimeoutMs: 500 })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const port = (app.server.address() as { port: number }).port
  const started = Date.now()
  const stalled = new Promise<number>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/add-checkpoint', headers: { 'content-length': 1000 } }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', reject)
    request.write('old 0\n')
  })
  const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: fresh.checkpoint(4) })
  t.equal((await fetch(`http://127.0.0.1:${port}/add-checkpoint`, { method: 'POST', body })).status, 200, 'another client is answered meanwhile')
  t.equal(await stalled, 408, 'the stalled one is dropped')
  t.ok(Date.now() - started < 5000, `after ${Date.now() - started} ms`)
})
