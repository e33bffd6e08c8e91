// Property: POST /v1/statements with validly signed statements of every type whose content is hostile
// (edited anywhere before signing, written as bytes that may not be RFC 8785), one at a time and in
// batches. Never a 5xx; a refusal writes nothing; whatever is accepted reads back canonical and audits.

import t from 'tap'
import fc from 'fast-check'
import { applyEdits, edit, hostileValue, writePayload, writing, type Edit, type Writing } from '../helpers/hostile-json.js'
import { postAndCheck, propertyParameters } from '../helpers/property.js'
import { propertyNode } from '../helpers/statement-bases.js'

/** A case: which base statement, the edits to it, how its bytes are written. */
const statementCase = (bases: number) =>
  fc.record({
    base: fc.nat({ max: bases - 1 }),
    edits: fc.array(edit, { minLength: 0, maxLength: 3 }),
    written: writing,
  })

function envelopeOf(spec: { base: number; edits: Edit[]; written: Writing }) {
  const statement = applyEdits(property.fresh(spec.base), spec.edits) as { actor?: unknown }
  const actor = statement !== null && typeof statement === 'object' ? statement.actor : undefined
  return property.sign(writePayload(statement, spec.written), property.signerOf(actor))
}

const property = await propertyNode(t)

t.test('one hostile statement, validly signed', async (t) => {
  const answers = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(statementCase(property.bases.length), async (spec) => {
      const envelope = envelopeOf(spec)
      const { status, body } = await postAndCheck(property.app, { body: envelope }, `POST ${property.bases[spec.base].statement.type}`)
      const answer = status < 300 ? String(status) : (body as { code: string }).code
      answers.set(answer, (answers.get(answer) ?? 0) + 1)
    }),
    propertyParameters(t, 250),
  )
  t.comment(`answers: ${[...answers].map(([answer, count]) => `${answer} ${count}`).join(', ')}`)
  const accepted = answers.get('201') ?? 0
  t.ok(accepted > 0, 'some hostile statements were valid and accepted')
})

t.test('a batch of hostile statements, repeats and non-envelopes', async (t) => {
  const item = fc.oneof(
    { weight: 6, arbitrary: statementCase(property.bases.length).map((spec) => envelopeOf(spec)) },
    { weight: 1, arbitrary: hostileValue },
  )
  await fc.assert(
    fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 8 }), fc.nat(), async (items, repeatAt) => {
      // the same envelope twice in one batch: at most one entry
      const envelopes = items.length > 1 ? [...items, items[repeatAt % items.length]] : items
      await postAndCheck(property.app, { body: { envelopes } }, `batch of ${envelopes.length}`)
    }),
    propertyParameters(t, 60),
  )
})

t.test('a batch body that is not {"envelopes": [...]}', async (t) => {
  const envelope = envelopeOf({ base: 0, edits: [], written: { kind: 'canonical' } })
  await fc.assert(
    fc.asyncProperty(hostileValue, fc.constantFrom('envelopes', 'extra'), async (value, where) => {
      const body = where === 'envelopes' ? { envelopes: value } : { envelopes: [envelope], [String(value).slice(0, 20)]: value }
      await postAndCheck(property.app, { body }, 'batch shape')
    }),
    propertyParameters(t, 60),
  )
})
