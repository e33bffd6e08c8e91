// A mirror served the signature lines of a checkpoint as the copy it follows sent them. It kept a note of its tree
// "if it carries the witnesses' cosignatures the one kept lacks", with no witness key to check them by, so a copy
// could add a cosignature under a real witness's name and key id with a random signature: every reader that
// requires that witness (a page, `tracechain verify --url … --witness`) refuses a note whose line under a key it
// knows fails, so the mirror's log stopped verifying for them until it grew. A mirror now serves only the lines it
// verified: the log's signature, and the cosignatures of the witnesses its operator gave it (--witness-key).

import t from 'tap'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { buildApp } from '../../src/http/app.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { formatWitnessVerifierKey, signCosignatureLine, type WitnessKey } from '../../src/core/cosignature.js'
import { concatBytes, toBase64 } from '../../src/core/bytes.js'
import { parseSignedNote } from '../../src/core/signed-note.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir, type MirrorConfig } from '../../src/cli/mirror-dir.js'
import { registrations, runCli } from '../helpers/node-process.js'
import { startRewritingProxy, type RewritingProxy } from '../helpers/rewriting-proxy.js'
import { testCosigner } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'
import { witnessedNode } from '../helpers/witnessed-node.js'
import type { Test } from 'tap'

const vkeyOf = (key: WitnessKey) => formatWitnessVerifierKey(key.name, key.publicKey)

/** A cosignature line under `key`'s name and key id whose timestamp and signature are random: what a copy can forge. */
function forgedLine(key: WitnessKey): string {
  const time = new Uint8Array(8)
  new DataView(time.buffer).setBigUint64(0, 1_780_000_000n)
  return `\u2014 ${key.name} ${toBase64(concatBytes(key.keyHash, time, new Uint8Array(randomBytes(64))))}\n`
}

/** A line under a key no one gave the mirror (another witness, a made-up key type). */
const UNKNOWN_LINE = `\u2014 witness.test/nobody ${toBase64(new Uint8Array(randomBytes(76)))}\n`

/** A copy of the node's tiles whose checkpoint gets `extra` lines after the node's own, when set. */
async function copyAdding(t: Test, nodeUrl: string): Promise<{ proxy: RewritingProxy; add(lines: string | undefined): void }> {
  const proxy = await startRewritingProxy(t, nodeUrl)
  return {
    proxy,
    add(lines) {
      proxy.rewriteBytes = lines === undefined ? undefined : (bytes, path) => (path === '/tlog/checkpoint' ? Buffer.concat([bytes, Buffer.from(lines)]) : bytes)
    },
  }
}

/** A mirror of the copy in this process, served on a real port. */
async function mirrorOf(t: Test, dir: string, config: MirrorConfig, from: string) {
  const mirror = await openMirrorDir(dir, config)
  const follower = new Follower({ ledger: mirror.ledger, source: config.source, fetch: httpResources(from), ed: nodeEd25519, dir })
  const app = await buildApp({ ledger: mirror.ledger, config: { baseUrl: 'http://127.0.0.1' }, mirror: follower })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await follower.stop()
    await app.close()
    await mirror.close()
  }
  t.teardown(close)
  return { mirror, follower, url, close }
}

t.test('a forged cosignature under a witness the mirror knows is not served; verify --url with that witness passes', async (t) => {
  const root = testDir(t)
  // The first witness cosigns; the second is down, so a line under its name can only be forged.
  const { url: nodeUrl, node, witnesses } = await witnessedNode(t, 1, 1)
  const [up, down] = witnesses.map((w) => w.key)
  const cosigned = await (await fetch(`${nodeUrl}/tlog/checkpoint`)).text()
  t.equal(parseSignedNote(cosigned).signatures.length, 2, 'the node serves its note with the first witness’s cosignature')

  const copy = await copyAdding(t, nodeUrl)
  const config = { verifierKey: node.ledger.verifierKey, source: `${copy.proxy.url}/tlog/`, primary: nodeUrl, witnessKeys: [vkeyOf(up), vkeyOf(down)] }
  const { mirror, follower, url } = await mirrorOf(t, join(root, 'mirror'), config, config.source)
  await follower.poll()
  t.equal(mirror.ledger.checkpoint, cosigned, 'caught up: the node’s cosigned note, byte for byte')

  // The copy serves the same tree's note with a forged line under the down witness and a line under no known key.
  copy.add(forgedLine(down) + UNKNOWN_LINE)
  await follower.poll()
  t.equal(follower.status.following, true, 'lines a copy added are dropped, not a finding against the log')
  t.equal(mirror.ledger.checkpoint, cosigned, 'the note kept is the one whose lines verified')
  t.equal(await (await fetch(`${url}/tlog/checkpoint`)).text(), cosigned, 'and it is what the mirror serves')
  const health = (await (await fetch(`${url}/healthz`)).json()) as { mirror: { droppedSignatures?: { count: number; lines: { name: string; reason: string }[] } } }
  t.same(
    health.mirror.droppedSignatures?.lines.map((line) => `${line.name} ${line.reason}`),
    [`${down.name} invalid`, 'witness.test/nobody unknown'],
    '/healthz names the lines dropped, for the operator',
  )

  const verified = await runCli(['verify', '--url', url, '--witness', vkeyOf(up), '--witness', vkeyOf(down), '--min', '1'])
  t.equal(verified.code, 0, `verify --url against the mirror with both witnesses: ${verified.stdout}${verified.stderr}`)
  t.match(verified.stdout, /witnessed by witness\.test\/hz-amr/)
  copy.add(undefined)
  await follower.poll()
  t.equal(follower.status.droppedSignatures, undefined, 'none once the copy sends the node’s note')

  // What a reader does with lines under keys it does not know (C2SP signed-note: ignored), read from the copy itself:
  // one under no known name, and one under the down witness's name with another key's id.
  const impostor = testCosigner(down.name, 'another key')
  const unknownLines = UNKNOWN_LINE + signCosignatureLine(impostor, parseSignedNote(cosigned).text, 1_780_000_000)
  copy.proxy.rewriteBytes = (bytes, path) => (path === '/v1/checkpoint' ? Buffer.concat([bytes, Buffer.from(unknownLines)]) : bytes)
  t.equal(await (await fetch(`${copy.proxy.url}/v1/checkpoint`)).text(), cosigned + unknownLines)
  const fromCopy = await runCli(['verify', '--url', copy.proxy.url, '--witness', vkeyOf(up), '--witness', vkeyOf(down), '--min', '1'])
  t.equal(fromCopy.code, 0, `verify ignores lines under unknown keys: ${fromCopy.stdout}${fromCopy.stderr}`)
})

