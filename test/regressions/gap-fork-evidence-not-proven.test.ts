// Issue 14: `tracechain verify --evidence DIR --key VKEY` proves a fork only from what proves it. On a mirror's
// real evidence of a larger fork it says FORK PROVEN (exit 0); with one byte of a kept tile flipped, a checkpoint's
// signature broken, the kept tiles (or the offered checkpoint with them) swapped for the honest tree's, or no fork
// proof, it says NOT PROVEN with the reason (exit 1), and what the evidence says reaches the terminal printable.

import t, { type Test } from 'tap'
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { httpResources } from '../../src/mirror/follower.js'
import { servedNode } from '../helpers/served-node.js'
import { forkedLog } from '../helpers/forked-log.js'
import { testMirror } from '../helpers/mirror.js'
import { flipByte } from '../helpers/log-source.js'
import { registrations, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const FORK_SIZE = 300

t.test('verify --evidence: proven on the real evidence, not proven on anything less', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 20))
  const fork = await forkedLog(t, root, node, FORK_SIZE)
  const honest = httpResources(`${url}/tlog/`)
  let source = honest
  const dir = join(root, 'mirror')
  const { follower } = await testMirror(t, dir, { verifierKey: node.ledger.verifierKey, source: url, primary: url, fetch: (path) => source(path) })
  await follower.poll()
  source = httpResources(`${fork.url}/tlog/`)
  await follower.poll()
  t.match(follower.status.failure, { code: 'PROOF_INVALID' })
  const evidence = follower.status.failure!.evidence
  const key = node.ledger.verifierKey
  // The honest tree grows to the fork's size: its tiles have the paths the fork proof names.
  await node.ledger.submitMany(registrations(node.operator, 'b', FORK_SIZE - node.ledger.size))
  t.equal(node.ledger.size, FORK_SIZE)

  const verify = (dir: string) => runCli(['verify', '--evidence', dir, '--key', key])
  const proven = await verify(evidence)
  t.equal(proven.code, 0, proven.stdout + proven.stderr)
  t.match(proven.stdout, /^FORK PROVEN/)

  let copies = 0
  /** The evidence copied and changed by `change`, then verified. */
  const altered = async (change: (copy: string) => void | Promise<void>) => {
    const copy = join(root, `altered-${++copies}`)
    cpSync(evidence, copy, { recursive: true })
    await change(copy)
    return verify(copy)
  }
  const notProven = (t: Test, run: { code: number | null; stdout: string; stderr: string }, code: string, what: string) => {
    t.equal(run.code, 1, `${what}: exit 1 (${run.stdout}${run.stderr})`)
    t.match(run.stdout, new RegExp(`^NOT PROVEN: ${code}: `), what)
    t.notMatch(run.stdout, /FORK PROVEN/, what)
  }
  const flipped = (file: string) => writeFileSync(file, flipByte(new Uint8Array(readFileSync(file)), 40))
  const paths = (() => {
    const lines = readFileSync(join(evidence, 'fork-proof'), 'utf8').slice(0, -1).split('\n')
    return lines.slice(lines.indexOf('') + 1)
  })()
  t.ok(paths.length >= 2, `the fork proof names its tiles: ${paths.join(', ')}`)

  for (const path of paths) {
    notProven(t, await altered((copy) => flipped(join(copy, 'resources', path))), 'TILE_INVALID', `one byte of ${path} flipped`)
  }
  for (const name of ['accepted-checkpoint', 'offered-checkpoint']) {
    const broken = await altered((copy) => {
      const note = readFileSync(join(copy, name), 'utf8')
      // A base64 character well inside the signature (the last before the padding also carries the zero bits a
      // strict decoder checks, so changing it could make the line malformed rather than its signature wrong).
      const at = note.length - 10
      writeFileSync(join(copy, name), note.slice(0, at) + (note[at] === 'A' ? 'B' : 'A') + note.slice(at + 1))
    })
    notProven(t, broken, 'NOTE_SIGNATURE_INVALID', `the ${name}'s signature broken`)
  }
  const honestTiles = await altered(async (copy) => {
    for (const path of paths) writeFileSync(join(copy, 'resources', path), (await honest(path))!)
  })
  notProven(t, honestTiles, 'TILE_INVALID', 'the kept tiles swapped for the honest tree’s')
  const honestTree = await altered(async (copy) => {
    writeFileSync(join(copy, 'offered-checkpoint'), (await honest('checkpoint'))!)
    for (const path of paths) writeFileSync(join(copy, 'resources', path), (await honest(path))!)
  })
  notProven(t, honestTree, 'PROOF_INVALID', 'the offered checkpoint and its tiles swapped for the honest tree’s')
  t.match(honestTree.stdout, 'no fork')
  notProven(t, await altered((copy) => rmSync(join(copy, 'fork-proof'))), 'PROOF_INVALID', 'no fork proof')
  const longer = await altered((copy) => appendFileSync(join(copy, 'resources', paths[0]), new Uint8Array(1024 * 1024)))
  notProven(t, longer, 'BODY_TOO_LARGE', 'a kept tile longer than its path holds, not read past it')
  notProven(t, await altered((copy) => rmSync(join(copy, 'resources'), { recursive: true })), 'TILE_INVALID', 'no tiles')
  // A tile path the evidence names is quoted in the reason: control characters in it are not written out.
  const garbled = await altered((copy) => writeFileSync(join(copy, 'fork-proof'), readFileSync(join(copy, 'fork-proof'), 'utf8') + 'tile/0/\u001b[2J000\u202e\n'))
  notProven(t, garbled, 'PROOF_INVALID', 'a fork proof naming what is not a tile')
  t.match(garbled.stdout, 'tile/0/?[2J000?', 'the path quoted')
  t.notMatch(garbled.stdout, /[\u001b\u202e]/, 'nothing the evidence says reaches the terminal as a control character')

  // The caller's mistakes are errors (exit 2), not evidence that proves nothing.
  const nowhere = await verify(join(root, 'nowhere'))
  t.equal(nowhere.code, 2, nowhere.stderr)
  t.match(nowhere.stderr, 'NOT_FOUND')
  const mixed = await runCli(['verify', '--evidence', evidence, '--key', key, '--url', 'http://127.0.0.1:1'])
  t.equal(mixed.code, 2, mixed.stderr)
  t.match(mixed.stderr, 'BAD_REQUEST')
})
