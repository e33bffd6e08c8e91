// Every error code is documented in docs/errors.md (fastify's test/internals/errors.test.js habit).

import t from 'tap'
import { readFileSync } from 'node:fs'
import { ERROR_CODES } from '../../src/core/error-codes.js'
import { TracechainError, errorStatus, isTracechainError } from '../../src/core/errors.js'

const readme = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

t.test('each code is in the error table with its status', async (t) => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    t.match(readme, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} documented with ${status}`)
  }
})

t.test('codes are UPPER_SNAKE and statuses are HTTP errors', async (t) => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    t.match(code, /^[A-Z][A-Z0-9_]*$/)
    t.ok(status >= 400 && status < 600, code)
    const error = new TracechainError(code as keyof typeof ERROR_CODES, 'm', { x: 1 })
    t.equal(errorStatus(error), status)
    t.same(error.details, { x: 1 })
  }
})

t.test("an error is a TracechainError by its name and code, as the consumer page's lazy script throws its own copy's", async (t) => {
  class LazyScriptsCopy extends Error {
    readonly code = 'TILE_INVALID'
    constructor() {
      super('the rightmost tiles do not give the root')
      this.name = 'TracechainError'
    }
  }
  t.ok(isTracechainError(new LazyScriptsCopy()))
  t.ok(isTracechainError(new TracechainError('TILE_INVALID', 'm')))
  t.notOk(isTracechainError(new Error('m')), 'another error')
  t.notOk(isTracechainError({ name: 'TracechainError', code: 'TILE_INVALID', message: 'm' }), 'not an Error')
  t.notOk(isTracechainError(Object.assign(new Error('m'), { code: 'TILE_INVALID' })), 'a code alone')
  t.equal(errorStatus(new LazyScriptsCopy() as unknown as TracechainError), 422)
  t.equal(errorStatus({ code: 'NO_SUCH_CODE' } as unknown as TracechainError), 500, 'a code this build does not know')
})
