// Issue 12, found by test/property/digital-link.test.ts: a path with a percent-escape that is not UTF-8
// (/01/06901234000115/10/%ED%A0%80, a lone surrogate's CESU-8 bytes) or a path segment over the router's
// length limit was answered by Fastify's router itself, in its own codes (FST_ERR_BAD_URL 400,
// FST_ERR_MAX_PARAM_LENGTH 414) that are not in the node's table. Now a 400 BAD_REQUEST, nothing written.

import t from 'tap'
import { ERROR_CODES } from '../../src/core/error-codes.js'
import { MAX_PATH_PARAM_LENGTH, buildApp } from '../../src/http/app.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

t.test('an undecodable or overlong path segment gets BAD_REQUEST from every route, as a page request too', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const checkpoint = node.ledger.checkpoint
  const urls = [
    '/01/06901234000115/10/%ED%A0%80',
    '/01/06901234000115/10/%FF',
    '/01/%C0%AF',
    '/v1/trace/%FF',
    '/v1/entries/%E4%B8',
    '/v1/actors/%ED%A0%80',
    // over the router's maxParamLength (MAX_PATH_PARAM_LENGTH); the resolver's /01/* route takes long lots as a whole instead
    `/v1/actors/${'a'.repeat(MAX_PATH_PARAM_LENGTH + 1)}`,
    `/v1/trace/${'b'.repeat(MAX_PATH_PARAM_LENGTH + 1)}`,
  ]
  for (const url of urls) {
    for (const accept of ['application/json', 'text/html']) {
      const response = await app.inject({ method: 'GET', url, headers: { accept } })
      t.equal(response.statusCode, 400, `${url.slice(0, 40)} (${accept})`)
      t.match(response.headers['content-type'], /^application\/json/)
      const body = response.json()
      t.equal(body.code, 'BAD_REQUEST')
      t.ok(Object.hasOwn(ERROR_CODES, body.code))
      t.type(body.message, 'string')
    }
  }
  t.equal(node.ledger.checkpoint, checkpoint, 'nothing written')
})

t.test('a trace id longer than the router default (100) but within its schema reaches the route', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  // A Digital Link with a lot and a serial of 20 characters each, URL-encoded: over 100 characters.
  const id = encodeURIComponent('https://id.gs1.org/01/06901234001037/10/LOT-2026-05-26-AB-12/21/SER-0001-0002-0003-4')
  t.ok(id.length > 100 && id.length <= MAX_PATH_PARAM_LENGTH, `${id.length} characters`)
  const response = await app.inject(`/v1/trace/${id}`)
  t.not(response.json().code, 'BAD_REQUEST', `answered by the route: ${response.statusCode} ${response.json().code ?? ''}`)
})
