// An INTERNAL error is answered with its code and message alone: what it carries for the log (a label worker's
// stack with the server's paths, say) never reaches the client.

import t from 'tap'
import Fastify from 'fastify'
import { TracechainError } from '../../src/core/errors.js'
import { installErrorHandling } from '../../src/http/errors.js'

t.test("an internal error's details stay in the log", async (t) => {
  const logged: string[] = []
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } } })
  installErrorHandling(app)
  app.get('/render', async () => {
    throw new TracechainError('INTERNAL', 'a label render failed', { failure: 'Error: bad\n    at render (/srv/tracechain/dist/labels/png-worker.js:12:3)' })
  })
  app.get('/refused', async () => {
    throw new TracechainError('BAD_REQUEST', 'size must be screen or print', { field: 'size' })
  })
  t.teardown(() => app.close())
  const internal = await app.inject('/render')
  t.equal(internal.statusCode, 500)
  t.same(internal.json(), { statusCode: 500, code: 'INTERNAL', error: 'Internal Server Error', message: 'a label render failed' })
  t.notMatch(internal.body, '/srv/tracechain')
  t.match(logged.join(''), '/srv/tracechain', 'the operator reads it in the log')
  t.same((await app.inject('/refused')).json().details, { field: 'size' }, "a client error's details are the client's")
})
