// Hunt (food): a food.recall names up to 256 lots, and the walk that marks what lies downstream of them is
// documented as bounded per statement ("at most 16 hops and 20,000 edges read per statement"). Each lot's
// walk had a budget of its own, so one recall of 256 lots could read 256 x 20,000 edges inside the
// sequencer, every other append waiting. The budget is now the statement's: past it, the recall's
// records say truncated.

import t from 'tap'
import { MAX_RECALL_WALK_EDGES } from '../../src/food/recall-index.js'
import { SPACES } from '../../src/food/records.js'
import { millNode } from '../helpers/food-events.js'

t.setTimeout(300_000)

const SITE = 'urn:epc:id:sgln:6901234.00009.0'
const INPUT = '06901234000115'
const OUTPUT = '06901234001037'
const INPUTS = 256
const OUTPUTS = 100 // 25,600 edges: more than one statement may read
const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`

t.test('a recall of 256 lots reads at most the statement\'s edge budget, and says where it stopped', async (t) => {
  const { node, app, sign } = await millNode(t, SITE)
  const when = { eventTime: new Date(Date.now() - 3_600_000).toISOString(), eventTimeZoneOffset: '+08:00', readPoint: { id: SITE } }
  const inputs = Array.from({ length: INPUTS }, (_, i) => lot(INPUT, `IN${i}`))
  const made = await node.ledger.submit(
    sign('food.event', {
      type: 'TransformationEvent', ...when, bizStep: 'creating_class_instance',
      inputQuantityList: inputs.map((epcClass) => ({ epcClass })),
      outputQuantityList: Array.from({ length: OUTPUTS }, (_, i) => ({ epcClass: lot(OUTPUT, `OUT${i}`) })),
    }),
  )
  t.ok('seq' in made, 'the transformation is appended')

  // Count the forward edges the recall's walk reads (LevelStore is what the rules read through).
  const store = node.store
  let edgesRead = 0
  const getRange = store.getRange.bind(store)
  store.getRange = (async (space, options) => {
    const rows = await getRange(space, options)
    if (space === SPACES.forward) edgesRead += rows.length
    return rows
  }) as typeof store.getRange
  t.teardown(() => {
    store.getRange = getRange
  })
  const recall = await node.ledger.submit(sign('food.recall', { ids: inputs, reason: 'foreign matter', severity: 'class-ii' }))
  store.getRange = getRange
  t.ok('seq' in recall, 'the recall is appended')
  // Past the budget, one edge per lot still says whether anything lies downstream of it at all.
  t.ok(edgesRead <= MAX_RECALL_WALK_EDGES + INPUTS, `the recall read ${edgesRead} edges (bound ${MAX_RECALL_WALK_EDGES} a statement)`)

  const resolve = async (id: string) => (await app.inject({ url: id.replace('https://id.gs1.org', ''), headers: { accept: 'application/json' } })).json()
  const first = await resolve(inputs[0])
  t.equal(first.recalled, true)
  t.notOk(first.recall.truncated, 'the first lots were walked whole')
  const last = await resolve(inputs[INPUTS - 1])
  t.equal(last.recalled, true, 'every lot named is recalled')
  t.equal(last.recall.truncated, true, 'a lot whose walk the budget did not reach says so')
  const output = await resolve(lot(OUTPUT, 'OUT99'))
  t.equal(output.recalled, true, 'what the walks reached is marked')
})
