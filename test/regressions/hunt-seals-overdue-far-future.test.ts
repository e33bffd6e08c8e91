// Hunt (seals): OVERDUE for a due date that ends after year 9999. On a node whose zone is UTC or west of it
// (`serve --zone Z`, `-05:00`), the end of the local day 9999-12-31 (the date many systems write for "no
// deadline") is in year 10000, whose ISO form "+010000-01-01T…" sorts before every four-digit year. Before,
// the due index is read in key order up to now, so such an application was OVERDUE in /v1/alerts (and the
// console's overdue filter) from the day it was made, while its seal page, comparing times, said nothing.

import { join } from 'node:path'
import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { DOMAINS, domainKinds } from '../../src/domains.js'
import { buildApp } from '../../src/http/app.js'
import { newSigner } from '../helpers/ledger.js'
import { SHA } from '../helpers/seal.js'
import { testDir } from '../helpers/test-dir.js'

const NOW = '2026-06-01T02:00:00.000Z'

for (const zoneOffset of ['Z', '-05:00']) {
  t.test(`zone ${zoneOffset}: an application due 9999-12-31 is not overdue in 2026`, async (t) => {
    const dir = testDir(t)
    const domainConfigs = { seal: { zoneOffset } }
    const clock = () => new Date(NOW)
    const node = await initialiseNode(join(dir, 'node'), { clock, kinds: domainKinds(DOMAINS, domainConfigs) })
    const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock, domainConfigs })
    t.teardown(async () => {
      await app.close()
      await node.close()
    })
    const operator = readKeyFile(join(dir, 'node', 'keys', 'operator.json'))
    let n = 0
    const post = async (type: string, actor: string, body: Record<string, unknown>, signer: typeof operator) => {
      const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: buildStatementEnvelope({ type, actor, id: `s-${++n}`, issuedAt: NOW, body }, [signer]) })
      t.equal(response.statusCode, 201, `${type}: ${response.body.slice(0, 200)}`)
    }
    const keys = new Map<string, ReturnType<typeof newSigner>>()
    for (const id of ['clerk', 'director', 'custodian']) {
      keys.set(id, newSigner())
      await post('actor.register', 'operator', { id, name: id, roles: ['member'], org: 'village', publicKey: toBase64(keys.get(id)!.publicKey) }, operator)
    }
    await post('seal.register', 'operator', { sealId: 'seal-1', org: 'village', name: '公章', custodian: 'custodian', approvers: ['director'] }, operator)
    const apply = (applicationId: string, dueDate: string) =>
      post('seal.apply', 'clerk', { applicationId, sealId: 'seal-1', title: applicationId, purpose: 'p', document: { name: 'd', sha256: SHA('a') }, copies: 1, dueDate }, keys.get('clerk')!)
    await apply('no-deadline', '9999-12-31')
    await apply('past', '2026-05-01')

    const overdue = (await app.inject('/v1/alerts?kind=OVERDUE')).json().alerts as { applicationIds: string[] }[]
    t.same(overdue.map((a) => a.applicationIds[0]), ['past'], 'only the application whose day has ended')
    const table = await app.inject('/console/seals?state=overdue&lang=en')
    t.equal(table.statusCode, 200)
    t.notMatch(table.body, /no-deadline/, "the console's overdue rows leave it out too")
    t.match(table.body, /past/)
  })
}
