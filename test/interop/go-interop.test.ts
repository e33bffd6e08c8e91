// DESIGN.md, "Checkpoint": every checkpoint and proof the node serves verifies with Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog. Builds test/interop/checker (README.md there) and runs
// it against a live node past a tile boundary (height-8 tiles: more than 256, here 512+ entries).

import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { ROOT, appendAll, getCheckpoint, registrations, startNode } from '../helpers/node-process.js'

const BUILD_SCRIPT = join(ROOT, 'test/interop/build.sh')
/** build.sh's exit code when Go or golang.org/x/mod is missing. */
const EXIT_GO_MISSING = 2
const GO_MISSING = 'Go toolchain not installed (apt-get install golang-go golang-golang-x-mod-dev)'
/** Appended on top of the seeded examples: the log passes 512 leaves, two full level-0 tiles and a partial third. */
const EXTRA_STATEMENTS = 480

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}


const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? ''

t.test('Go sumdb/note and sumdb/tlog verify what the node serves', async (t) => {
  const root = t.testdir()
  const checker = join(root, 'checker')
  const build = await run('sh', [BUILD_SCRIPT, checker])
  if (build.code === EXIT_GO_MISSING) {
    // CI must install Go: a missing toolchain there is a failure, not a skip.
    if (process.env.CI) t.fail(`${GO_MISSING}; CI must install it: ${build.stderr.trim()}`)
    else t.skip(GO_MISSING, () => undefined)
    return
  }
  t.equal(build.code, 0, `build.sh: ${build.stderr}`)
  t.equal(build.stdout.trim(), checker, 'build.sh prints the binary path only')

  const dir = join(root, 'node')
  const node = await startNode({ dir, args: ['--seed'] })
  t.teardown(() => node.stop())
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  await appendAll(node.url, registrations(operator, 'interop', EXTRA_STATEMENTS))
  const { size } = await getCheckpoint(node.url)
  t.ok(size > 512, `the log has ${size} entries`)

  // A still tree: every seq and every size is checked (fewer than the checker's 1000 samples).
  const still = await run(checker, ['-url', node.url])
  t.equal(still.code, 0, `${still.stdout}\n${still.stderr}`)
  t.match(lastLine(still.stdout), /^interop ok: /)
  t.match(lastLine(still.stdout), `interop ok: size=${size} inclusion=${size} consistency=${size} `)
  t.match(lastLine(still.stdout), / head=unchanged origin=tracechain\.local\/node$/)
  const controls = Number(/negative-controls=(\d+)/.exec(still.stdout)?.[1])
  t.ok(controls > size, `${controls} negative controls were refused by Go`)

  // While the node takes appends: proofs at the first size still verify, and the head that grew
  // meanwhile is a provable extension of the first.
  let appending = true
  const writer = (async () => {
    let round = 0
    while (appending) await appendAll(node.url, registrations(operator, `live-${round++}`, 20))
  })()
  const live = await run(checker, ['-url', node.url, '-inclusion-samples', '200', '-consistency-samples', '200', '-seed', '7'])
  appending = false
  await writer
  t.equal(live.code, 0, `${live.stdout}\n${live.stderr}`)
  t.match(lastLine(live.stdout), /^interop ok: size=\d+ inclusion=\d+ consistency=\d+ negative-controls=\d+ head=(\d+->\d+|unchanged) /)
  t.ok((await getCheckpoint(node.url)).size > size, 'the node grew meanwhile')
})
