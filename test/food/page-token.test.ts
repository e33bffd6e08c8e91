// The nextPageToken of GET /v1/events: a round trip (with the candidates' path or without), and garbled or
// foreign tokens refused with BAD_REQUEST.

import t from 'tap'
import { formatPageToken, parsePageToken, type PageToken } from '../../src/food/page-token.js'

const FINGERPRINT = '0123456789abcdef'
const TOKEN: PageToken = { t: '2026-05-26T02:00:00.000Z', s: 41, n: 7, f: FINGERPRINT }
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

t.test('round trip', async (t) => {
  t.same(parsePageToken(formatPageToken(TOKEN), FINGERPRINT), TOKEN)
  const { n: _n, ...unlimited } = TOKEN
  t.same(parsePageToken(formatPageToken(unlimited), FINGERPRINT), unlimited)
  t.same(parsePageToken(formatPageToken({ ...TOKEN, p: 'scan' }), FINGERPRINT), { ...TOKEN, p: 'scan' }, 'with the path past the object index')
  t.match(formatPageToken(TOKEN), /^[A-Za-z0-9_-]+$/, 'URL-safe')
})

t.test('garbled or forged tokens are refused', async (t) => {
  const refused = [
    '',
    'not base64 !!',
    formatPageToken(TOKEN).slice(0, -3),
    encode('a string'),
    encode(null),
    encode({ ...TOKEN, t: 'yesterday' }),
    encode({ ...TOKEN, s: -1 }),
    encode({ ...TOKEN, s: 1.5 }),
    encode({ ...TOKEN, s: '41' }),
    encode({ ...TOKEN, n: 0 }),
    encode({ ...TOKEN, n: 2 ** 60 }),
    encode({ ...TOKEN, p: 'objects' }),
    encode({ ...TOKEN, p: null }),
    encode({ ...TOKEN, p: true }),
  ]
  for (const text of refused) t.throws(() => parsePageToken(text, FINGERPRINT), { code: 'BAD_REQUEST' }, JSON.stringify(text))
  t.throws(() => parsePageToken(formatPageToken({ ...TOKEN, f: 'fedcba9876543210' }), FINGERPRINT), { code: 'BAD_REQUEST' }, 'another query')
  t.throws(() => parsePageToken(encode({ t: TOKEN.t, s: TOKEN.s }), FINGERPRINT), { code: 'BAD_REQUEST' }, 'no fingerprint')
})
