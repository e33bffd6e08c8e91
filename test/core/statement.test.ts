// Statement payloads: size cap, canonical form, and the shape of each field (DESIGN.md "Formats").
import t from 'tap'
import { utf8 } from '../../src/core/bytes.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { formatIssuedAt, MAX_PAYLOAD_BYTES, parseStatementPayload, type Statement, isIssuedAt } from '../../src/core/statement.js'

const STATEMENT: Statement = {
  type: 'food.event',
  actor: 'farm-anji-01',
  id: 'evt-0001',
  issuedAt: '2026-11-28T07:00:00.000Z',
  body: { bizStep: 'shipping', epcList: ['urn:epc:id:sgtin:6901234.012345.1001'] },
}

const payloadOf = (value: unknown) => canonicalBytes(value)
const withField = (field: string, value: unknown) => payloadOf({ ...STATEMENT, [field]: value })

t.test('a canonical statement parses to itself', async (t) => {
  t.same(parseStatementPayload(payloadOf(STATEMENT)), STATEMENT)
  t.same(parseStatementPayload(withField('type', 'actor.rotate-key')).type, 'actor.rotate-key')
  t.same(parseStatementPayload(withField('body', {})).body, {})
})

t.test('size cap: 48 KiB exactly is fine, one byte more is STATEMENT_TOO_LARGE before any parsing', async (t) => {
  const base = payloadOf({ ...STATEMENT, body: { pad: '' } }).length
  const exact = payloadOf({ ...STATEMENT, body: { pad: 'x'.repeat(MAX_PAYLOAD_BYTES - base) } })
  t.equal(exact.length, MAX_PAYLOAD_BYTES)
  t.equal(parseStatementPayload(exact).actor, STATEMENT.actor)
  const over = payloadOf({ ...STATEMENT, body: { pad: 'x'.repeat(MAX_PAYLOAD_BYTES - base + 1) } })
  t.throws(() => parseStatementPayload(over), { code: 'STATEMENT_TOO_LARGE' })
  t.throws(() => parseStatementPayload(new Uint8Array(MAX_PAYLOAD_BYTES + 1)), { code: 'STATEMENT_TOO_LARGE' })
})

t.test('not JSON, not canonical', async (t) => {
  t.throws(() => parseStatementPayload(utf8('{"type":')), { code: 'INVALID_JSON' })
  t.throws(() => parseStatementPayload(utf8(JSON.stringify(STATEMENT))), { code: 'PAYLOAD_NOT_CANONICAL' })
  t.throws(() => parseStatementPayload(utf8(JSON.stringify(STATEMENT, null, 2))), { code: 'PAYLOAD_NOT_CANONICAL' })
})

t.test('shape: exactly five fields, each named in the error details', async (t) => {
  for (const value of [null, [], 'statement', 42, true]) {
    t.throws(() => parseStatementPayload(payloadOf(value)), { code: 'BAD_REQUEST' }, JSON.stringify(value))
  }
  t.throws(() => parseStatementPayload(payloadOf({ ...STATEMENT, extra: 1 })), { code: 'BAD_REQUEST', details: { field: 'extra' } })
  t.throws(() => parseStatementPayload(payloadOf({ ...STATEMENT, __proto__x: 1 })), { code: 'BAD_REQUEST' })
  t.throws(() => parseStatementPayload(utf8('{"__proto__":{},"actor":"a","body":{},"id":"i","issuedAt":"2026-11-28T07:00:00.000Z","type":"a.b"}')), {
    code: 'BAD_REQUEST',
    details: { field: '__proto__' },
  })
  for (const field of ['type', 'actor', 'id', 'issuedAt', 'body']) {
    const missing: Record<string, unknown> = { ...STATEMENT }
    delete missing[field]
    t.throws(() => parseStatementPayload(payloadOf(missing)), { code: 'BAD_REQUEST', details: { field } }, `missing ${field}`)
  }
})

