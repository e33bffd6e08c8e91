// Issue 14: a mirror that finds a split view keeps what proves it. Two checkpoints of different sizes do not
// prove a fork alone (the larger may extend the smaller): the evidence must also hold the larger tree's hash
// tiles (the source's as served, or the mirror's own when the offered checkpoint is the smaller) and the fork
// proof built from them, so that `tracechain verify --evidence DIR --key VKEY` proves the fork offline.

import t, { type Test } from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { servedNode } from '../helpers/served-node.js'
import { forkedLog } from '../helpers/forked-log.js'
import { registrations, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

async function followerOf(t: Test, dir: string, verifierKey: string, source: string, fetch: FetchResource) {
  const mirror = await openMirrorDir(dir, { verifierKey, source, primary: source })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch, ed: nodeEd25519, dir })
  t.teardown(async () => {
    await follower.stop()
    await mirror.close()
  })
  return { mirror, follower }
}

/** The tile paths a fork proof names: the lines after its empty line. */
function tilePathsOf(proofText: string): string[] {
  const lines = proofText.slice(0, -1).split('\n')
  return lines.slice(lines.indexOf('') + 1)
}

t.test('a larger fork: the evidence keeps the offered tiles as served and a fork proof, and verify --evidence proves it', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 20))
  // Past one full level-0 tile: the proof needs a full tile authenticated against its parent, not only the edge.
  const fork = await forkedLog(t, root, node, 300)
  const honest = httpResources(`${url}/tlog/`)
  const forked = httpResources(`${fork.url}/tlog/`)
  let source = honest
  const { mirror, follower } = await followerOf(t, join(root, 'mirror'), node.ledger.verifierKey, url, (path) => source(path))
  await follower.poll()
  t.equal(mirror.ledger.size, 21)

  source = forked
  await follower.poll()
  const failure = follower.status.failure
  t.match(failure, { code: 'PROOF_INVALID' })
  const evidence = failure!.evidence
  const proofFile = join(evidence, 'fork-proof')
  t.ok(existsSync(proofFile), 'a fork proof beside the two checkpoints of different sizes')
  if (existsSync(proofFile)) {
    const text = readFileSync(proofFile, 'utf8')
    t.match(text, /^tracechain\.dev\/fork-proof@v1\nlarger offered\nsize 21\nroot /)
    const paths = tilePathsOf(text)
    t.ok(paths.includes('tile/0/000'), 'the full level-0 tile read')
    for (const path of paths) {
      const file = join(evidence, 'resources', path)
      t.ok(existsSync(file), `${path} kept`)
      if (existsSync(file)) t.same(new Uint8Array(readFileSync(file)), await forked(path), `${path} as served`)
    }
  }
  const run = await runCli(['verify', '--evidence', evidence, '--key', node.ledger.verifierKey])
  t.equal(run.code, 0, run.stdout + run.stderr)
  t.match(run.stdout, /^FORK PROVEN: the log tracechain\.test\/node signed two histories\n/)
  t.match(run.stdout, 'the offered tree at size 21')
})

t.test('a smaller fork: the mirror’s own verified tree gives the proof, kept with its tiles', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 299))
  const fork = await forkedLog(t, root, node, 10)
  const honest = httpResources(`${url}/tlog/`)
  let source = honest
  const { mirror, follower } = await followerOf(t, join(root, 'mirror'), node.ledger.verifierKey, url, (path) => source(path))
  await follower.poll()
  t.equal(mirror.ledger.size, 300)

  source = httpResources(`${fork.url}/tlog/`)
  await follower.poll()
  const failure = follower.status.failure
  t.match(failure, { code: 'CHECKPOINT_MISMATCH' })
  const evidence = failure!.evidence
  const proofFile = join(evidence, 'fork-proof')
  t.ok(existsSync(proofFile), 'a fork proof beside the two checkpoints of different sizes')
  if (existsSync(proofFile)) {
    const text = readFileSync(proofFile, 'utf8')
    t.match(text, /^tracechain\.dev\/fork-proof@v1\nlarger accepted\nsize 10\nroot /)
    for (const path of tilePathsOf(text)) {
      const file = join(evidence, 'own-tiles', path)
      t.ok(existsSync(file), `${path} kept`)
      if (existsSync(file)) t.same(new Uint8Array(readFileSync(file)), await honest(path), `${path} as the mirror's own tree holds it`)
    }
  }
  const run = await runCli(['verify', '--evidence', evidence, '--key', node.ledger.verifierKey])
  t.equal(run.code, 0, run.stdout + run.stderr)
  t.match(run.stdout, /^FORK PROVEN/)
  t.match(run.stdout, 'the accepted tree at size 10')
})

t.test('a fork of the same size needs no tiles: the two checkpoints prove it, and verify --evidence says so', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 29))
  const fork = await forkedLog(t, root, node, 30)
  let source = httpResources(`${url}/tlog/`)
  const { follower } = await followerOf(t, join(root, 'mirror'), node.ledger.verifierKey, url, (path) => source(path))
  await follower.poll()
  source = httpResources(`${fork.url}/tlog/`)
  await follower.poll()
  t.match(follower.status.failure, { code: 'CHECKPOINT_MISMATCH' })
  const run = await runCli(['verify', '--evidence', follower.status.failure!.evidence, '--key', node.ledger.verifierKey])
  t.equal(run.code, 0, run.stdout + run.stderr)
  t.match(run.stdout, /^FORK PROVEN[^]*two checkpoints of one size with different roots/)
})
