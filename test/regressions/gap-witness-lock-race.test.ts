// Gap (witness lock): D/witness.lock keeps one witness process per directory, since two would each check a
// checkpoint against the record and then write, and could cosign a fork between them. Before, the lock was a file
// holding a pid, and a lock whose pid was not alive (its owner killed with kill -9) was taken over by removing it
// and creating it again. Two processes starting at once on such a stale lock could both take it: both read the dead
// pid, one removed the file and created its own, then the other's removal deleted that fresh lock and it created
// its own too. Both served. Now the lock is one the kernel holds (flock on the open file) and drops when its
// process dies: whatever the interleaving, one process holds it and the others are refused (DIRECTORY_IN_USE).
//
// Two ways in: `tracechain witness` processes started at once, as an operator's supervisor would start them; and,
// as the window is a few microseconds wide and process start-up spreads them over milliseconds, processes that
// each load the witness directory code and then wait at a barrier (a byte on stdin) to open the directory
// at the same instant, which meets the race within a few rounds on a two-core machine.

import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { ROOT, runCli, startWitness, type NodeProcess } from '../helpers/node-process.js'
import { TestLog } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

/** Processes that race for one directory, each round. */
const RACERS = 6
const CLI_ROUNDS = 2
const BARRIER_ROUNDS = 8

/** The pid of a process that has exited: what a witness killed with kill -9 leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid as number
}

async function initWitness(root: string, name: string): Promise<string> {
  const dir = join(root, 'witness')
  const init = await runCli(['witness', 'init', '--dir', dir, '--name', name])
  if (init.code !== 0) throw new Error(init.stderr)
  return dir
}

/** What a kill -9 of the witness leaves: a lock naming a process that is gone, in this boot. */
async function leaveStaleLock(dir: string): Promise<void> {
  const boot = readBootId()
  writeFileSync(join(dir, 'witness.lock'), `${await deadPid()}${boot === undefined ? '' : ` ${boot}`}\n`)
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return undefined
  }
}

t.test('witness processes started at once on a stale lock: one serves, the others are refused', async (t) => {
  const dir = await initWitness(testDir(t, {}), 'witness.test/race-cli')
  const log = new TestLog('tracechain.test/race-cli').append(3, 'a')
  for (let round = 0; round < CLI_ROUNDS; round++) {
    await leaveStaleLock(dir)
    const started = await Promise.allSettled(Array.from({ length: RACERS }, () => startWitness({ dir, logs: [log.verifierKey] })))
    const serving = started.filter((result): result is PromiseFulfilledResult<NodeProcess> => result.status === 'fulfilled').map((result) => result.value)
    const refused = started.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => String((result.reason as Error).message))
    t.equal(serving.length, 1, `round ${round}: exactly one witness serves the directory`)
    for (const reason of refused) t.match(reason, 'DIRECTORY_IN_USE', `round ${round}: the others are refused`)
    // kill -9: the next round starts from the stale lock it leaves.
    await Promise.all(serving.map((witness) => witness.kill9()))
    if (serving.length !== 1) break
  }
})

/**
 * A process that opens `dir` with the witness's own code once a byte arrives on its stdin (a blocking read: it
 * takes no processor time from the others while they start), says `locked` or the refusal's code, and holds what
 * it took until it is killed.
 */
function racer(dir: string): { child: ChildProcess; said: Promise<string> } {
  const witnessDir = pathToFileURL(join(ROOT, 'dist/cli/witness-dir.js')).href
  const script = `
    import { readSync } from 'node:fs'
    const { openWitnessDir } = await import(${JSON.stringify(witnessDir)})
    process.stdout.write('ready\\n')
    readSync(0, Buffer.alloc(1))
    let said
    try { openWitnessDir(${JSON.stringify(dir)}); said = 'locked' } catch (error) { said = error.code ?? String(error) }
    process.stdout.write(said + '\\n')
    setInterval(() => undefined, 60_000)
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
  let output = ''
  const said = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const lines = output.split('\n')
      if (lines.length > 2) resolve(lines[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`the racer exited (${code}): ${output}`)))
  })
  return { child, said }
}

function readyOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('ready')) {
        child.stdout?.off('data', onData)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
  })
}

t.test('processes opening the directory at the same instant on a stale lock: one takes it, the others are refused', async (t) => {
  const root = testDir(t, {})
  const dir = await initWitness(root, 'witness.test/race-barrier')
  for (let round = 0; round < BARRIER_ROUNDS; round++) {
    await leaveStaleLock(dir)
    const racers = Array.from({ length: RACERS }, () => racer(dir))
    const ended = racers.map(({ child }) => new Promise((resolve) => child.once('exit', resolve)))
    t.teardown(() => racers.forEach(({ child }) => child.kill('SIGKILL')))
    await Promise.all(racers.map(({ child }) => readyOf(child)))
    for (const { child } of racers) child.stdin?.write('g')
    const said = await Promise.all(racers.map(({ said }) => said))
    // Each holds what it took until here: a lock lost to a later taker shows as a second 'locked'.
    racers.forEach(({ child }) => child.kill('SIGKILL'))
    await Promise.all(ended)
    const locked = said.filter((word) => word === 'locked').length
    t.equal(locked, 1, `round ${round}: exactly one process takes the directory (${said.join(' ')})`)
    t.same(
      said.filter((word) => word !== 'locked'),
      Array.from({ length: RACERS - 1 }, () => 'DIRECTORY_IN_USE'),
      `round ${round}: the others are refused with DIRECTORY_IN_USE`,
    )
    if (locked !== 1) break
  }
})