t.test('field rules', async (t) => {
  const bad: [string, unknown][] = [
    ['type', 'food'],
    ['type', 'Food.event'],
    ['type', 'food..event'],
    ['type', 'food.event.'],
    ['type', 'food.event2'],
    ['type', 7],
    ['actor', ''],
    ['actor', 'a'.repeat(65)],
    ['actor', 'farm anji'],
    ['actor', 'farm/anji'],
    ['actor', '农场'],
    ['actor', null],
    ['id', ''],
    ['id', 'x'.repeat(129)],
    ['id', 'line\nbreak'],
    ['id', 'tab\there'],
    ['id', 'nel\u0085'],
    ['id', 'del\u007f'],
    ['id', 12],
    ['issuedAt', '2026-11-28T07:00:00Z'],
    ['issuedAt', '2026-11-28T07:00:00.000+00:00'],
    ['issuedAt', '2026-11-28 07:00:00.000Z'],
    ['issuedAt', '2026-02-30T00:00:00.000Z'],
    ['issuedAt', '2023-02-29T00:00:00.000Z'],
    ['issuedAt', '2026-13-01T00:00:00.000Z'],
    ['issuedAt', '2026-11-28T24:00:00.000Z'],
    ['issuedAt', '2026-11-28T07:00:60.000Z'],
    ['issuedAt', '2026-11-28T07:00:00.0000Z'],
    ['issuedAt', '+02026-11-28T07:00:00.000Z'],
    ['issuedAt', 1764313200000],
    ['body', []],
    ['body', null],
    ['body', 'text'],
  ]
  for (const [field, value] of bad) {
    t.throws(() => parseStatementPayload(withField(field, value)), { code: 'BAD_REQUEST', details: { field } }, `${field} ${JSON.stringify(value)}`)
  }
  const good: [string, unknown][] = [
    ['type', 'seal.apply'],
    ['actor', 'a'.repeat(64)],
    ['actor', 'Farm_01.a-b'],
    ['id', 'x'.repeat(128)],
    ['id', '\ud83d\ude00'.repeat(128)], // 128 code points, 256 UTF-16 units
    ['id', '批次 2026/11 #7'],
    ['issuedAt', '2024-02-29T23:59:59.999Z'],
    ['issuedAt', '1970-01-01T00:00:00.000Z'],
  ]
  for (const [field, value] of good) t.same((parseStatementPayload(withField(field, value)) as unknown as Record<string, unknown>)[field], value)
})

t.test('formatIssuedAt: UTC with milliseconds', async (t) => {
  t.equal(formatIssuedAt(new Date(Date.UTC(2026, 10, 28, 7, 0, 0, 5))), '2026-11-28T07:00:00.005Z')
  t.throws(() => formatIssuedAt(new Date(NaN)), RangeError)
})

t.test('isIssuedAt: exactly the strings toISOString writes, read from their digits', async (t) => {
  const byDate = (value: string) => {
    const date = new Date(value)
    return !Number.isNaN(date.getTime()) && date.toISOString() === value
  }
  const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
  const edges = [
    '2024-02-29T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2000-02-29T12:00:00.000Z', '1900-02-29T12:00:00.000Z', '2100-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z', '2026-12-31T23:59:59.999Z', '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z',
    '2026-1-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01 00:00:00.000Z', '２０２６-01-01T00:00:00.000Z', '',
  ]
  for (const value of edges) t.equal(isIssuedAt(value), byDate(value) && pattern.test(value), value)
  // Every day of four years around a leap century, and random digits in every field.
  let seed = 20261206
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
  let disagreements = 0
  for (let i = 0; i < 20_000; i++) {
    const two = (max: number) => String(Math.floor(next() * max)).padStart(2, '0')
    const year = String([1600, 1700, 1899, 1900, 2000, 2024, 2025, 2100, 2400, 9999][Math.floor(next() * 10)]).padStart(4, '0')
    const value = `${year}-${two(14)}-${two(33)}T${two(26)}:${two(62)}:${two(62)}.${String(Math.floor(next() * 1000)).padStart(3, '0')}Z`
    if (isIssuedAt(value) !== byDate(value)) disagreements++
  }
  t.equal(disagreements, 0, 'agrees with Date on 20,000 random times')
  t.equal(isIssuedAt(20260101), false, 'a number is not a time')
})
