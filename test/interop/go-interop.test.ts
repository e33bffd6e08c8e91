// DESIGN.md, "Checkpoint": every checkpoint and proof the node serves verifies with Go's
// golang.org/x/mod/sumdb/note and sumdb/tlog. Builds test/interop/checker (README.md there) and runs
// it against a live node past a tile boundary (height-8 tiles: more than 256, here 512+ entries).

import t from 'tap'
import { buildGoProgram, run } from '../helpers/go.js'
import { join } from 'node:path'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { appendAll, getCheckpoint, registrations, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

/** Appended on top of the seeded examples: the log passes 512 leaves, two full level-0 tiles and a partial third. */
const EXTRA_STATEMENTS = 480


const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? ''

t.test('Go sumdb/note and sumdb/tlog verify what the node serves', async (t) => {
  const root = testDir(t)
  const checker = join(root, 'checker')
  const build = await buildGoProgram(t, checker)
  if (!build) return
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
