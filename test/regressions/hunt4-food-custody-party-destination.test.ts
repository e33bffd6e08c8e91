// Hunt 4 (food): a shipment's destinationList names where goods go by type (CBV source/destination types): the
// `location`, and the `owning_party` and `possessing_party` who take them. BROKEN_CHAIN_OF_CUSTODY took every
// destination for a place, so a shipment to the shop's company (its PGLN, owning_party) received at the shop's
// store raised "shipped … to 417/…, not here", and a shipment naming the shop's company as owner but another
// place as location was judged on both. Only `location` destinations (in any of CBV's spellings) say where
// goods were going; a shipment that names none is judged as one with no destination.

import t from 'tap'
import { demoSigner } from '../../src/cli/demo.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const FACTORY = 'urn:epc:id:sgln:6901234.00003.0'
const SIDE_DOOR = 'urn:epc:id:sgln:6901234.00003.1'
const MARKET = 'urn:epc:id:sgln:6901234.00005.0'
const MARKET_COMPANY = 'urn:epc:id:pgln:6901234.00005'
const lot = (name: string) => `urn:epc:class:lgtin:6901234.000103.${name}`

t.test('a receiving is judged against where the shipment was going, not to whom', async (t) => {
  const { node, app } = await seededDemoApp(t)
  let n = 0
  const post = async (actor: string, body: Record<string, unknown>) => {
    const event = { eventTime: new Date(Date.now() - 60_000).toISOString(), eventTimeZoneOffset: '+08:00', eventID: `urn:uuid:9e4c1a27-6b3d-4f51-8c02-${String(++n).padStart(12, '0')}`, ...body }
    const res = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'food.event', actor, body: event }, [demoSigner(actor)]) as never })
    t.equal(res.statusCode, 201, `${actor} ${String(body.bizStep)}`)
    return res.json().seq as number
  }
  const custodyAlert = async (seq: number) => {
    const alerts = (await app.inject('/v1/alerts?kind=BROKEN_CHAIN_OF_CUSTODY')).json().alerts as { seqs: number[]; message: string }[]
    return alerts.find((alert) => alert.seqs.includes(seq))?.message
  }
  const shippedAndReceived = async (name: string, destinationList: { type: string; destination: string }[]) => {
    const quantityList = [{ epcClass: lot(name), quantity: 5, uom: 'KGM' }]
    await post('factory-jiaxing-01', { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', quantityList, readPoint: { id: FACTORY } })
    await post('factory-jiaxing-01', { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', quantityList, readPoint: { id: FACTORY }, destinationList })
    return custodyAlert(await post('market-hz-01', { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving', quantityList, readPoint: { id: MARKET }, bizLocation: { id: MARKET } }))
  }

  t.equal(await shippedAndReceived('PARTY1', [{ type: 'owning_party', destination: MARKET_COMPANY }]), undefined, "shipped to the shop's company, received at its store: sound")
  t.equal(
    await shippedAndReceived('PARTY2', [{ type: 'owning_party', destination: MARKET_COMPANY }, { type: 'urn:epcglobal:cbv:sdt:location', destination: MARKET }]),
    undefined,
    'a location written as a CBV URN is a location',
  )
  t.match(
    await shippedAndReceived('PARTY3', [{ type: 'location', destination: SIDE_DOOR }, { type: 'possessing_party', destination: MARKET_COMPANY }]),
    /PARTY3 was shipped \(seq \d+\) to 414\/6901234000030\/254\/1, not here/,
    'shipped to another place, whoever it was for: broken, and the message names the place alone',
  )
})
