// Witnessing across organisations, as three processes: two nodes (a village's log and a producer's) each
// witness the other's log with a witness of their own, and a standalone `tracechain witness` (the township's)
// witnesses both. Each node serves a checkpoint cosigned by the other node and by the standalone witness.

import t from 'tap'
import { join } from 'node:path'
import { parseCheckpoint } from '../../src/core/checkpoint.js'
import { formatWitnessVerifierKey, parseWitnessVerifierKey, verifyCosignatures, type WitnessKey } from '../../src/core/cosignature.js'
import { toBase64 } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { parseSignedNote } from '../../src/core/signed-note.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { freePort } from '../helpers/nginx.js'
import { appendAll, registrations, runCli, startNode, startWitness } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const DEADLINE_MS = 30_000

async function initWitness(dir: string, name: string): Promise<WitnessKey> {
  const made = await runCli(['witness', 'init', '--dir', dir, '--name', name])
  if (made.code !== 0) throw new Error(made.stderr)
  return parseWitnessVerifierKey(/witness key (\S+)/.exec(made.stdout)?.[1] as string)
}

t.test('two logs, each witnessed by the other node and by a standalone witness', async (t) => {
  const root = testDir(t)
  const logs = ['village', 'producer'].map((name) => ({ name, dir: join(root, name), witnessDir: join(root, `${name}-witness`), origin: `tracechain.test/${name}` }))
  const logKeys: string[] = []
  for (const log of logs) {
    const init = await runCli(['init', '--dir', log.dir, '--origin', log.origin])
    t.equal(init.code, 0, init.stderr)
    logKeys.push(/log key (\S+)/.exec(init.stdout)?.[1] as string)
  }
  const township = await initWitness(join(root, 'township'), 'witness.test/township')
  const standalone = await startWitness({ dir: join(root, 'township'), logs: logKeys })
  t.teardown(() => standalone.stop())
  const ownKeys = await Promise.all(logs.map((log) => initWitness(log.witnessDir, `witness.test/${log.name}`)))
  const ports = [await freePort(), await freePort()]
  const flag = (url: string, key: WitnessKey) => `${url}|${key.name}|${toBase64(key.publicKey)}`

  const nodes = await Promise.all(
    logs.map((log, i) => {
      const other = 1 - i
      return startNode({
        dir: log.dir,
        args: [
          ...['--witness-dir', log.witnessDir, '--witness-log', logKeys[other], '--witness-port', String(ports[i])],
          ...['--witness', flag(`http://127.0.0.1:${ports[other]}`, ownKeys[other])],
          ...['--witness', flag(standalone.url, township)],
          ...['--witness-min', '2'],
        ],
      })
    }),
  )
  for (const node of nodes) t.teardown(() => node.stop())
  // Started together, each node's first round may find the other's witness not up yet: the round is tried
  // again without waiting for a commit, and the genesis checkpoints end up witnessed by both.
  for (const node of nodes) {
    const deadline = Date.now() + DEADLINE_MS
    let cosigned = 0
    while (cosigned < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      cosigned = verifyCosignatures(nodeEd25519, await (await fetch(`${node.url}/v1/checkpoint`)).text(), [township, ...ownKeys]).cosignatures.length
    }
    t.equal(cosigned, 2, 'the genesis checkpoint witnessed by both, with no commit to prompt a round')
  }
  for (const [i, node] of nodes.entries()) {
    t.match(node.output(), `witness     http://127.0.0.1:${ports[i]}`)
    await appendAll(node.url, registrations(readKeyFile(join(logs[i].dir, 'keys', 'operator.json')), `m${i}`, 10 + i))
  }

  for (const [i, node] of nodes.entries()) {
    const want = 11 + i
    const deadline = Date.now() + DEADLINE_MS
    let note = ''
    // Until both witnesses have cosigned one, the node serves its unwitnessed latest: wait for the cosigned one.
    while (Date.now() < deadline) {
      note = await (await fetch(`${node.url}/v1/checkpoint`)).text()
      const cosigned = verifyCosignatures(nodeEd25519, note, [township, ...ownKeys]).cosignatures.length
      if (parseCheckpoint(parseSignedNote(note).text).size === want && cosigned === 2) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    t.equal(parseCheckpoint(parseSignedNote(note).text).size, want, `${logs[i].name}: a checkpoint of ${want} entries, witnessed`)
    const { cosignatures } = verifyCosignatures(nodeEd25519, note, [township, ...ownKeys])
    t.same(cosignatures.map((c) => c.name).sort(), [`witness.test/${logs[1 - i].name}`, 'witness.test/township'].sort(), `${logs[i].name}: cosigned by the other node and the township`)
    const policy = (await (await fetch(`${node.url}/v1/witnesses`)).json()) as { min: number; witnesses: { verifierKey: string }[] }
    t.same(policy, { min: 2, witnesses: [ownKeys[1 - i], township].map((k) => ({ name: k.name, verifierKey: formatWitnessVerifierKey(k.name, k.publicKey) })) })
  }
})
