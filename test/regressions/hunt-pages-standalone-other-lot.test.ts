// Hunt (pages): the standalone verifier (GET /verify, `tracechain verify-page`) checks a lot by verifying the
// entries the node's resolver JSON lists for it. Before, a node could answer for a lot with another lot's
// entries (a lot it never logged, another product's lot) and the page said "verified" over them: each entry
// was genuine, just not about that lot. Now the lot verifies only when one of the entries it lists names
// the lot itself (the proof bundle's rule, verify-bundle.ts namesLot).

import t from 'tap'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { verifyLot } from '../../src/web/verify-lot.js'
import { injectedSource } from '../helpers/log-source.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

t.test("a node that lists another lot's entries for a lot does not get it verified", async (t) => {
  const { app, node } = await demoApp(t)
  const keyId = logKeyIdOf(node.ledger.verifierKey)
  const genuine = (await app.inject({ url: `${lotPath(FINE_LOT)}?format=json` })).body
  const honest = await verifyLot(injectedSource(app), nobleEd25519, { expectedKeyId: keyId, lot: `https://trace.example.cn${lotPath(FINE_LOT)}` })
  t.ok(honest.ok, 'the lot itself verifies')

  for (const [name, path] of [
    ['a lot the log never saw', `/01/${ZONGZI}/10/NEVER`],
    ["another product's lot of the same name", `/01/06901234000115/10/${FINE_LOT}`],
  ]) {
    // The hostile node answers for `path` with the genuine answer of the fine lot.
    const hostile = injectedSource(app, { api: (asked, body) => (asked === `${path}?format=json` ? genuine : body) })
    const outcome = await verifyLot(hostile, nobleEd25519, { expectedKeyId: keyId, lot: `https://trace.example.cn${path}` })
    t.ok(outcome.entries.length > 0 && outcome.entries.every((e) => e.ok), `${name}: each entry listed is genuine`)
    t.equal(outcome.ok, false, `${name}: not verified`)
    t.match(outcome.lotError, /names that lot/, `${name}: says why`)
  }
})
