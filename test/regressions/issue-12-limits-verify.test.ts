// Issue 12: GET /v1/verify audited any range, the whole log by default, as many at once as were asked
// for. Now at most 10,000 entries (400 RANGE_TOO_LARGE beyond, and without a range on a larger log),
// one audit at a time (429 BUSY with Retry-After); `tracechain verify --url` still audits every entry.

import t from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { toBase64 } from '../../src/core/bytes.js'
import { verifyUrl } from '../../src/cli/verify.js'
import { buildApp } from '../../src/http/app.js'
import { MAX_VERIFY_RANGE } from '../../src/ledger/audit-ledger.js'
import { FIXED_TIME, makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const BATCH = 1000
// Eleven thousand signed entries and three audits of them: minutes on a loaded two-core machine.
t.setTimeout(600_000)

t.test('a log over 10,000 entries: bounded audits over HTTP, the whole log by the CLI', async (t) => {
  const node = await makeNode(testDir(t))
  // Entry 0 is the genesis; registrations fill the log past the bound.
  for (let done = 0; done < MAX_VERIFY_RANGE + 1; done += BATCH) {
    const envelopes = Array.from({ length: BATCH }, (_, i) =>
      buildStatementEnvelope(
        {
          type: 'actor.register',
          actor: 'operator',
          id: `bulk-${done + i}`,
          issuedAt: FIXED_TIME,
          body: { id: `bulk-${done + i}`, name: 'bulk', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) },
        },
        [node.operator],
      ),
    )
    const outcomes = await node.ledger.submitMany(envelopes)
    t.ok(outcomes.every((outcome) => 'seq' in outcome), `batch from ${done} accepted`)
  }
  const size = node.ledger.size
  t.ok(size > MAX_VERIFY_RANGE + 1)
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })

  const whole = await app.inject('/v1/verify')
  t.equal(whole.statusCode, 400, 'no range on a larger log')
  t.equal(whole.json().code, 'RANGE_TOO_LARGE')
  const wide = await app.inject(`/v1/verify?from=0&to=${MAX_VERIFY_RANGE + 1}`)
  t.equal(wide.json().code, 'RANGE_TOO_LARGE')
  const tail = await app.inject(`/v1/verify?from=${size - MAX_VERIFY_RANGE}&to=${size}`)
  t.equal(tail.statusCode, 200, 'the largest range allowed')
  t.match(tail.json(), { ok: true, checked: MAX_VERIFY_RANGE })

  // Several audits at once: one runs, the others are told when to come back.
  const answers = await Promise.all(Array.from({ length: 4 }, () => app.inject(`/v1/verify?from=0&to=${MAX_VERIFY_RANGE}`)))
  const statuses = answers.map((answer) => answer.statusCode).sort()
  t.same(statuses, [200, 429, 429, 429])
  for (const busy of answers.filter((answer) => answer.statusCode === 429)) {
    t.equal(busy.json().code, 'BUSY')
    t.ok(Number(busy.headers['retry-after']) >= 1, 'Retry-After')
  }
  t.equal((await app.inject('/v1/verify?from=0&to=5')).statusCode, 200, 'the next audit runs once the last one is done')

  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const outcome = await verifyUrl(`http://127.0.0.1:${port}`)
  t.match(outcome, { ok: true, checked: size, size }, 'the CLI audits every entry, without /v1/verify')
})