t.test('a first catch-up, a grown log and a witness no longer given: only verified lines are kept', async (t) => {
  const root = testDir(t)
  const { url: nodeUrl, node, witnesses, cosigning } = await witnessedNode(t, 1, 1)
  const [up, down] = witnesses.map((w) => w.key)
  const other = testCosigner('witness.test/other')
  const copy = await copyAdding(t, nodeUrl)
  const source = `${copy.proxy.url}/tlog/`
  const base = { verifierKey: node.ledger.verifierKey, source, primary: nodeUrl }

  // From its first checkpoint on: the forged and unknown lines never reach the store (commitReplica's note).
  copy.add(forgedLine(down) + UNKNOWN_LINE)
  const dir = join(root, 'mirror')
  let opened = await mirrorOf(t, dir, { ...base, witnessKeys: [vkeyOf(up), vkeyOf(down), vkeyOf(other.key)] }, source)
  await opened.follower.poll()
  const nodeNote = () => fetch(`${nodeUrl}/tlog/checkpoint`).then((r) => r.text())
  t.equal(opened.mirror.ledger.checkpoint, await nodeNote(), 'the first note kept carries the log’s and the up witness’s lines only')

  // The log grows and is cosigned again: the next note is cut the same way.
  await node.ledger.submitMany(registrations(node.operator, 'grown', 3))
  await cosigning.round()
  await opened.follower.poll()
  const grown = await nodeNote()
  t.equal(opened.mirror.ledger.size, node.ledger.size)
  t.equal(opened.mirror.ledger.checkpoint, grown, 'the grown tree’s note, its forged line dropped')

  // A genuine cosignature by a witness the mirror was given is served.
  const text = parseSignedNote(grown).text
  copy.add(signCosignatureLine(other, text, 1_780_000_000) + forgedLine(down))
  await opened.follower.poll()
  t.equal(opened.mirror.ledger.checkpoint, grown + signCosignatureLine(other, text, 1_780_000_000), 'a verified line of a witness given is kept')

  // Restarted without that witness (and with no keys given, the pinned ones but it): its line is served no more,
  // though the copy still sends it, and the note kept gives way to the one cut to verified lines.
  await opened.close()
  opened = await mirrorOf(t, dir, { ...base, witnessKeys: [vkeyOf(up)] }, source)
  t.equal(opened.mirror.ledger.checkpoint.includes('witness.test/other'), true, 'kept from before the restart')
  await opened.follower.poll()
  t.equal(opened.mirror.ledger.checkpoint, grown, 'the line of a witness no longer given is dropped')
  await opened.close()

  // The keys stay pinned in mirror.json; a mirror given none serves the log's signature alone.
  opened = await mirrorOf(t, dir, base, source)
  await opened.follower.poll()
  t.equal(opened.mirror.ledger.checkpoint, grown, 'keys given once stay pinned')
  await opened.close()
  const bare = await mirrorOf(t, join(root, 'bare'), base, source)
  await bare.follower.poll()
  t.equal(parseSignedNote(bare.mirror.ledger.checkpoint).signatures.length, 1, 'no witness keys: the log’s signature alone')
  t.equal(parseSignedNote(bare.mirror.ledger.checkpoint).signatures[0].name, node.ledger.origin)
})
