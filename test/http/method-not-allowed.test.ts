// A served path asked with a method it does not take answers 405 METHOD_NOT_ALLOWED with `Allow`, and writes
// nothing; a path nothing serves stays 404. Every route of the app's own OpenAPI document is tried, so a new
// route is covered when added; the witness's server too.

import t from 'tap'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { buildWitnessApp } from '../../src/witness/server.js'
import { WitnessState } from '../../src/witness/state.js'
import { Witness } from '../../src/witness/witness.js'
import { testDir } from '../helpers/test-dir.js'
import { demoApp } from '../helpers/web.js'
import { TestLog, testCosigner } from '../helpers/witness.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

t.test('every documented path: a method it does not take is 405 with Allow, and nothing is written', async (t) => {
  const { node, app } = await demoApp(t)
  await app.ready()
  const size = node.ledger.size
  const paths = Object.entries((app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths)
  t.ok(paths.length > 20, `${paths.length} paths`)
  for (const [documented, operations] of paths) {
    const url = documented.replace(/\{(\w+)\}/g, 'x1')
    const takes = Object.keys(operations).map((method) => method.toUpperCase())
    const wrong = METHODS.find((method) => !takes.includes(method) && !(method === 'HEAD' && takes.includes('GET')))
    if (wrong === undefined) continue
    const response = await app.inject({ method: wrong, url, payload: wrong === 'GET' || wrong === 'HEAD' ? undefined : '{}', headers: { 'content-type': 'application/json' } })
    t.equal(response.statusCode, 405, `${wrong} ${url}`)
    const allow = String(response.headers.allow).split(', ')
    for (const method of takes) t.ok(allow.includes(method), `${wrong} ${url}: Allow names ${method}`)
    t.notOk(allow.includes(wrong), `${wrong} ${url}: Allow does not name ${wrong}`)
    t.match(response.json(), { statusCode: 405, code: 'METHOD_NOT_ALLOWED', message: new RegExp(`does not take ${wrong}`), details: { allow } })
  }
  t.equal(node.ledger.size, size, 'nothing written')
})

t.test('the cases people meet', async (t) => {
  const { app } = await demoApp(t)
  const getWrite = await app.inject({ method: 'GET', url: '/v1/statements' })
  t.equal(getWrite.statusCode, 405)
  t.equal(getWrite.headers.allow, 'POST')
  const postRead = await app.inject({ method: 'POST', url: '/v1/checkpoint', payload: 'x' })
  t.equal(postRead.statusCode, 405)
  t.equal(postRead.headers.allow, 'GET, HEAD')
  const lot = await app.inject({ method: 'DELETE', url: '/01/06901234001037/10/Z260526A?x=1' })
  t.equal(lot.statusCode, 405, 'a Digital Link path, with a query')
  t.match(lot.json().message, /^\/01\/06901234001037\/10\/Z260526A does not take DELETE/)

  for (const [method, url] of [['GET', '/v1/nothing-here'], ['POST', '/v1/nothing-here'], ['GET', '/v1/statements/extra'], ['GET', '/V1/CHECKPOINT'], ['GET', '/v1/checkpoint/']] as const) {
    const response = await app.inject({ method, url })
    t.equal(response.statusCode, 404, `${method} ${url}`)
    t.equal(response.json().code, 'NOT_FOUND')
    t.equal(response.headers.allow, undefined)
  }
  const long = await app.inject({ method: 'DELETE', url: `/v1/entries/${'9'.repeat(600)}` })
  t.equal(long.statusCode, 404, 'a parameter past the router limit matches no route, for any method')
  const nonAscii = await app.inject({ method: 'DELETE', url: `/v1/trace/${encodeURIComponent('批次-甲')}` })
  t.equal(nonAscii.statusCode, 405)
  t.equal(nonAscii.headers.allow, 'GET, HEAD')
})

t.test('the witness: GET on add-checkpoint is 405, a stranger path 404', async (t) => {
  const log = new TestLog('tracechain.test/methods').append(3, 'main')
  const witness = new Witness({ cosigner: testCosigner(), logs: [log.verifierKey], state: new WitnessState(testDir(t)), ed: nodeEd25519 })
  const app = buildWitnessApp({ witness })
  t.teardown(() => app.close())
  const get = await app.inject({ method: 'GET', url: '/add-checkpoint' })
  t.equal(get.statusCode, 405)
  t.equal(get.headers.allow, 'POST')
  t.equal(get.json().code, 'METHOD_NOT_ALLOWED')
  const post = await app.inject({ method: 'POST', url: `/${'ab'.repeat(32)}/checkpoint`, payload: 'x' })
  t.equal(post.statusCode, 405)
  t.equal(post.headers.allow, 'GET, HEAD')
  t.equal((await app.inject({ method: 'GET', url: '/nothing' })).statusCode, 404)
})
