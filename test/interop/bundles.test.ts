// Issue 15: what the node serves as an offline proof bundle verifies with Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog alone (bundlecheck/, which shares no code with tracechain): the checkpoint opens with the log key,
// with witness cosignature lines after it skipped as unknown signatures, and every entry's C2SP tlog-proof puts
// its exact leaf bytes in the signed tree. A flipped byte of a leaf or a proof fails it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import type { ProofBundle } from '../../src/core/proof-bundle.js'
import { buildProofBundle } from '../../src/ledger/proof-bundle.js'
import { buildGoProgram, run } from '../helpers/go.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

t.test('Go verifies the proofs of a lot bundle, a cosigned one, and refuses a tampered one', async (t) => {
  // Its own directory: the demo node's testDir(t) is another.
  const dir = mkdtempSync(join(tmpdir(), 'tracechain-bundlecheck-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const binary = join(dir, 'bundlecheck')
  const build = await buildGoProgram(t, binary, 'bundlecheck')
  if (!build) return
  t.equal(build.code, 0, `build.sh: ${build.stderr}`)
  const { app, node } = await demoApp(t)
  const key = node.ledger.verifierKey
  const check = async (bundle: ProofBundle, name: string) => {
    const file = join(dir, `${name}.json`)
    writeFileSync(file, JSON.stringify(bundle))
    return run(binary, ['-bundle', file, '-key', key])
  }

  const lot = (await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'application/vnd.tracechain.bundle+json' } })).json() as ProofBundle
  const good = await check(lot, 'lot')
  t.equal(good.code, 0, good.stdout + good.stderr)
  t.match(good.stdout, new RegExp(`^bundle ok: entries=${lot.entries.length} size=${node.ledger.size} unverified-signatures=0 origin=${node.config.origin}\\n$`))

  const line = `— witness.example/w1 ${toBase64(new Uint8Array(76).fill(9))}\n`
  const cosigned = await buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 5 }, seqs: [5], checkpoint: node.ledger.checkpoint + line })
  const skipped = await check(cosigned, 'cosigned')
  t.equal(skipped.code, 0, skipped.stdout + skipped.stderr)
  t.match(skipped.stdout, /unverified-signatures=1 /, 'the cosignature line is an unknown signature, skipped')

  const leaf = JSON.parse(JSON.stringify(lot)) as ProofBundle
  const bytes = Buffer.from(leaf.entries[3].leaf, 'base64')
  bytes[bytes.length - 3] ^= 1
  leaf.entries[3].leaf = bytes.toString('base64')
  const badLeaf = await check(leaf, 'leaf')
  t.equal(badLeaf.code, 1)
  t.match(badLeaf.stdout, new RegExp(`^FAIL: entry ${leaf.entries[3].seq}: `))

  const proof = JSON.parse(JSON.stringify(lot)) as ProofBundle
  const lines = proof.entries[0].proof.split('\n')
  lines[2] = toBase64(Buffer.from(lines[2], 'base64').map((b, i) => (i === 0 ? b ^ 1 : b)))
  proof.entries[0].proof = lines.join('\n')
  const badProof = await check(proof, 'proof')
  t.equal(badProof.code, 1)
  t.match(badProof.stdout, new RegExp(`^FAIL: entry ${proof.entries[0].seq}: `))

  const wrongKey = await run(binary, ['-bundle', join(dir, 'lot.json'), '-key', key.replace(/\+[0-9a-f]{8}\+/, '+00000000+')])
  t.equal(wrongKey.code, 1, 'another key hash: the checkpoint does not open')
})
