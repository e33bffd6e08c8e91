// A mirror given --witness-key served only the cosignatures it verified, but its GET /v1/witnesses named no
// witnesses, so its pages required none: a copy that strips the witnesses' lines (a split view the witnesses
// would never cosign) passed on the mirror's lot page, where the node's own page fails. A mirror now names the
// witnesses it was given at /v1/witnesses and in its pages, with the quorum of --witness-min (default: all of them).
// Real node, real witnesses, a real mirror process, headless Chromium.

import t from 'tap'
import { join } from 'node:path'
import { formatWitnessVerifierKey, type WitnessKey } from '../../src/core/cosignature.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { startMirror, until } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { testDir } from '../helpers/test-dir.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

const vkeyOf = (key: WitnessKey) => formatWitnessVerifierKey(key.name, key.publicKey)

/** Every witness's cosignature line taken out of a checkpoint, as a note or inside JSON: the log's signature alone. */
const withoutCosignatures = (text: string) => text.replace(/\u2014 witness\.test\/[^ ]+ [A-Za-z0-9+/=]+(?:\n|\\n)/g, '')

t.test('a mirror given --witness-key requires those witnesses on its pages, as the node does', async (t) => {
  if (!haveChromium(t)) return
  const root = testDir(t)
  const { url: nodeUrl, node, witnesses, pin } = await witnessedNode(t, 2, 2)
  const keys = witnesses.map((w) => w.key)
  const nodePolicy = await (await fetch(`${nodeUrl}/v1/witnesses`)).json()
  t.same(nodePolicy, { min: 2, witnesses: keys.map((key) => ({ name: key.name, verifierKey: vkeyOf(key) })) })

  // A copy of the node's tiles whose checkpoint carries no cosignature: what a split view looks like to a reader.
  const copy = await startRewritingProxy(t, nodeUrl)
  copy.rewriteBytes = (bytes, path) => (path.startsWith('/tlog/tile/') ? bytes : Buffer.from(withoutCosignatures(bytes.toString('utf8'))))
  copy.rewrite = (html) => withoutCosignatures(html)
  const mirror = await startMirror({ dir: join(root, 'mirror'), from: `${copy.url}/tlog/`, key: node.ledger.verifierKey, args: keys.flatMap((key) => ['--witness-key', vkeyOf(key)]) })
  t.teardown(() => mirror.stop())
  await until('the mirror caught up', async () => ((await fetch(`${mirror.url}/healthz`)).ok ? true : undefined))
  t.notMatch(await (await fetch(`${mirror.url}/tlog/checkpoint`)).text(), /witness\.test/, 'the mirror holds the note without cosignatures')

  t.same(await (await fetch(`${mirror.url}/v1/witnesses`)).json(), nodePolicy, 'the mirror names the witnesses it was given, all of them required')

  const { page, errors } = await launchChromium(t)
  const onNode = await openVerifiedPage(page, `${nodeUrl}${lotPath(FINE_LOT)}?lang=en${pin}`)
  t.equal(onNode.state, 'verified', onNode.status)
  const nodePageOnCopy = await openVerifiedPage(page, `${copy.url}${lotPath(FINE_LOT)}?lang=en${pin}`)
  t.equal(nodePageOnCopy.state, 'failed', `the node's page fails on the stripped note: ${nodePageOnCopy.status}`)
  const onMirror = await openVerifiedPage(page, `${mirror.url}${lotPath(FINE_LOT)}?lang=en${pin}`)
  t.equal(onMirror.state, 'failed', `the mirror's page fails on it too: ${onMirror.status}`)
  t.match(onMirror.status, /lacks its witnesses: this page requires 2, 0 cosigned it/)

  // The copy sends the node's note again: the mirror takes its cosignatures and its page names both witnesses.
  copy.rewriteBytes = undefined
  copy.rewrite = undefined
  await until('the mirror serves the cosigned note', async () => ((await (await fetch(`${mirror.url}/tlog/checkpoint`)).text()).includes('witness.test/zj-agri') ? true : undefined))
  const cosigned = await openVerifiedPage(page, `${mirror.url}${lotPath(FINE_LOT)}?lang=en${pin}`)
  t.equal(cosigned.state, 'verified', cosigned.status)
  t.match(cosigned.status, /Witnessed by witness\.test\/hz-amr, witness\.test\/zj-agri \(2\)/)
  t.same(errors, [])
})
