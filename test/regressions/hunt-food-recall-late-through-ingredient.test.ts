// Hunt (food): a failed lot's recall clock stops at the first recall that covers it, its own or an ingredient's
// (docs/food.md: RECALL_OVERDUE ends when "a recall that then comes", and that recall "raises RECALL_LATE").
// When that first recall was an ingredient's, recorded after the deadline, RECALL_OVERDUE vanished and no
// RECALL_LATE was raised; a recall of the lot itself afterwards found it covered already and raised nothing
// either. A late regulator could erase the evidence by recalling an ingredient. Now the ingredient's recall
// raises RECALL_LATE for each failed lot it is the first to cover, late for its class.

import t from 'tap'
import { join } from 'node:path'
import { DEMO_GENESIS, seedLedger } from '../../src/cli/demo.js'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import type { Statement } from '../../src/core/statement.js'
import { buildApp } from '../../src/http/app.js'
import { testDir } from '../helpers/test-dir.js'

const HOUR = 3_600_000
const lot = (gtin: string, number: string) => `https://id.gs1.org/01/${gtin}/10/${number}`
const ZONGZI_A = lot('06901234001037', 'Z260526A') // made from rice R2605A and pork P2605B
const PORK_B = lot('06901234000283', 'P2605B')
const RICE = lot('06901234000115', 'R2605A')

t.test("an ingredient's recall that first covers a failed lot after its deadline raises RECALL_LATE", async (t) => {
  const dir = join(testDir(t), 'node')
  let now = Date.parse('2026-12-01T00:00:00.000Z')
  const node = await initialiseNode(dir, { clock: () => new Date(now), genesisAt: DEMO_GENESIS })
  t.teardown(() => node.close())
  await seedLedger(node.ledger, readKeyFile(join(dir, 'keys', 'operator.json')))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date(now) })
  t.teardown(() => app.close())
  const regulator = readKeyFile(new URL('../../keys/demo/regulator-hz.json', import.meta.url).pathname)
  let n = 0
  const submit = async (type: string, body: Record<string, unknown>) => {
    const envelope = buildStatementEnvelope({ type, actor: 'regulator-hz', id: `late-${++n}`, issuedAt: new Date(now).toISOString(), body } as Statement, [regulator])
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope })
    t.equal(response.statusCode, 201, type)
    return response.json().seq as number
  }
  const alertsOf = async (kind: string) => (await app.inject(`/v1/alerts?kind=${kind}`)).json().alerts as { seqs: number[]; ids: string[]; message: string }[]
  const failed = await submit('food.inspection', {
    lot: ZONGZI_A, sampleId: 'S', method: 'm', result: { outcome: 'fail' }, certificate: { name: 'c', sha256: 'ef'.repeat(32) }, inspectedAt: new Date(now).toISOString(),
  })
  now += 80 * HOUR
  t.equal((await alertsOf('RECALL_OVERDUE')).length, 1, 'no recall covers the zongzi 80 h after it failed')
  const recall = await submit('food.recall', { ids: [PORK_B], reason: 'failed inspection of the zongzi made from it', severity: 'class-i' })
  t.same(await alertsOf('RECALL_OVERDUE'), [], "the pork's recall covers the zongzi: no longer overdue")
  const late = await alertsOf('RECALL_LATE')
  t.equal(late.length, 1, 'and it was late')
  t.match(late[0], { seqs: [failed, recall], ids: ['urn:epc:class:lgtin:6901234.000103.Z260526A'], message: /recalled \(class-i\) 80 h after its failed inspection/ })

  // A recall in time of another ingredient, of a lot that never failed, raises nothing more.
  await submit('food.recall', { ids: [RICE], reason: 'precaution', severity: 'class-iii' })
  t.equal((await alertsOf('RECALL_LATE')).length, 1)
})
