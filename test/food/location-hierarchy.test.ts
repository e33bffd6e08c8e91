// The walk behind WD_bizLocation and WD_readPoint (issue 16): bounded, cycles end, an SGLN within its GLN.

import t from 'tap'
import type { Ledger } from '../../src/ledger/ledger.js'
import { Registry, type ActorRecord } from '../../src/ledger/registry.js'
import { inScope, locationsWithin, MAX_WITHIN } from '../../src/food/location-hierarchy.js'

const sgln = (n: number, extension = '0') => `urn:epc:id:sgln:6901234.${String(n).padStart(5, '0')}.${extension}`
const key = (n: number, extension?: string) => `414/6901234${String(n).padStart(5, '0')}${checkDigit(`6901234${String(n).padStart(5, '0')}`)}${extension ? `/254/${extension}` : ''}`

function checkDigit(digits: string): number {
  const sum = [...digits].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0)
  return (10 - (sum % 10)) % 10
}

/** A ledger with these actors' master data and an empty location index: all the walk reads. */
function ledgerWith(locationChildren: Record<string, string[]>): Ledger {
  const actor: ActorRecord = { id: 'a', name: 'a', roles: ['farm'], locations: Object.keys(locationChildren), locationChildren, keys: [], seqs: [0] }
  return { actors: Registry.fromRecords([actor]), records: { range: async () => [] } } as unknown as Ledger
}

t.test('children, their children, and a cycle that ends', async (t) => {
  const ledger = ledgerWith({ [sgln(1)]: [sgln(2)], [sgln(2)]: [sgln(3, 'dock'), sgln(1)], [sgln(3, 'dock')]: ['not a location', sgln(2)] })
  const scope = await locationsWithin(ledger, new Set([key(1)]))
  t.same([...scope.keys].sort(), [key(1), key(2), key(3, 'dock')].sort())
  t.ok(inScope(key(1, 'x'), scope), 'an extension of a GLN reached whole')
  t.notOk(inScope(key(3, 'other'), scope), 'an extension is not within a sibling')
  t.notOk(inScope(key(4), scope))
  t.same((await locationsWithin(ledger, new Set([key(3, 'dock')]))).keys, new Set([key(3, 'dock'), key(2), key(1)]))
})

t.test('a parent with an extension is within its GLN, and so are its children', async (t) => {
  const ledger = ledgerWith({ [sgln(1, 'hall')]: [sgln(5)] })
  t.same([...(await locationsWithin(ledger, new Set([key(1)]))).keys].sort(), [key(1), key(1, 'hall'), key(5)].sort())
})

t.test('more than MAX_WITHIN locations is QUERY_TOO_LARGE; more than the index streams reads the time index', async (t) => {
  const many = Array.from({ length: MAX_WITHIN }, (_, i) => sgln(2, `x${i}`))
  await t.rejects(locationsWithin(ledgerWith({ [sgln(1)]: many }), new Set([key(1)])), { code: 'QUERY_TOO_LARGE' })
  const scope = await locationsWithin(ledgerWith({ [sgln(1)]: many.slice(0, 300) }), new Set([key(1)]))
  t.equal(scope.keys.size, 301)
  t.equal(scope.indexKeys, undefined)
})
