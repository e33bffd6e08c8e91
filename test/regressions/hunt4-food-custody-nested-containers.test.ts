// Hunt 4 (food): BROKEN_CHAIN_OF_CUSTODY looked for a shipment of the received object or of a container
// holding it directly, one hop. Goods travel as GS1 nests them, a lot in cases on a pallet: the factory ships
// the pallet to the shop, the shop receives the lot, and the alert said the lot "was never shipped". Worse,
// an older shipment of the case to another shop hid the pallet's later one ("shipped … not here"). The
// containers of containers are now read too (a lot in a case on a pallet in a truck), within the same bounds.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const SIDE_DOOR = 'urn:epc:id:sgln:6901234.00003.1'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'
const LOT = 'urn:epc:class:lgtin:6901234.000103.Z260601X'
const CASE = 'urn:epc:id:sscc:6901234.0000000301'
const PALLET = 'urn:epc:id:sscc:6901234.0000000302'
const ELSEWHERE_LOT = 'urn:epc:class:lgtin:6901234.000103.Z260601Y'
const ELSEWHERE_CASE = 'urn:epc:id:sscc:6901234.0000000303'
const ELSEWHERE_PALLET = 'urn:epc:id:sscc:6901234.0000000304'

t.test('a lot received from a pallet of cases the shop was sent is no broken chain of custody', async (t) => {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const post = async (actor: string, body: Record<string, unknown>) => {
    const event = {
      eventTime: new Date(Date.now() - 60_000).toISOString(),
      eventTimeZoneOffset: '+08:00',
      eventID: `urn:uuid:3f9b2c71-8d4e-4a0b-b6e2-${String(++n).padStart(12, '0')}`,
      ...body,
    }
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor, body: event }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${String(body.bizStep)}`)
    return res.json().seq as number
  }
  const custodyAlert = async (seq: number) => {
    const alerts = (await app.inject('/v1/alerts?kind=BROKEN_CHAIN_OF_CUSTODY')).json().alerts as { seqs: number[]; message: string }[]
    return alerts.find((alert) => alert.seqs.includes(seq))?.message
  }
  const factory = (body: Record<string, unknown>) => post('factory-jiaxing-01', { readPoint: { id: FACTORY }, ...body })
  const receive = (lot: string) =>
    post('market-hz-01', { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving', quantityList: [{ epcClass: lot, quantity: 5, uom: 'KGM' }], readPoint: { id: MARKET }, bizLocation: { id: MARKET } })

  for (const [lot, box, pallet] of [[LOT, CASE, PALLET], [ELSEWHERE_LOT, ELSEWHERE_CASE, ELSEWHERE_PALLET]]) {
    await factory({ type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: lot, quantity: 5, uom: 'KGM' }] })
    await factory({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: box, childQuantityList: [{ epcClass: lot, quantity: 5, uom: 'KGM' }] })
  }
  // The first case went once to the factory's other door, before it was palletised and sent to the shop.
  await factory({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [CASE], destinationList: [{ type: 'location', destination: SIDE_DOOR }] })
  await factory({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: PALLET, childEPCs: [CASE] })
  await factory({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [PALLET], destinationList: [{ type: 'location', destination: MARKET }] })
  // The second case's pallet went to the factory's other door, not to the shop.
  await factory({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', parentID: ELSEWHERE_PALLET, childEPCs: [ELSEWHERE_CASE] })
  await factory({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', epcList: [ELSEWHERE_PALLET], destinationList: [{ type: 'location', destination: SIDE_DOOR }] })

  t.equal(await custodyAlert(await receive(LOT)), undefined, 'the lot came on the pallet shipped here: no alert')
  t.match(await custodyAlert(await receive(ELSEWHERE_LOT)), /Z260601Y was shipped \(seq \d+\) to [^,]+, not here/, 'a lot whose pallet went elsewhere is still flagged')
  t.equal(await custodyAlert(await receive('urn:epc:class:lgtin:6901234.000103.Z260526A')), undefined, "the demo's lot on its pallet to the shop stays sound")
})
