// Every error code is documented in the README (fastify's test/internals/errors.test.js habit).

import t from 'tap'
import { readFileSync } from 'node:fs'
import { ERROR_CODES } from '../../src/core/error-codes.js'
import { TracechainError } from '../../src/core/errors.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

t.test('each code is in the README error table with its status', async (t) => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    t.match(readme, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} documented with ${status}`)
  }
})

t.test('codes are UPPER_SNAKE and statuses are HTTP errors', async (t) => {
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    t.match(code, /^[A-Z][A-Z0-9_]*$/)
    t.ok(status >= 400 && status < 600, code)
    const error = new TracechainError(code as keyof typeof ERROR_CODES, 'm', { x: 1 })
    t.equal(error.statusCode, status)
    t.same(error.details, { x: 1 })
  }
})
