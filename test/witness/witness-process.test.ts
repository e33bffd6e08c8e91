// `tracechain witness` as a process: init, start-up refusals, the directory lock, and the safety property
// under crashes: kill -9 at arbitrary moments while clients race two forks of one log (same key) never
// gets both forks cosigned beyond their common prefix, and every cosignature answered survives a restart.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { parseWitnessVerifierKey, verifyCosignatures, type WitnessKey } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { isTracechainError } from '../../src/core/errors.js'
import { addCheckpoint } from '../../src/witness/client.js'
import { originHashOf } from '../../src/witness/state.js'
import { runCli, startWitness, type NodeProcess } from '../helpers/node-process.js'
import { TestLog } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

/** Restarts of the witness, each ended by kill -9. */
const ROUNDS = 12
/** Leaves both forks share; cosignatures up to here are of both. */
const COMMON = 4
const FORK_LENGTH = 200

async function initWitness(dir: string, name: string): Promise<WitnessKey> {
  const init = await runCli(['witness', 'init', '--dir', dir, '--name', name])
  if (init.code !== 0) throw new Error(init.stderr)
  return parseWitnessVerifierKey(/witness key (\S+)/.exec(init.stdout)?.[1] as string)
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('witness init: a 0600 key, its name, its vkey; refusals', async (t) => {
  const dir = join(testDir(t, {}), 'w')
  const init = await runCli(['witness', 'init', '--dir', dir, '--name', 'witness.test/zj-amr'])
  t.equal(init.code, 0, init.stderr)
  const key = parseWitnessVerifierKey(/witness key (\S+)/.exec(init.stdout)?.[1] as string)
  t.equal(key.name, 'witness.test/zj-amr')
  t.equal(statSync(join(dir, 'keys', 'witness.json')).mode & 0o777, 0o600)
  const keyFile = JSON.parse(readFileSync(join(dir, 'keys', 'witness.json'), 'utf8')) as Record<string, string>
  t.same(Object.keys(keyFile).sort(), ['keyid', 'privateKey', 'publicKey'])
  t.equal(keyFile.publicKey, Buffer.from(key.publicKey).toString('base64'))
  t.match(init.stdout, `public key  ${keyFile.publicKey}`)
  t.same(JSON.parse(readFileSync(join(dir, 'witness.json'), 'utf8')), { name: 'witness.test/zj-amr' })

  const again = await runCli(['witness', 'init', '--dir', dir, '--name', 'witness.test/other'])
  t.equal(again.code, 2)
  t.match(again.stderr, 'ALREADY_INITIALISED')
  const badName = join(testDir(t, {}), 'bad')
  const bad = await runCli(['witness', 'init', '--dir', badName, '--name', 'has space'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, 'VERIFIER_KEY_INVALID')
  t.notOk(existsSync(badName), 'nothing written for a refused name')
})

t.test('witness start-up: needs init and --log, checks the keys, one process per directory', async (t) => {
  const root = testDir(t, {})
  const log = new TestLog('tracechain.test/startup').append(3, 'a')
  const none = await runCli(['witness', '--dir', join(root, 'none'), '--log', log.verifierKey, '--port', '0'])
  t.equal(none.code, 2)
  t.match(none.stderr, 'NOT_INITIALISED')
  const dir = join(root, 'w')
  const key = await initWitness(dir, 'witness.test/startup')
  t.match((await runCli(['witness', '--dir', dir, '--port', '0'])).stderr, 'BAD_REQUEST')
  const badKey = await runCli(['witness', '--dir', dir, '--log', 'not+a+key', '--port', '0'])
  t.match(badKey.stderr, 'VERIFIER_KEY_INVALID')
  t.notOk(existsSync(join(dir, 'witness.lock')), 'a refused start leaves no lock')

  const witness = await startWitness({ dir, logs: [log.verifierKey] })
  t.teardown(() => witness.stop())
  t.match(witness.output(), `witness key ${formatKey(key)}`)
  t.match(witness.output(), `witnesses   ${log.origin} (latest cosigned size 0)`)
  const second = await runCli(['witness', '--dir', dir, '--log', log.verifierKey, '--port', '0'])
  t.equal(second.code, 2)
  t.match(second.stderr, 'DIRECTORY_IN_USE')

  t.equal((await addCheckpoint(witness.url, key, { oldSize: 0, proof: [], checkpoint: log.checkpoint(3) })).status, 'cosigned')
  t.equal(await witness.stop(), 0, 'SIGTERM closes cleanly')
  t.notOk(existsSync(join(dir, 'witness.lock')))
  const restarted = await startWitness({ dir, logs: [log.verifierKey] })
  t.teardown(() => restarted.stop())
  t.match(restarted.output(), `witnesses   ${log.origin} (latest cosigned size 3)`, 'restart keeps state')
  t.same(await addCheckpoint(restarted.url, key, { oldSize: 0, proof: [], checkpoint: log.checkpoint(3) }), { status: 'conflict', size: 3 })
})

function formatKey(key: WitnessKey): string {
  return `${key.name}+${Buffer.from(key.keyHash).toString('hex')}+${Buffer.from([0x04, ...key.publicKey]).toString('base64')}`
}

interface Ack {
  fork: number
  size: number
}

t.test('kill -9 while two clients race forks of one log: never both forks cosigned, no acknowledged cosignature lost', async (t) => {
  const dir = join(testDir(t, {}), 'witness')
  const witnessKey = await initWitness(dir, 'witness.test/crash')
  const pairs = ['tracechain.test/fork-1', 'tracechain.test/fork-2'].map((origin) => {
    const base = new TestLog(origin).append(COMMON, 'common')
    return { origin, forks: [base.fork(COMMON).append(FORK_LENGTH, 'left'), base.fork(COMMON).append(FORK_LENGTH, 'right')] }
  })
  const acks = new Map<string, Ack[]>(pairs.map((p) => [p.origin, []]))
  let url: string | undefined
  let stopped = false
  let unavailable = 0
  let refused = 0
  let ackCount = 0
  let inFlight = 0
  let killsMidRequest = 0

  const client = async (pair: (typeof pairs)[number], fork: number) => {
    const log = pair.forks[fork]
    let old = 0
    let target = 1
    while (!stopped && target <= log.leaves.length) {
      const at = url
      if (at === undefined) {
        await pause(5)
        continue
      }
      const request = { oldSize: old, proof: log.proof(old, target), checkpoint: log.checkpoint(target) }
      inFlight++
      try {
        const result = await addCheckpoint(at, witnessKey, request, { timeoutMs: 20_000 }).finally(() => inFlight--)
        if (result.status === 'cosigned') {
          t.equal(verifyCheckpoint(nodeEd25519, result.note, log.verifierKey).size, target)
          acks.get(pair.origin)?.push({ fork, size: target })
          ackCount++
          old = target
          target++
        } else {
          // Whatever the witness holds, claim this fork extends it (it does, unless the witness holds the other fork).
          old = result.size
          if (old > log.leaves.length) return
          target = Math.max(target, old)
        }
      } catch (error) {
        if (!isTracechainError(error)) throw error
        if (error.code === 'WITNESS_UNAVAILABLE') unavailable++ // killed mid-request, or restarting
        else if (error.code === 'PROOF_INVALID') refused++ // the witness holds the other fork
        else throw error
        await pause(error.code === 'WITNESS_UNAVAILABLE' ? 20 : 2)
      }
    }
  }
  const clients = pairs.flatMap((pair) => [client(pair, 0), client(pair, 1)])

  /** Every 200 answered before a kill returned: it must be on disk at the next start. */
  let acknowledged = new Map<string, Ack[]>()
  let witness: NodeProcess | undefined
  t.teardown(async () => {
    stopped = true
    await witness?.kill9()
  })
  for (let round = 0; round < ROUNDS; round++) {
    witness = await startWitness({ dir, logs: pairs.map((p) => p.forks[0].verifierKey) })
    for (const pair of pairs) {
      const answered = acknowledged.get(pair.origin) ?? []
      const largest = answered.reduce<Ack | undefined>((max, ack) => (ack.size > (max?.size ?? 0) ? ack : max), undefined)
      const served = await fetch(`${witness.url}/${originHashOf(pair.origin)}/checkpoint`)
      if (!largest) continue
      t.equal(served.status, 200, `round ${round}: ${pair.origin} has a record`)
      const note = await served.text()
      const size = verifyCheckpoint(nodeEd25519, note, pair.forks[0].verifierKey).size
      t.equal(verifyCosignatures(nodeEd25519, note, [witnessKey]).cosignatures.length, 1)
      if (size < largest.size) t.fail(`round ${round}: ${pair.origin} restarted at size ${size} after answering ${largest.size}`)
      t.ok(note.includes(Buffer.from(pair.forks[largest.fork].root(size)).toString('base64')), `round ${round}: the record is on the acknowledged fork`)
    }
    url = witness.url
    // Let the clients get one to four new cosignatures, then kill at an arbitrary moment among their requests.
    const wanted = ackCount + 1 + (round % 4)
    const deadline = Date.now() + 30_000
    while (ackCount < wanted && Date.now() < deadline) await pause(2)
    t.ok(ackCount >= wanted, `round ${round}: the clients made progress`)
    await pause(Math.floor(Math.random() * 40))
    // Kill only while a client awaits an answer (sent, or answered but not yet read): no await between the check and the signal.
    while (inFlight === 0) await pause(1)
    killsMidRequest++
    await witness.kill9()
    acknowledged = new Map([...acks].map(([origin, list]) => [origin, [...list]]))
  }
  stopped = true
  await Promise.all(clients)

  for (const pair of pairs) {
    const beyond = new Set((acks.get(pair.origin) ?? []).filter((ack) => ack.size > COMMON).map((ack) => ack.fork))
    t.ok(beyond.size <= 1, `${pair.origin}: cosigned beyond the common prefix on forks ${[...beyond].join(', ')}`)
    t.equal(beyond.size, 1, `${pair.origin}: one fork won`)
  }
  t.equal(killsMidRequest, ROUNDS, 'every kill landed with a request in flight')
  t.ok(refused > 0, `the losing forks were refused (${refused} times)`)
  t.comment(`${ROUNDS} kill -9 restarts, ${ackCount} cosignatures, ${refused} fork attempts refused, ${unavailable} requests met a dead or restarting witness`)
})
