// The stateless checks in worker threads give exactly what they give in the calling thread, for good
// statements and for every kind of refusal, in order across the pieces a request is split into; a
// worker that dies fails only its own jobs, and the pool carries on with a new one.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { buildStatementEnvelope, signEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { STATEMENT_PAYLOAD_TYPE, type Statement } from '../../src/core/statement.js'
import { CHECK_THREAD_NICE, CheckPool } from '../../src/ledger/check-pool.js'
import { inlineChecker, keyidsOf, type CheckJob } from '../../src/ledger/checks.js'
import { admin, job, other, register } from '../helpers/check-jobs.js'
import { newSigner } from '../helpers/ledger.js'

/** One envelope of every outcome the checks can give. */
function everyCase(): [string, unknown][] {
  const good = buildStatementEnvelope(register(1), [admin])
  const forged = { ...buildStatementEnvelope(register(2), [admin]), signatures: buildStatementEnvelope(register(3), [admin]).signatures }
  const nonCanonical = signEnvelope(STATEMENT_PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(register(4), null, 1)), [admin])
  const unknownType = signEnvelope(STATEMENT_PAYLOAD_TYPE, canonicalBytes({ ...register(5), type: 'food.nothing' }), [admin])
  const badBody = signEnvelope(STATEMENT_PAYLOAD_TYPE, canonicalBytes({ ...register(6), body: { id: 'x' } }), [admin])
  const future = buildStatementEnvelope(register(7, { issuedAt: '2027-01-01T00:00:00.000Z' }), [admin])
  const huge = signEnvelope(STATEMENT_PAYLOAD_TYPE, canonicalBytes({ ...register(8), body: { ...register(8).body, name: 'x'.repeat(50_000) } }), [admin])
  const unknownKey = buildStatementEnvelope(register(9), [newSigner()])
  const cosigned = buildStatementEnvelope(register(10), [admin, other])
  return [
    ['good', good],
    ['a signature over other bytes', forged],
    ['not canonical JSON', nonCanonical],
    ['an unknown type', unknownType],
    ['a body against its schema', badBody],
    ['issued in the future', future],
    ['too large', huge],
    ['a key nobody registered (decided later, by the sequencer)', unknownKey],
    ['co-signed', cosigned],
    ['not an envelope', { payload: 3 }],
    ['null', null],
    ['bad base64', { ...good, payload: '@@@@' }],
    ['no signatures', { ...good, signatures: [] }],
  ]
}

t.test('worker threads and the calling thread give the same outcome for every case', async (t) => {
  const pool = new CheckPool({ size: 2 })
  t.teardown(() => pool.close())
  const cases = everyCase()
  const envelopes = cases.map(([, e]) => e)
  const inline = await inlineChecker(nodeEd25519).check(job(envelopes))
  const pooled = await pool.check(job(envelopes))
  t.same(pooled, inline)
  const byName = Object.fromEntries(cases.map(([name], i) => [name, inline[i]]))
  t.match(byName.good, { payloadHash: /^[0-9a-f]{64}$/, verifiedKeys: [toBase64(admin.publicKey)] })
  t.match(byName['co-signed'], { verifiedKeys: [toBase64(admin.publicKey), toBase64(other.publicKey)] })
  t.same((byName['a key nobody registered (decided later, by the sequencer)'] as { verifiedKeys: unknown[] }).verifiedKeys, [undefined])
  const codes = Object.fromEntries(cases.map(([name], i) => [name, 'refused' in inline[i] ? (inline[i] as { refused: { code: string } }).refused.code : 'ok']))
  t.same(codes, {
    good: 'ok',
    'a signature over other bytes': 'SIGNATURE_INVALID',
    'not canonical JSON': 'PAYLOAD_NOT_CANONICAL',
    'an unknown type': 'STATEMENT_TYPE_UNKNOWN',
    'a body against its schema': 'SCHEMA_INVALID',
    'issued in the future': 'ISSUED_IN_FUTURE',
    'too large': 'STATEMENT_TOO_LARGE',
    'a key nobody registered (decided later, by the sequencer)': 'ok',
    'co-signed': 'ok',
    'not an envelope': 'BAD_REQUEST',
    null: 'BAD_REQUEST',
    'bad base64': 'ENCODING_INVALID',
    'no signatures': 'BAD_REQUEST',
  })
})

