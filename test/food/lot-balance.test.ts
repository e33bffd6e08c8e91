// A lot's running sums (food/lot-balance.ts) answer exactly what summing its quantity moves answers, the
// way MASS_BALANCE summed them before the sums existed: through units of mass and others, a lot named
// twice in one list or on both sides of one transformation, corrections, and a store upgraded at open.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import type { Signer } from '../../src/core/keys.js'
import { openNode } from '../../src/cli/node-dir.js'
import { inEffect } from '../../src/food/correction-index.js'
import { LOT_BALANCE_INDEX_META, balanceOf, lotBalance, withMoves, type LotBalance } from '../../src/food/lot-balance.js'
import { kilograms } from '../../src/food/objects.js'
import { SPACES, type QuantityMove } from '../../src/food/records.js'
import { SEP } from '../../src/store/keys.js'
import { LevelStore } from '../../src/store/level-store.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode } from '../helpers/ledger.js'
import { storeReader, withoutIndex } from '../helpers/store-index.js'
import { testDir } from '../helpers/test-dir.js'

/** The reference: every move of the lot in effect, summed in key order, as lotBalance did before. */
function summed(moves: readonly QuantityMove[]): LotBalance {
  const held = moves.filter(inEffect)
  const allMass = held.every((m) => kilograms(1, m.uom) !== undefined)
  const uom = allMass ? 'KGM' : (held[0]?.uom ?? 'EA')
  let produced = 0
  let consumed = 0
  for (const m of held) {
    if (!allMass && m.uom !== uom) continue
    const amount = allMass ? (kilograms(m.quantity, m.uom) as number) : m.quantity
    if (amount >= 0) produced += amount
    else consumed -= amount
  }
  return { produced, consumed, uom }
}

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const lot = (name: string) => `https://id.gs1.org/01/06901234001037/10/${name}`
const q = (name: string, quantity: number, uom: string) => ({ epcClass: lot(name), quantity, uom })
const at = (minute: number) => `2026-05-20T08:${String(minute).padStart(2, '0')}:00.000+08:00`
const harvest = (minute: number, ...quantityList: ReturnType<typeof q>[]) => ({ '@context': CONTEXT, type: 'ObjectEvent', eventTime: at(minute), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', quantityList })
const made = (minute: number, inputQuantityList: ReturnType<typeof q>[], outputQuantityList: ReturnType<typeof q>[]) => ({
  '@context': CONTEXT,
  type: 'TransformationEvent',
  eventTime: at(minute),
  eventTimeZoneOffset: '+08:00',
  inputQuantityList,
  outputQuantityList,
})

async function scenario(t: Test) {
  const dir = testDir(t)
  const node = await makeNode(dir)
  const farm: Signer = await node.register('farm-a', ['farm', 'processor'])
  let counter = 0
  const submit = async (body: Record<string, unknown>) => node.ledger.submit(node.statement({ type: 'food.event', actor: 'farm-a', id: `bal-${++counter}`, body }, [farm]))
  await submit(harvest(0, q('A', 100, 'KGM')))
  await submit(harvest(1, q('A', 500, 'GRM'), q('E', 12, 'EA')))
  const corrected = made(2, [q('A', 40, 'KGM')], [q('B', 38, 'KGM')])
  await submit(corrected)
  // A lot named twice in one list (the key keeps the last) and on both sides of one transformation.
  await submit(made(3, [q('A', 10, 'KGM'), q('A', 2, 'TNE'), q('E', 5, 'EA')], [q('A', 3, 'KGM'), q('C', 4, 'EA')]))
  // Over-consumed: MASS_BALANCE.
  await submit(made(4, [q('B', 30, 'KGM')], [q('D', 20, 'KGM')]))
  await submit(made(5, [q('B', 30, 'KGM')], [q('D', 20, 'LBR')]))
  // E: counts first (EA), then kilograms: not all mass, so only its EA moves count.
  await submit(made(6, [q('E', 1, 'KGM')], [q('F', 1, 'KGM')]))
  await submit({ ...corrected, errorDeclaration: { declarationTime: new Date().toISOString(), reason: 'incorrect_data' } })
  return { dir, node }
}

/** Every lot with a move, and its moves as the quantity space holds them. */
async function movesByLot(store: LevelStore): Promise<Map<string, QuantityMove[]>> {
  const out = new Map<string, QuantityMove[]>()
  for (const [key, move] of await store.getRange<QuantityMove>(SPACES.quantity)) {
    const lotKey = key.split(SEP)[0] as string
    out.set(lotKey, [...(out.get(lotKey) ?? []), move])
  }
  return out
}

async function sameAsSummed(t: Test, store: LevelStore, label: string): Promise<number> {
  const reader = storeReader(store)
  const lots = await movesByLot(store)
  for (const [lotKey, moves] of lots) t.same(await lotBalance(reader, lotKey), summed(moves), `${label}: ${lotKey}`)
  return lots.size
}

t.test("a lot's sums answer as summing its moves does, appended, corrected and upgraded", async (t) => {
  const { dir, node } = await scenario(t)
  const lots = await sameAsSummed(t, node.store, 'appended')
  t.equal(lots, 6)
  const records = storeReader(node.store)
  t.same(await lotBalance(records, '01/06901234001037/10/E'), { produced: 12, consumed: 5, uom: 'EA' }, 'counts first, so the kilogram move is left out')
  t.same(await lotBalance(records, '01/06901234001037/10/B'), { produced: 0, consumed: 60, uom: 'KGM' }, 'its making was corrected')
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  const alerts = ((await app.inject('/v1/alerts?kind=MASS_BALANCE')).json() as { alerts: { message: string }[] }).alerts.map((a) => a.message)
  t.same(
    alerts.map((m) => m.replace(/^urn:epc:class:lgtin:6901234\.000103\./, '')),
    ['A: 2040 KGM consumed in transformations, only 103.5 KGM produced', 'B: 60 KGM consumed in transformations, only 38 KGM produced'],
    'each over-consumed lot flagged once, when a use passes what was made of it (B: its second use, before its making was corrected)',
  )
  await app.close()
  await node.close()

  // As an earlier release left the store: the moves, no sums, no meta. Built at the next open.
  const store = await LevelStore.open(join(dir, 'db'))
  t.equal(await withoutIndex(store, [SPACES.lotBalance], LOT_BALANCE_INDEX_META), lots)
  await store.close()
  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.same(await reopened.store.getMeta(LOT_BALANCE_INDEX_META), { version: 1, lots })
  await sameAsSummed(t, reopened.store, 'upgraded')
})

t.test('the sums of random moves, added an event at a time, are what summing them gives', async (t) => {
  const units = ['KGM', 'GRM', 'TNE', 'LBR', 'EA', 'CS']
  let seed = 7
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n)
  for (let round = 0; round < 300; round++) {
    const moves: QuantityMove[] = []
    let record
    for (let seq = 1; seq <= 1 + random(8); seq++) {
      const added: QuantityMove[] = []
      if (random(2)) added.push({ seq, quantity: random(1000) / 8, uom: units[random(round % 2 ? 4 : 6)] as string })
      if (random(2)) added.push({ seq, quantity: -random(1000) / 8, uom: units[random(round % 2 ? 4 : 6)] as string })
      moves.push(...added)
      record = withMoves(record, added)
    }
    t.same(balanceOf(record), summed(moves), `round ${round}`)
  }
})
