// `tracechain mirror --witness-key VKEY …` as its operator runs it: a real mirror process following a copy that adds
// a forged cosignature under a real witness's name and key id serves the node's note without it, so `tracechain
// verify --url` against the mirror with that witness in its policy passes; the keys are pinned in D/mirror.json;
// a key that does not parse is refused before anything is written.

import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { formatWitnessVerifierKey, type WitnessKey } from '../../src/core/cosignature.js'
import { concatBytes, toBase64 } from '../../src/core/bytes.js'
import { getCheckpoint, runCli, startMirror, until } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { testDir } from '../helpers/test-dir.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

const vkeyOf = (key: WitnessKey) => formatWitnessVerifierKey(key.name, key.publicKey)
const forgedLine = (key: WitnessKey) => `\u2014 ${key.name} ${toBase64(concatBytes(key.keyHash, new Uint8Array(8).fill(1), new Uint8Array(randomBytes(64))))}\n`

t.test('a mirror process given --witness-key serves no forged cosignature; verify --url with that witness passes', async (t) => {
  const root = testDir(t)
  const { url: nodeUrl, node, witnesses } = await witnessedNode(t, 1, 1)
  const [up, down] = witnesses.map((w) => w.key)
  const copy = await startRewritingProxy(t, nodeUrl)
  copy.rewriteBytes = (bytes, path) => (path === '/tlog/checkpoint' ? Buffer.concat([bytes, Buffer.from(forgedLine(down))]) : bytes)
  const cosigned = (await getCheckpoint(nodeUrl)).note

  const dir = join(root, 'mirror')
  const mirror = await startMirror({ dir, from: `${copy.url}/tlog/`, key: node.ledger.verifierKey, args: ['--witness-key', vkeyOf(up), '--witness-key', vkeyOf(down)] })
  t.teardown(() => mirror.stop())
  await until('the mirror caught up', async () => ((await fetch(`${mirror.url}/healthz`)).ok ? true : undefined))
  t.match(mirror.output(), `  witness     ${vkeyOf(down)}`, 'the banner names the witnesses whose cosignatures it serves')
  t.equal(await (await fetch(`${mirror.url}/tlog/checkpoint`)).text(), cosigned, 'the node’s cosigned note, without the forged line')

  const verified = await runCli(['verify', '--url', mirror.url, '--witness', vkeyOf(up), '--witness', vkeyOf(down), '--min', '1'])
  t.equal(verified.code, 0, `${verified.stdout}${verified.stderr}`)
  t.match(verified.stdout, /witnessed by witness\.test\/hz-amr/)
  t.same(JSON.parse(readFileSync(join(dir, 'mirror.json'), 'utf8')).witnessKeys, [vkeyOf(up), vkeyOf(down)], 'pinned in mirror.json')
  await mirror.stop()

  const refused = await runCli(['mirror', '--dir', join(root, 'other'), '--from', `${copy.url}/tlog/`, '--key', node.ledger.verifierKey, '--witness-key', node.ledger.verifierKey, '--port', '0'])
  t.not(refused.code, 0, 'a log key given as a witness key is refused')
  t.match(refused.stdout + refused.stderr, /VERIFIER_KEY_INVALID/)
  t.equal(existsSync(join(root, 'other')), false, 'nothing written')
})