t.test('a request split across workers comes back whole and in order', async (t) => {
  const pool = new CheckPool({ size: 2 })
  t.teardown(() => pool.close())
  const statements = Array.from({ length: 300 }, (_, i) => register(100 + i))
  const envelopes = statements.map((s, i) => (i % 7 === 3 ? { ...buildStatementEnvelope(s, [admin]), signatures: [] } : buildStatementEnvelope(s, [admin])))
  const outcomes = await pool.check(job(envelopes))
  t.equal(outcomes.length, 300)
  outcomes.forEach((outcome, i) => {
    if (i % 7 === 3) t.equal('refused' in outcome, true, `envelope ${i} refused`)
    else if ('refused' in outcome) t.fail(`envelope ${i}: ${outcome.refused.message}`)
    else t.equal(outcome.statement.id, statements[i].id, `envelope ${i} in its place`)
  })
})

t.test('a worker that dies fails its own jobs with INTERNAL and is replaced', async (t) => {
  const pool = new CheckPool({ size: 1 })
  t.teardown(() => pool.close())
  const envelopes = Array.from({ length: 200 }, (_, i) => buildStatementEnvelope(register(1000 + i), [admin]))
  const doomed = pool.check(job(envelopes))
  // The pool's only thread, terminated mid-job, as a crash would.
  const worker = (pool as unknown as { workers: { worker: { terminate(): Promise<number> } }[] }).workers[0].worker
  await worker.terminate()
  await t.rejects(doomed, { code: 'INTERNAL', message: /a check worker stopped/ })
  const after = await pool.check(job(envelopes.slice(0, 3)))
  t.equal(after.filter((o) => !('refused' in o)).length, 3, 'the replacement checks')
})

t.test('on Linux the check threads run at a lower priority than the sequencer', async (t) => {
  const { readdirSync, readFileSync } = await import('node:fs')
  const { getPriority } = await import('node:os')
  /** Each thread of this process by its tid, with its nice value. */
  const threads = () =>
    new Map(
      readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
        // Fields after the parenthesised name: state is field 3, nice field 19.
        return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const
      }),
    )
  const main = getPriority(0)
  const lowered = Math.min(19, main + CHECK_THREAD_NICE)
  const before = threads()
  const pool = new CheckPool({ size: 2 })
  t.teardown(() => pool.close())
  // Enough statements that both threads take a part: a thread lowers itself before it takes any job, so
  // once both have answered both are lowered (one statement would prove it only for the thread it went to).
  const envelopes = Array.from({ length: 128 }, (_, i) => buildStatementEnvelope(register(2000 + i), [admin]))
  const outcomes = await pool.check(job(envelopes))
  t.equal(outcomes.filter((o) => !('refused' in o)).length, 128)
  t.equal(getPriority(0), main, 'the main thread keeps its priority')
  const after = threads()
  // Only threads the pool brought are counted: a pool of an earlier test may still be winding down, and
  // a thread a check thread starts (libuv's pool, if it is the first to use it) inherits its nice value.
  const started = [...after].filter(([tid]) => !before.has(tid))
  t.ok(started.filter(([, nice]) => nice === lowered).length >= 2, `the two check threads at nice ${lowered}`)
  t.same(
    [...before].filter(([tid]) => after.has(tid)).map(([tid]) => [tid, after.get(tid)]),
    [...before].filter(([tid]) => after.has(tid)),
    'no thread that was there before changed its priority',
  )
})

t.test('a closed pool refuses new work', async (t) => {
  const pool = new CheckPool({ size: 1 })
  await pool.close()
  await t.rejects(pool.check(job([null])), { code: 'SHUTTING_DOWN' })
})
