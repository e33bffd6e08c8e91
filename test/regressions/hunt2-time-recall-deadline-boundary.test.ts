// Hunt (time): RECALL_OVERDUE and RECALL_LATE read one clock, the 72 hours (the longest start deadline) after a lot's
// first failed inspection was recorded. RECALL_LATE holds a recall recorded exactly 72 h after as on time (its
// class-iii deadline is "within 72 h"); before, RECALL_OVERDUE already named the lot at that same millisecond, so
// the regulator was told a recall was overdue that, recorded then, was not late. Now a lot is overdue only once
// its deadline is past: from 72 h and 1 ms, the first moment a recall would be late.

import t from 'tap'
import { join } from 'node:path'
import { DEMO_GENESIS, seedLedger } from '../../src/cli/demo.js'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { buildApp } from '../../src/http/app.js'
import { openEventStream } from '../helpers/sse.js'
import { testDir } from '../helpers/test-dir.js'

const RICE = 'https://id.gs1.org/01/06901234000115/10/R2605A'
const DEADLINE_MS = 72 * 3_600_000

t.test('at exactly 72 h a failed lot is neither overdue nor, recalled then, late; 1 ms past it is overdue', async (t) => {
  const dir = join(testDir(t), 'node')
  let now = Date.parse('2026-12-01T00:00:00.000Z')
  const node = await initialiseNode(dir, { clock: () => new Date(now), genesisAt: DEMO_GENESIS })
  t.teardown(() => node.close())
  await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: { computedIntervalMs: 50 } }, clock: () => new Date(now) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
  let n = 0
  const submit = (type: string, body: Record<string, unknown>) =>
    node.ledger.submit(buildStatementEnvelope({ type, actor: 'regulator-hz', id: `b-${++n}`, issuedAt: new Date(now).toISOString(), body } as Statement, [regulator]))
  const alertsOf = async (kind: string) => (await app.inject({ url: `/v1/alerts?kind=${kind}` })).json().alerts as { ids: string[] }[]

  const failedAt = now
  await submit('food.inspection', { lot: RICE, sampleId: 'S', method: 'm', result: { outcome: 'fail' }, certificate: { name: 'c', sha256: 'ef'.repeat(32) }, inspectedAt: new Date(now).toISOString() })
  const stream = await openEventStream(t, `http://127.0.0.1:${port}/v1/alerts/stream?kind=RECALL_OVERDUE`)
  now = failedAt + DEADLINE_MS
  t.same(await alertsOf('RECALL_OVERDUE'), [], 'at the deadline itself a recall is still in time')
  t.same(await stream.collect(300), [], 'and the stream, which looks at that very millisecond, sends nothing')
  now = failedAt + DEADLINE_MS + 1
  t.equal((await alertsOf('RECALL_OVERDUE')).length, 1, 'one millisecond past it, overdue')
  const sent = await Promise.race([stream.next(), new Promise<undefined>((resolve) => setTimeout(resolve, 3000))])
  t.match(sent && JSON.parse(sent.data), { kind: 'RECALL_OVERDUE' }, 'the stream sends it then: what it looked at before is not passed by')

  now = failedAt + DEADLINE_MS
  await submit('food.recall', { ids: [RICE], reason: 'failed inspection', severity: 'class-iii' })
  t.same(await alertsOf('RECALL_LATE'), [], 'a class-iii recall recorded at exactly 72 h is not late')
})
