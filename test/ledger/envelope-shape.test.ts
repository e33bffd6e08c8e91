// The envelope's shape check counts string lengths in UTF-16 code units (schemas.ts: envelopeValidator), where
// the schema's own validator counts code points: the two agree on every ASCII envelope, and an envelope on
// which they disagree is refused by the checks either way.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { decodeEnvelope, type Envelope } from '../../src/core/dsse.js'
import { STATEMENT_PAYLOAD_TYPE } from '../../src/core/statement.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { inlineChecker } from '../../src/ledger/checks.js'
import { envelopeValidator, loadSchemas } from '../../src/ledger/schemas.js'

const KEYID = '0123456789abcdef'
const SIG = toBase64(new Uint8Array(64).fill(7))
const envelope = (fields: Record<string, unknown> = {}) => ({ payloadType: STATEMENT_PAYLOAD_TYPE, payload: toBase64(new Uint8Array(30)), signatures: [{ keyid: KEYID, sig: SIG }], ...fields })

t.test('the same verdict as the schema on ASCII envelopes, at each limit and past it', async (t) => {
  const byCodePoints = loadSchemas().validator('envelope')!
  const byUnits = envelopeValidator()
  const cases: [string, unknown][] = [
    ['a good envelope', envelope()],
    ['payloadType of 128', envelope({ payloadType: 'a'.repeat(128) })],
    ['payloadType of 129', envelope({ payloadType: 'a'.repeat(129) })],
    ['payload of 65,540', envelope({ payload: 'A'.repeat(65_540) })],
    ['payload of 65,541', envelope({ payload: 'A'.repeat(65_541) })],
    ['sig of 100', envelope({ signatures: [{ keyid: KEYID, sig: 'A'.repeat(100) }] })],
    ['sig of 101', envelope({ signatures: [{ keyid: KEYID, sig: 'A'.repeat(101) }] })],
    ['8 signatures', envelope({ signatures: Array(8).fill({ keyid: KEYID, sig: SIG }) })],
    ['9 signatures', envelope({ signatures: Array(9).fill({ keyid: KEYID, sig: SIG }) })],
    ['no signature', envelope({ signatures: [] })],
    ['an upper-case keyid', envelope({ signatures: [{ keyid: KEYID.toUpperCase(), sig: SIG }] })],
    ['a member more', envelope({ extra: 1 })],
    ['a payload that is a number', envelope({ payload: 12 })],
    ['not an object', 'envelope'],
  ]
  for (const [name, value] of cases) t.equal(byUnits(value), byCodePoints(value), name)
})

t.test('where the counts differ (characters beyond the BMP), the checks refuse the envelope either way', async (t) => {
  const byCodePoints = loadSchemas().validator('envelope')!
  const byUnits = envelopeValidator()
  const checker = inlineChecker(nodeEd25519)
  const astral = '\u{1F600}'
  const cases: [string, Record<string, unknown>][] = [
    ['payloadType of 100 emoji', envelope({ payloadType: astral.repeat(100) })],
    ['sig of 60 emoji', envelope({ signatures: [{ keyid: KEYID, sig: astral.repeat(60) }] })],
  ]
  for (const [name, value] of cases) {
    t.ok(byCodePoints(value) && !byUnits(value), `${name}: the counts differ`)
    const [outcome] = await checker.check({ envelopes: [value], candidates: [[]], types: ['food.event'], typesWithChecks: [], nowMs: 0, maxClockSkewMs: 0 })
    t.match(outcome, { refused: { code: 'BAD_REQUEST' } }, `${name}: refused as a bad shape`)
    t.throws(() => decodeEnvelope(value as unknown as Envelope), { code: /^(PAYLOAD_TYPE_UNSUPPORTED|ENCODING_INVALID)$/ }, `${name}: past the shape, refused all the same`)
  }
})
