// Issue 15: with witnesses, a proof bundle proves against the checkpoint the node serves, the latest its
// witnesses cosigned, kept verbatim with their cosignature lines: a real `tracechain witness` process and a
// seeded node process. The bundle verifies with the log key alone (the cosignature lines are skipped) and the
// witness's cosignature in it verifies with the witness's key; an entry the witnessed checkpoint does not
// cover yet is not bundled, and a lot's bundle holds what that checkpoint's tree holds.

import { join } from 'node:path'
import t from 'tap'
import { parseCheckpoint } from '../../src/core/checkpoint.js'
import { formatWitnessVerifierKey, parseWitnessVerifierKey, verifyCosignatures } from '../../src/core/cosignature.js'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { BUNDLE_MEDIA_TYPE, type ProofBundle } from '../../src/core/proof-bundle.js'
import { parseSignedNote } from '../../src/core/signed-note.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { verifyBundle } from '../../src/web/verify-bundle.js'
import { appendAll, registrations, runCli, startNode, startWitness, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const LOT_PATH = '/01/06901234001037/10/Z260526A'

const text = async (url: string) => (await fetch(url)).text()
const sizeOf = (note: string) => parseCheckpoint(parseSignedNote(note).text).size

t.test('bundles carry the witnessed checkpoint verbatim and prove only what its tree holds', async (t) => {
  const root = testDir(t)
  const nodeDir = join(root, 'node')
  const init = await runCli(['init', '--dir', nodeDir, '--origin', 'tracechain.test/witnessed'])
  t.equal(init.code, 0, init.stderr)
  const logKey = /log key (\S+)/.exec(init.stdout)?.[1] as string
  const witnessDir = join(root, 'witness')
  const made = await runCli(['witness', 'init', '--dir', witnessDir, '--name', 'witness.test/amr'])
  t.equal(made.code, 0, made.stderr)
  const witnessKey = parseWitnessVerifierKey(/witness key (\S+)/.exec(made.stdout)?.[1] as string)
  const witness = await startWitness({ dir: witnessDir, logs: [logKey] })
  t.teardown(() => witness.stop())
  const node = await startNode({ dir: nodeDir, args: ['--seed', '--witness', `${witness.url}|witness.test/amr|${toBase64(witnessKey.publicKey)}`, '--witness-min', '1'] })
  t.teardown(() => node.stop())

  const latest = await text(`${node.url}/v1/checkpoint/latest`)
  // Until a round is cosigned the node serves its unwitnessed latest: wait for the cosigned one.
  const served = await until('the seeded log witnessed', async () => {
    const note = await text(`${node.url}/v1/checkpoint`)
    return sizeOf(note) === sizeOf(latest) && note.includes('\n— witness.test/amr ') ? note : undefined
  })
  t.not(served, latest, 'the served note carries a cosignature line')

  const lot = (await (await fetch(`${node.url}${LOT_PATH}`, { headers: { accept: BUNDLE_MEDIA_TYPE } })).json()) as ProofBundle
  t.equal(lot.checkpoint, served, 'the bundle carries the served note verbatim')
  const outcome = await verifyBundle(lot, nobleEd25519, { verifierKey: logKey })
  t.same(outcome.failures, [], 'verified with the log key alone')
  t.same(verifyCosignatures(nodeEd25519, lot.checkpoint, [witnessKey]).cosignatures.map((c) => c.name), ['witness.test/amr'], "and the witness's line in it verifies with its key")

  // The witness gone, new entries are appended but not witnessed: not bundled until a witnessed checkpoint covers them.
  await witness.kill9()
  const operator = readKeyFile(join(nodeDir, 'keys', 'operator.json'))
  await appendAll(node.url, registrations(operator, 'late', 2))
  const size = sizeOf(served)
  t.equal(sizeOf(await text(`${node.url}/v1/checkpoint/latest`)), size + 2)
  const unwitnessed = await fetch(`${node.url}/v1/bundles/entries/${size}`)
  t.equal(unwitnessed.status, 404)
  t.match(await unwitnessed.json(), { code: 'ENTRY_NOT_FOUND', details: { seq: size, size } })
  const old = (await (await fetch(`${node.url}/v1/bundles/entries/${size - 1}`)).json()) as ProofBundle
  t.equal(old.checkpoint, served)
  t.ok((await verifyBundle(old, nobleEd25519, { verifierKey: logKey })).ok)

  // The CLI, end to end, the node's word on nothing but the file.
  const file = join(root, 'lot.json')
  t.equal((await runCli(['bundle', '--url', node.url, '--id', LOT_PATH, '--out', file])).code, 0)
  await node.stop()
  const verified = await runCli(['verify', '--bundle', file, '--key', logKey])
  t.equal(verified.code, 0, verified.stdout + verified.stderr)
  t.match(verified.stdout, new RegExp(`^VERIFIED: proof bundle of lot Z260526A [\\s\\S]*\\n {2}checkpoint {2}size ${size}, `))
  // The verifier's own witness policy, held against the cosignature lines the bundle carries.
  const witnessVkey = formatWitnessVerifierKey(witnessKey.name, witnessKey.publicKey)
  const witnessed = await runCli(['verify', '--bundle', file, '--key', logKey, '--witness', witnessVkey])
  t.equal(witnessed.code, 0, witnessed.stdout + witnessed.stderr)
  t.match(witnessed.stdout, /\n {2}witnesses {3}witnessed by witness\.test\/amr at \d{4}-/)
  const stranger = formatWitnessVerifierKey('witness.test/other', new Uint8Array(32).fill(3))
  const unmet = await runCli(['verify', '--bundle', file, '--key', logKey, '--witness', witnessVkey, '--witness', stranger])
  t.equal(unmet.code, 1)
  t.match(unmet.stdout, /^FAILED: proof bundle of lot Z260526A[\s\S]*WITNESS_POLICY_UNMET: the checkpoint is cosigned by 1 of the 2 witnesses given/)
})
