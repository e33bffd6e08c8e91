// The server's native base64 decoder changes speed, never an answer: with it installed, fromBase64
// accepts and refuses exactly what the portable strict decoder does, with the same errors.

import { randomBytes } from 'node:crypto'
import t from 'tap'
import { nodeBase64Decoder } from '../../src/core/base64-node.js'
import { fromBase64, toBase64, useBase64Decoder } from '../../src/core/bytes.js'

function outcome(text: string): string {
  try {
    return `ok ${Buffer.from(fromBase64(text, 'x')).toString('hex')}`
  } catch (error) {
    const { code, message } = error as { code?: string; message: string }
    return `${code} ${message}`
  }
}

function bothWays(text: string): [string, string] {
  useBase64Decoder(undefined)
  const portable = outcome(text)
  useBase64Decoder(nodeBase64Decoder)
  try {
    return [portable, outcome(text)]
  } finally {
    useBase64Decoder(undefined)
  }
}

t.test('edge cases: same verdict and message with and without the native decoder', async (t) => {
  const cases = [
    '', 'AA==', 'AAA=', 'AAAA', 'AB==', 'AAB=', // non-zero trailing bits in the last two
    'AA', 'AAA', 'A===', '====', 'AA=A', // padding missing or misplaced
    'AA ==', ' AAA', 'AA\n==', // whitespace
    '-_8=', '+/8=', 'YQ', 'YQ==', 'YWI=', 'YWJj', '8J+YgA==', // URL alphabet, the standard one, text
    'AAAA'.repeat(400) + 'AA==', '\u00e9AAA', 'AAA\u0000',
  ]
  for (const text of cases) {
    const [portable, native] = bothWays(text)
    t.equal(native, portable, JSON.stringify(text))
  }
})

t.test('random bytes of every length up to 300 round-trip through both', async (t) => {
  for (let n = 0; n <= 300; n++) {
    const bytes = randomBytes(n)
    const text = toBase64(bytes)
    const [portable, native] = bothWays(text)
    if (portable !== native || portable !== `ok ${bytes.toString('hex')}`) t.fail(`length ${n}`)
  }
  t.pass('301 lengths agree')
})
