// Property: food.event statements whose EPCIS 2.0 bodies (the demo's events and GS1's own example
// events) are edited at random before signing: characters, Unicode, numbers, nesting, sizes.
// Never a 5xx; a refusal writes nothing; an accepted event reads back canonical and audits.

import t from 'tap'
import fc from 'fast-check'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { parseIdentifier } from '../../src/food/identifiers.js'
import type { Statement } from '../../src/core/statement.js'
import { eventsOf, gs1ExampleDocuments, type Json } from '../helpers/gs1-examples.js'
import { applyEdits, edit, writePayload, writing } from '../helpers/hostile-json.js'
import { postAndCheck, propertyParameters } from '../helpers/property.js'
import { propertyNode } from '../helpers/statement-bases.js'

const property = await propertyNode(t)

const GS1_PRODUCER = 'gs1-producer'
const gs1Events = gs1ExampleDocuments().flatMap(({ doc }) =>
  eventsOf(doc).map((event) => (event['@context'] === undefined && doc['@context'] !== undefined ? { '@context': doc['@context'], ...event } : event)),
)
// GS1's events name their own locations: the producer is registered at each that parses
const locations = [
  ...new Set(
    gs1Events.flatMap((event: Json) => [event.readPoint?.id, event.bizLocation?.id]).filter((id): id is string => {
      if (typeof id !== 'string') return false
      try {
        parseIdentifier(id)
        return true
      } catch {
        return false
      }
    }),
  ),
].slice(0, 256)
const gs1Signer = await property.node.register(GS1_PRODUCER, ['farm', 'processor', 'logistics', 'retailer'], { locations })

const demoEvents = property.bases.flatMap((base, index) => (base.statement.type === 'food.event' ? [index] : []))
let counter = 0

/** A food.event: a demo producer's own event, or one of GS1's by the GS1 producer, with a fresh id. */
const eventStatement = fc.oneof(
  fc.constantFrom(...demoEvents).map((index) => ({ statement: property.fresh(index), signer: property.bases[index].signer })),
  fc.constantFrom(...gs1Events).map((event) => ({
    statement: { type: 'food.event', actor: GS1_PRODUCER, id: `gs1-${++counter}`, issuedAt: '2026-11-28T07:00:00.000Z', body: event } as Statement,
    signer: gs1Signer,
  })),
)

t.test('EPCIS event bodies edited before signing', async (t) => {
  const answers = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(eventStatement, fc.array(edit, { minLength: 0, maxLength: 3 }), fc.boolean(), writing, async ({ statement, signer }, edits, inBody, written) => {
      // most edits land inside the event; some anywhere in the statement
      const edited = inBody ? { ...statement, body: applyEdits(statement.body, edits) } : applyEdits(statement, edits)
      const envelope = property.sign(writePayload(edited, written), signer)
      const { status, body } = await postAndCheck(property.app, { body: envelope }, `food.event by ${statement.actor}`)
      const answer = status < 300 ? String(status) : (body as { code: string }).code
      answers.set(answer, (answers.get(answer) ?? 0) + 1)
    }),
    propertyParameters(t, 250),
  )
  t.comment(`answers: ${[...answers].map(([answer, count]) => `${answer} ${count}`).join(', ')}`)
  t.ok((answers.get('201') ?? 0) > 0, 'some edited events were valid and accepted')
})

t.test('every GS1 example event unedited: never a 5xx, and a refusal writes nothing', async (t) => {
  for (const event of gs1Events) {
    const statement = { type: 'food.event', actor: GS1_PRODUCER, id: `gs1-${++counter}`, issuedAt: '2026-11-28T07:00:00.000Z', body: event }
    await postAndCheck(property.app, { body: property.sign(canonicalBytes(statement), gs1Signer) }, `GS1 event ${String(event.eventID ?? counter)}`)
  }
  t.pass(`${gs1Events.length} events`)
})
