// The standalone verifier's check of a lot, in Node against a real seeded node: the key against the id
// given, then every entry the resolver's JSON lists; hostile resolver answers are refused, a lot the
// node does not know or lists nothing for is not "verified".

import t from 'tap'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { listedSeqs, MAX_LOT_ENTRIES, resolverPathOf, verifyLot } from '../../src/web/verify-lot.js'
import { injectedSource } from '../helpers/log-source.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT, ZONGZI } from '../helpers/web.js'

t.test('resolverPathOf: the /01/ path of a Digital Link on any domain, or of a path', async (t) => {
  t.equal(resolverPathOf(`https://trace.example.cn${lotPath(FINE_LOT)}#log=370b113f`), lotPath(FINE_LOT))
  t.equal(resolverPathOf(`https://example.cn/food${lotPath(FINE_LOT)}?x=1`), lotPath(FINE_LOT))
  t.equal(resolverPathOf(`https://id.gs1.org/01/${ZONGZI}`), `/01/${ZONGZI}`)
  t.equal(resolverPathOf(` ${lotPath(FINE_LOT)} `), lotPath(FINE_LOT))
  t.equal(resolverPathOf(`https://x.cn/01/${ZONGZI}/10/A%2F..%2F`), `/01/${ZONGZI}/10/A%2F..%2F`, 'escapes stay escaped')
  for (const bad of ['', 'https://x.cn/', 'urn:epc:class:lgtin:6901234.000103.Z', 'https://x.cn/01/abc/10/X', 'https://x.cn/v1/entries/1']) {
    t.throws(() => resolverPathOf(bad), TypeError, JSON.stringify(bad))
  }
})

t.test('listedSeqs: events, inspections and the recall, each a seq; anything else refused', async (t) => {
  t.same(listedSeqs({ events: [{ seq: 9 }, { seq: 2 }], inspections: [{ seq: 5 }], recall: { seq: 2 } }), { seqs: [2, 5, 9], truncated: false })
  t.same(listedSeqs({ events: [], truncated: true }), { seqs: [], truncated: true })
  for (const bad of [null, [], 'x', { events: {} }, { events: [{ seq: -1 }] }, { events: [{ seq: '1' }] }, { events: [{}] }, { inspections: [{ seq: 1.5 }] }, { recall: 7 }, { events: [{ seq: 2 ** 60 }] }]) {
    t.throws(() => listedSeqs(bad), TypeError, JSON.stringify(bad))
  }
  t.throws(() => listedSeqs({ events: Array.from({ length: MAX_LOT_ENTRIES + 1 }, (_, seq) => ({ seq })) }), TypeError, 'too many')
})

t.test("a lot on the node: its key id, then every entry the resolver lists", async (t) => {
  const { app, node } = await demoApp(t)
  const fetcher = injectedSource(app)
  const keyId = logKeyIdOf(node.ledger.verifierKey)
  const fine = await verifyLot(fetcher, nobleEd25519, { expectedKeyId: keyId, lot: `https://trace.example.cn${lotPath(FINE_LOT)}#log=${keyId}` })
  t.same(fine.failures, [])
  t.ok(fine.ok)
  t.equal(fine.lotPath, lotPath(FINE_LOT))
  const answer = (await app.inject({ url: `${lotPath(FINE_LOT)}?format=json` })).json() as { events: { seq: number }[]; inspections: { seq: number }[] }
  t.same(fine.listed, [...answer.events, ...answer.inspections].map((e) => e.seq).sort((a, b) => a - b), 'every listed entry')
  t.ok(fine.entries.every((e) => e.ok) && fine.entries.length === fine.listed.length, 'each verified')

  const recalled = await verifyLot(fetcher, nobleEd25519, { expectedKeyId: keyId, lot: lotPath(RECALLED_LOT) })
  t.ok(recalled.ok)
  t.ok(recalled.entries.some((e) => e.statement?.type === 'food.recall'), 'the recall entry is among them')

  const wrong = await verifyLot(fetcher, nobleEd25519, { expectedKeyId: 'deadbeef', lot: lotPath(FINE_LOT) })
  t.notOk(wrong.ok)
  t.match(wrong.failures, [{ check: 'label-key', expectedKeyId: 'deadbeef', servedKeyId: keyId }])
  t.same(wrong.entries, [], 'nothing verified under a key the person did not name')

  const unknown = await verifyLot(fetcher, nobleEd25519, { expectedKeyId: keyId, lot: `/01/${ZONGZI}/10/NEVER` })
  t.notOk(unknown.ok, 'a lot the node does not know')
  t.match(unknown.lotError, /lists no entries/)
  t.same(unknown.failures, [], 'the log itself checked out')

  const logOnly = await verifyLot(fetcher, nobleEd25519, { expectedKeyId: keyId })
  t.ok(logOnly.ok, 'no lot: the key and the checkpoint')
  t.same(logOnly.listed, [])

  const notALot = await verifyLot(fetcher, nobleEd25519, { expectedKeyId: keyId, lot: 'https://x.cn/v1/entries/1' })
  t.notOk(notALot.ok)
  t.match(notALot.lotError, /not a GS1 Digital Link/)
})
