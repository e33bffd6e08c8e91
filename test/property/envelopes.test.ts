// Property: POST /v1/statements with a valid envelope damaged after signing (base64 past ASCII,
// padding, whitespace, extra fields, wrong types) and with raw bodies that are not JSON at all
// (invalid UTF-8, a BOM, truncated text). Never a 5xx, never an entry.

import t from 'tap'
import fc from 'fast-check'
import { NASTY_CHARACTERS, hostileValue } from '../helpers/hostile-json.js'
import { postAndCheck, propertyParameters } from '../helpers/property.js'
import { propertyNode } from '../helpers/statement-bases.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'

const property = await propertyNode(t)

/** Envelopes that the node accepts as they are (fresh ids, so each is new), from every base. */
const validEnvelope = fc.nat({ max: property.bases.length - 1 }).map((index) => {
  const statement = property.fresh(index)
  return property.sign(canonicalBytes(statement), property.signerOf(statement.actor))
})

/** A character that base64 does not have, or has elsewhere: lookalikes past ASCII, URL-safe, padding, space. */
const foreignCharacter = fc.oneof(
  fc.constantFrom('\u0100', '\u4100', '\uff21', '\u0141', '\u00c1', '\u0080', '-', '_', '=', ' ', '\n', '\t', '\r', '.', '%', '\u0000'),
  fc.constantFrom(...NASTY_CHARACTERS),
  fc.integer({ min: 0x80, max: 0xffff }).map((code) => String.fromCharCode(code)),
)

type TextField = 'payload' | 'sig' | 'keyid' | 'payloadType'

/** One damage to the text of a field: a character put in, replaced or taken out, or padding and space around it. */
const textDamage = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: foreignCharacter }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: foreignCharacter }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('around' as const), before: fc.constantFrom('', ' ', '\n', '=', '=='), after: fc.constantFrom('', ' ', '\n', '=', '==', '===', 'A', 'AA=') }),
  fc.record({ kind: fc.constant('case' as const) }),
)

function damageText(text: string, damage: typeof textDamage extends fc.Arbitrary<infer D> ? D : never): string {
  const at = 'at' in damage ? damage.at % (text.length + 1) : 0
  switch (damage.kind) {
    case 'insert':
      return text.slice(0, at) + damage.text + text.slice(at)
    case 'replace':
      return text.slice(0, at) + damage.text + text.slice(at + 1)
    case 'remove':
      return text.slice(0, at) + text.slice(at + damage.count)
    case 'around':
      return damage.before + text + damage.after
    case 'case':
      return text.toUpperCase()
  }
}

/** One damage to an envelope after it was signed. */
const envelopeDamage = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('text' as const), field: fc.constantFrom<TextField>('payload', 'sig', 'keyid', 'payloadType'), damage: textDamage }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('type' as const), field: fc.constantFrom('payload', 'payloadType', 'signatures', 'signature', 'keyid', 'sig'), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), inSignature: fc.boolean(), key: fc.constantFrom('extra', '__proto__', 'constructor', 'payload2', 'cert', ''), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom('payload', 'payloadType', 'signatures', 'keyid', 'sig') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('signatures' as const), count: fc.integer({ min: 0, max: 40 }) }) },
)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Applies one damage to a copy; a damage whose field an earlier one already took away does nothing. */
function damageEnvelope(envelope: unknown, damage: typeof envelopeDamage extends fc.Arbitrary<infer D> ? D : never): unknown {
  const out = structuredClone(envelope)
  if (!isRecord(out)) return out
  const signatures = Array.isArray(out.signatures) ? (out.signatures as unknown[]) : []
  const signature = isRecord(signatures[0]) ? signatures[0] : undefined
  const own = (target: Record<string, unknown>, key: string, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  const inSignature = (field: string) => field === 'keyid' || field === 'sig'
  switch (damage.kind) {
    case 'text':
      if (!inSignature(damage.field)) own(out, damage.field, damageText(String(out[damage.field]), damage.damage))
      else if (signature) own(signature, damage.field, damageText(String(signature[damage.field]), damage.damage))
      break
    case 'type':
      if (damage.field === 'signature') signatures[0] = damage.value
      else if (!inSignature(damage.field)) own(out, damage.field, damage.value)
      else if (signature) own(signature, damage.field, damage.value)
      break
    case 'extra':
      if (!damage.inSignature) own(out, damage.key, damage.value)
      else if (signature) own(signature, damage.key, damage.value)
      break
    case 'drop':
      if (!inSignature(damage.field)) delete out[damage.field]
      else if (signature) delete signature[damage.field]
      break
    case 'signatures':
      out.signatures = new Array(damage.count).fill(signatures[0])
      break
  }
  return out
}

t.test('a valid envelope damaged after signing', async (t) => {
  await fc.assert(
    fc.asyncProperty(validEnvelope, fc.array(envelopeDamage, { minLength: 1, maxLength: 3 }), async (envelope, damages) => {
      const damaged = damages.reduce<unknown>((value, damage) => damageEnvelope(value, damage), envelope)
      await postAndCheck(property.app, { body: damaged }, 'damaged envelope')
      await postAndCheck(property.app, { body: { envelopes: [damaged, envelope] } }, 'damaged envelope in a batch')
    }),
    propertyParameters(t, 150),
  )
})

/** Raw bytes of a request body: JSON text broken at the byte level. */
const rawBody = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(validEnvelope, fc.nat()).map(([envelope, at]) => {
    const text = Buffer.from(JSON.stringify(envelope))
    return text.subarray(0, at % text.length)
  }),
  fc.tuple(validEnvelope, fc.nat(), fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00])).map(([envelope, at, bytes]) => {
    const text = Buffer.from(JSON.stringify(envelope))
    const where = at % (text.length + 1)
    return Buffer.concat([text.subarray(0, where), Buffer.from(bytes), text.subarray(where)])
  }),
  validEnvelope.map((envelope) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(envelope))])),
  fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '1', 'true', '{"envelopes":null}', '{"envelopes":{}}', '[{}]', '{"__proto__":{"x":1}}', '{"a":1,"a":2}').map((text) => Buffer.from(text)),
  fc.integer({ min: 65, max: 100_000 }).map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth))),
)

t.test('raw bodies that are not a JSON envelope', async (t) => {
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/JSON', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', '')
  await fc.assert(
    fc.asyncProperty(rawBody, contentType, async (raw, type) => {
      await postAndCheck(property.app, { raw, contentType: type }, `raw body as ${type}`)
    }),
    propertyParameters(t, 200),
  )
})
