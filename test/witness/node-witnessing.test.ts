// A node with witnesses, as operators run them: two `tracechain witness` processes and a node process that
// submits its checkpoints to them. The node serves (at /v1/checkpoint, under /tlog/ and in its published DIR)
// the latest checkpoint both cosigned, with their lines after its own signature; the unwitnessed latest stays
// at /v1/checkpoint/latest. A witness that goes away stops the served checkpoint at what the policy last
// accepted, and a restarted node serves its kept witnessed checkpoint at once.

import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCheckpoint, verifyCheckpoint } from '../../src/core/checkpoint.js'
import { formatWitnessVerifierKey, parseWitnessVerifierKey, verifyCosignatures, type WitnessKey } from '../../src/core/cosignature.js'
import { toBase64 } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { parseSignedNote } from '../../src/core/signed-note.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { buildGoProgram, run } from '../helpers/go.js'
import { appendAll, getJson, registrations, runCli, startNode, startWitness, type NodeProcess, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'


const text = async (url: string) => (await fetch(url)).text()
const sizeOf = (note: string) => parseCheckpoint(parseSignedNote(note).text).size

t.test('a node served by two witnesses: cosigned checkpoints served and published, the latest apart, policy held', async (t) => {
  const root = testDir(t)
  const nodeDir = join(root, 'node')
  const init = await runCli(['init', '--dir', nodeDir, '--origin', 'tracechain.test/witnessed'])
  t.equal(init.code, 0, init.stderr)
  const logKey = /log key (\S+)/.exec(init.stdout)?.[1] as string
  const witnesses: { key: WitnessKey; process: NodeProcess; flag: string }[] = []
  for (const name of ['witness.test/amr', 'witness.test/agri']) {
    const dir = join(root, name.replace('/', '-'))
    const made = await runCli(['witness', 'init', '--dir', dir, '--name', name])
    t.equal(made.code, 0, made.stderr)
    const key = parseWitnessVerifierKey(/witness key (\S+)/.exec(made.stdout)?.[1] as string)
    const process = await startWitness({ dir, logs: [logKey] })
    t.teardown(() => process.stop())
    witnesses.push({ key, process, flag: `${process.url}|${name}|${toBase64(key.publicKey)}` })
  }
  const published = join(root, 'published')
  const start = (min: number) =>
    startNode({ dir: nodeDir, args: [...witnesses.flatMap((w) => ['--witness', w.flag]), '--witness-min', String(min), '--publish', published] })
  let node = await start(2)
  t.teardown(() => node.stop())
  const operator = readKeyFile(join(nodeDir, 'keys', 'operator.json'))
  await appendAll(node.url, registrations(operator, 'a', 20))

  const latest = await text(`${node.url}/v1/checkpoint/latest`)
  t.equal(sizeOf(latest), 21)
  const served = await until('a checkpoint both witnesses cosigned', async () => {
    const note = await text(`${node.url}/v1/checkpoint`)
    return sizeOf(note) === 21 ? note : undefined
  })
  t.equal(verifyCheckpoint(nodeEd25519, served, logKey).size, 21, 'the log key alone verifies the cosigned note')
  const { cosignatures } = verifyCosignatures(nodeEd25519, served, witnesses.map((w) => w.key))
  t.same(cosignatures.map((c) => c.name).sort(), ['witness.test/agri', 'witness.test/amr'])
  t.ok(cosignatures.every((c) => Math.abs(c.timestamp - Date.now() / 1000) < 120), 'cosigned just now')
  t.equal(await text(`${node.url}/tlog/checkpoint`), served, 'the tile tree serves it too')
  await until('the published DIR to carry it', async () => (readFileSync(join(published, 'checkpoint'), 'utf8') === served ? true : undefined))
  // Go's sumdb/note opens the cosigned note with the log's key alone: a witness's line is an unknown signature.
  const checker = await buildGoProgram(t, join(root, 'checker'))
  if (checker) {
    const go = await run(join(root, 'checker'), ['-url', node.url])
    t.equal(go.code, 0, `${go.stdout}\n${go.stderr}`)
    t.match(go.stdout, /interop ok: size=21 /)
  }

  // A verifier's own witness policy: met by both, not by a third witness nobody asked.
  const vkeys = witnesses.map((w) => formatWitnessVerifierKey(w.key.name, w.key.publicKey))
  const audit = await runCli(['verify', '--url', node.url, '--log-key', logKey, '--witness', vkeys[0], '--witness', vkeys[1]])
  t.equal(audit.code, 0, audit.stderr)
  t.match(audit.stdout, /^ok: 21 entries verified; .*witnessed by witness\.test\/(amr|agri) at \S+, witness\.test\/(amr|agri) at /)
  const stranger = formatWitnessVerifierKey('witness.test/other', new Uint8Array(32).fill(9))
  const unmet = await runCli(['verify', '--url', node.url, '--witness', vkeys[0], '--witness', stranger, '--min', '2'])
  t.equal(unmet.code, 1)
  t.match(unmet.stdout, /FAILED: WITNESS_POLICY_UNMET: the checkpoint is cosigned by 1 of the 2 witnesses given .*; 2 required/)
  t.equal((await runCli(['verify', '--url', node.url, '--witness', vkeys[0], '--min', '2'])).code, 2, '--min beyond the witnesses given')

  const health = await getJson<{ witnessing: { size: number; min: number; witnesses: { name: string; size: number }[] } }>(`${node.url}/healthz`)
  t.match(health.witnessing, { size: 21, min: 2 })
  t.same(health.witnessing.witnesses.map((w) => w.size), [21, 21])

  // One witness gone: with two required, the served checkpoint stays where both last cosigned.
  await witnesses[1].process.kill9()
  await appendAll(node.url, registrations(operator, 'b', 5))
  await until('the node to try the dead witness', async () => {
    const { witnessing } = await getJson<{ witnessing: { witnesses: { name: string; lastError?: { message: string } }[] } }>(`${node.url}/healthz`)
    return witnessing.witnesses[1].lastError ? true : undefined
  })
  t.equal(sizeOf(await text(`${node.url}/v1/checkpoint/latest`)), 26)
  t.equal(sizeOf(await text(`${node.url}/v1/checkpoint`)), 21, 'not witnessed by two: not served')

  // Restarted, the policy still unmet: the kept witnessed checkpoint is served from the start.
  await node.stop()
  node = await start(2)
  t.equal(await text(`${node.url}/v1/checkpoint`), served, 'the kept witnessed checkpoint, served on start')
  // With one required, the live witness's cosignature is enough for the new one.
  await node.stop()
  node = await start(1)
  const advanced = await until('the checkpoint one witness cosigned', async () => {
    const note = await text(`${node.url}/v1/checkpoint`)
    return sizeOf(note) === 26 ? note : undefined
  })
  t.same(verifyCosignatures(nodeEd25519, advanced, witnesses.map((w) => w.key)).cosignatures.map((c) => c.name), ['witness.test/amr'])
})

t.test('serve refuses a malformed witness policy', async (t) => {
  const root = testDir(t)
  for (const [args, message] of [
    [['--witness', 'not-a-url|w|AAAA'], /not an http\(s\) URL/],
    [['--witness', 'http://127.0.0.1:1|w'], /URL\|NAME\|KEY/],
    [['--witness', 'http://127.0.0.1:1|w|AAAA'], /--witness w/],
    [['--witness-min', '1'], /--witness-min without --witness/],
    [['--witness', `http://127.0.0.1:1|w|${toBase64(new Uint8Array(32).fill(7))}`, '--witness-min', '2'], /--witness-min must be 1..1/],
  ] as const) {
    const run = await runCli(['serve', '--dir', join(root, 'node'), '--port', '0', ...args])
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, message)
  }
})
