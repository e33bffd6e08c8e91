// Hunt (food): an error declaration names the event it corrects by its eventID, and eventIDs are the signer's
// own words: any actor may record other events under the same id. Such decoys blocked corrections through
// POST /v1/statements. (1) The signer of an event recorded a second, different event under its eventID, and
// a regulator's declaration of the first was refused CORRECTION_INVALID content-differs, though it repeats
// that event exactly: the signer could keep its own event from being corrected. (2) Another actor recorded
// 100 events under a producer's eventID, timed earlier, and the producer's own declaration was refused
// CORRECTION_FORBIDDEN, as the candidates read were all the other actor's. A declaration now corrects the
// events that answer to its id and repeat its content, found by its hash ID; events that merely share the
// id are not its concern.

import t, { type Test } from 'tap'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { buildApp } from '../../src/http/app.js'
import type { Signer } from '../../src/core/keys.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const FARM_SITE = 'urn:epc:id:sgln:6901234.00001.0'
const MALLORY_SITE = 'urn:epc:id:sgln:6901234.00007.0'
const EVENT_ID = 'urn:uuid:1d4e2f60-8c1b-4a7e-9a51-0000000d0c01'
const lot = (name: string) => `https://id.gs1.org/01/06901234000115/10/${name}`
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString()
const shipped = (name: string, quantity: number, eventTime: string) => ({
  '@context': CONTEXT, type: 'ObjectEvent', eventTime, eventTimeZoneOffset: '+08:00', eventID: EVENT_ID, action: 'OBSERVE', bizStep: 'shipping',
  readPoint: { id: FARM_SITE }, quantityList: [{ epcClass: lot(name), quantity, uom: 'KGM' }],
})
const declared = (event: Record<string, unknown>) => ({ ...event, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'did_not_occur' } })

async function scenario(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const signers = new Map<string, Signer>([
    ['farm-a', await node.register('farm-a', ['farm'], { locations: [FARM_SITE] })],
    ['mallory', await node.register('mallory', ['farm'], { locations: [MALLORY_SITE] })],
    ['regulator-x', await node.register('regulator-x', ['regulator'])],
  ])
  const envelope = (actor: string, body: Record<string, unknown>) => node.statement({ type: 'food.event', actor, body }, [signers.get(actor) as Signer])
  const submit = async (actor: string, body: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope(actor, body) })
    return { status: response.statusCode, ...(response.json() as { seq: number; code?: string; details?: { reason?: string } }) }
  }
  const correctedBy = async (seq: number) => {
    const json = (await app.inject({ url: '/01/06901234000115/10/L1', headers: { accept: 'application/json' } })).json() as { events: { seq: number; correctedBy?: number }[] }
    return json.events.find((event) => event.seq === seq)?.correctedBy
  }
  return { app, envelope, submit, correctedBy }
}

t.test('a decoy under the same eventID does not keep a regulator from correcting the event', async (t) => {
  const { submit, correctedBy } = await scenario(t)
  const original = shipped('L1', 100, hoursAgo(3))
  const first = await submit('farm-a', original)
  t.equal(first.status, 201)
  const decoy = await submit('farm-a', shipped('L1', 1, hoursAgo(2)))
  t.equal(decoy.status, 201, 'the signer records another event under the same eventID')
  const declaration = await submit('regulator-x', declared(original))
  t.equal(declaration.status, 201, `the regulator's declaration repeats the event and is recorded (${declaration.code ?? ''} ${declaration.details?.reason ?? ''})`)
  t.equal(await correctedBy(first.seq), declaration.seq ?? -1, 'the event is corrected')
  t.equal(await correctedBy(decoy.seq), undefined, 'the other event under that id is not')
})

t.test('another actor\'s events under a producer\'s eventID do not keep the producer from correcting its own', async (t) => {
  const { app, envelope, submit, correctedBy } = await scenario(t)
  const original = shipped('L1', 100, hoursAgo(3))
  const first = await submit('farm-a', original)
  t.equal(first.status, 201)
  // Earlier in time than the producer's, so they come first under the id; at Mallory's own place.
  const decoys = Array.from({ length: 100 }, (_, i) => envelope('mallory', { ...shipped('L1', i + 1, hoursAgo(10)), readPoint: { id: MALLORY_SITE } }))
  const batch = (await app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes: decoys } })).json() as { results: { seq?: number }[] }
  t.equal(batch.results.filter((r) => r.seq !== undefined).length, 100, 'the decoys are recorded')
  const declaration = await submit('farm-a', declared(original))
  t.equal(declaration.status, 201, `the producer's own declaration is recorded (${declaration.code ?? ''})`)
  t.equal(await correctedBy(first.seq), declaration.seq ?? -1, 'its event is corrected')
})
