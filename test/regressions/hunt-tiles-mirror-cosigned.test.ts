// A witnessing node serves its own checkpoint until its witnesses have cosigned one, then the cosigned note of
// the same tree, with their lines after its signature. A mirror "serves the cosigned checkpoint it follows,
// with the lines intact" (docs/witness.md): one that took the note before the cosignatures came must take the
// cosigned one of the same size too, not keep serving the bare one until the log grows (an idle village log:
// hours), while pages that hold a witness policy and read the mirror fail it. The mirror serves the lines of the
// witnesses it was given, verified (gap-mirror-unverified-cosignature.test.ts).

import t from 'tap'
import { join } from 'node:path'
import { buildApp } from '../../src/http/app.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { formatWitnessVerifierKey, signCosignatureLine, verifyCosignatures, withSignatureLines } from '../../src/core/cosignature.js'
import { parseSignedNote, signNote } from '../../src/core/signed-note.js'
import { fromUtf8, utf8 } from '../../src/core/bytes.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { servedNode } from '../helpers/served-node.js'
import { registrations } from '../helpers/node-process.js'
import { testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a mirror takes the cosigned checkpoint of the tree it holds; a stale bare one does not replace it', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 30))
  const witness = testCosigner()
  const bare = node.ledger.checkpoint
  const cosigned = withSignatureLines(bare, [signCosignatureLine(witness, parseSignedNote(bare).text, 1_780_000_000)])
  const source = httpResources(`${url}/tlog/`)
  let served = bare
  const copy: FetchResource = async (path) => (path === 'checkpoint' ? utf8(served) : source(path))

  const dir = join(root, 'mirror')
  const w2 = testCosigner('witness.test/w2')
  const witnessKeys = [witness.key, w2.key].map((key) => formatWitnessVerifierKey(key.name, key.publicKey))
  const mirror = await openMirrorDir(dir, { verifierKey: node.ledger.verifierKey, source: url, primary: url, witnessKeys })
  const follower = new Follower({ ledger: mirror.ledger, source: url, fetch: copy, ed: nodeEd25519, dir })
  const app = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, mirror: follower })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await follower.stop()
    await app.close()
    await mirror.close()
  }
  t.teardown(close)
  await follower.poll()
  t.equal(mirror.ledger.checkpoint, bare, 'the node’s note, before its witnesses cosigned it')

  served = cosigned
  await follower.poll()
  t.equal(follower.status.following, true)
  t.equal(mirror.ledger.checkpoint, cosigned, 'the cosigned note of the same tree, its lines intact')
  const fromMirror = (await app.inject('/tlog/checkpoint')).body
  t.equal(verifyCosignatures(nodeEd25519, fromMirror, [witness.key]).cosignatures.length, 1, 'what a page reads from the mirror carries the cosignature')

  // A stale copy that still has the bare note does not take the cosignature away; nor does a note of the same
  // tree signed by the log's key alone with other lines (not a superset of what is kept).
  served = bare
  await follower.poll()
  t.equal(mirror.ledger.checkpoint, cosigned)
  const other = signNote(parseSignedNote(bare).text, [{ name: node.config.origin, publicKey: node.nodeSigner.publicKey, sign: (m) => node.nodeSigner.sign(m) }])
  served = withSignatureLines(other, [signCosignatureLine(w2, parseSignedNote(bare).text, 1_780_000_001)])
  await follower.poll()
  t.equal(mirror.ledger.checkpoint, cosigned)

  // It is kept: a restart serves it.
  await close()
  const again = await openMirrorDir(dir)
  t.equal(again.ledger.checkpoint, cosigned, 'kept in the store')
  t.equal(fromUtf8(utf8(again.ledger.checkpoint)), cosigned)
  await again.close()
})
