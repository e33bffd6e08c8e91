// Capture tokens (core/custody-token.ts): their form, what parses, the stored hash, and the lookup that
// names an actor only for its current token.

import t from 'tap'
import { NO_CUSTODY, actorOfCaptureToken, captureTokenHash, formatCaptureToken, parseCaptureToken, type CustodyKeys } from '../../src/core/custody-token.js'

const secret = new Uint8Array(32).map((_, i) => i * 7 + 1)

t.test('a token names its actor and carries 256 bits as base64url', async (t) => {
  const token = formatCaptureToken('farm.anji-01', secret)
  t.match(token, /^tc1\.farm\.anji-01\.[A-Za-z0-9_-]{43}$/)
  t.same(parseCaptureToken(token), { actor: 'farm.anji-01' }, 'an id with dots parses: the secret has none')
  t.equal(captureTokenHash(token), captureTokenHash(token))
  t.match(captureTokenHash(token), /^[0-9a-f]{64}$/)
  t.throws(() => formatCaptureToken('bad id', secret), RangeError)
  t.throws(() => formatCaptureToken('farm', secret.slice(1)), RangeError)
})

t.test('text that is not a token parses to nothing', async (t) => {
  const token = formatCaptureToken('farm', secret)
  for (const text of ['', 'tc1.', 'tc1.farm', `tc2.farm.${token.slice(-43)}`, `${token}x`, token.slice(0, -1), `tc1..${token.slice(-43)}`, `tc1.fa rm.${token.slice(-43)}`]) {
    t.equal(parseCaptureToken(text), undefined, JSON.stringify(text))
  }
})

t.test('the actor of a token: only its current one, compared by hash', async (t) => {
  const current = formatCaptureToken('farm', secret)
  const old = formatCaptureToken('farm', new Uint8Array(32))
  const keys: CustodyKeys = { tokenHashOf: (actor) => (actor === 'farm' ? captureTokenHash(current) : undefined), signerOf: () => undefined }
  t.equal(actorOfCaptureToken(keys, current), 'farm')
  t.equal(actorOfCaptureToken(keys, old), undefined, 'a rotated-out token')
  t.equal(actorOfCaptureToken(keys, formatCaptureToken('other', secret)), undefined, 'the same secret for another actor')
  t.equal(actorOfCaptureToken(NO_CUSTODY, current), undefined)
})
