// Hunt 4 (seals): a seal or application id of "." or "..". The schemas took any 1-64 of [A-Za-z0-9._-], so an
// admin could register seal ".." and a clerk apply under id ".": but every browser, fetch() and curl remove dot
// segments from a URL's path (RFC 3986 §5.2.4; %2E too), so /seals/.. opened the node's home page, /seals/. a
// 400, the console's links to them led there, and /v1/seals/applications/.. asked for /v1/seals/: a seal whose
// public page (村务公开) nobody can open, an application whose record and proof bundle nobody can fetch. Now
// such an id is refused where it would be made, 400 SCHEMA_INVALID, and nothing is written; "..." and ".a" are
// ids like any other.

import t from 'tap'
import { SEAL, SHA, VILLAGE, village } from '../helpers/seal.js'

const register = (sealId: string) => ({ sealId, org: VILLAGE, name: { zh: '测试章' }, custodian: 'custodian', approvers: ['director'] })
const application = (applicationId: string) => ({ applicationId, sealId: SEAL, title: '测试', purpose: '测试', document: { name: 'a.pdf', sha256: SHA('a') }, copies: 1 })

t.test('a seal or an application named "." or ".." is refused, and nothing is written', async (t) => {
  const v = await village(t)
  const size = async () => (await v.get('/v1/checkpoint')).body
  const before = await size()
  for (const id of ['.', '..']) {
    const sealRefused = await v.post(v.statement('seal.register', 'operator', register(id)))
    t.equal(sealRefused.statusCode, 400, `seal ${id}`)
    t.equal(sealRefused.json().code, 'SCHEMA_INVALID')
    const applicationRefused = await v.post(v.statement('seal.apply', 'clerk', application(id)))
    t.equal(applicationRefused.statusCode, 400, `application ${id}`)
    t.equal(applicationRefused.json().code, 'SCHEMA_INVALID')
  }
  t.equal(await size(), before, 'the log is as it was')
  t.same((await v.get('/v1/seals')).json().seals.map((s: { sealId: string }) => s.sealId), [SEAL])
  t.same((await v.get('/v1/alerts')).json().alerts, [], 'no attempt is counted: the form is wrong, not the actor')
})

t.test('ids with dots that are not dot segments are taken and reachable over HTTP', async (t) => {
  const v = await village(t)
  await v.accept('seal.register', 'operator', register('...'))
  await v.accept('seal.apply', 'clerk', { ...application('.a'), sealId: '...' })
  const address = await v.app.listen({ host: '127.0.0.1', port: 0 })
  const page = await fetch(`${address}/seals/...`)
  t.equal(page.status, 200)
  t.match(await page.text(), /测试章/)
  const record = await fetch(`${address}/v1/seals/applications/.a`)
  t.equal(record.status, 200)
  t.equal((await record.json()).applicationId, '.a')
})
