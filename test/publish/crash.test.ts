// A node killed with SIGKILL while it appends and publishes leaves DIR whole: the checkpoint there names
// only tiles and bundles that are there, and a restarted node carries on publishing from it.

import t from 'tap'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { fetchDirectory } from '../helpers/static-log.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { getCheckpoint, postJson, registrations, startNode, type NodeProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const ROUNDS = 3

t.test('SIGKILL while publishing leaves a whole tree in DIR; a restart publishes on from it', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const published = join(root, 'published')
  let node: NodeProcess = await startNode({ dir, args: ['--publish', published] })
  t.teardown(() => node.kill9())
  const key = await (await fetch(`${node.url}/v1/log/key`)).text()
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  let previous: TiledLog | undefined
  for (let round = 0; round < ROUNDS; round++) {
    let writing = true
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        try {
          await postJson(`${node.url}/v1/statements`, { envelopes: registrations(operator, `k${round}-${w}-${i}`, 1 + ((i * 37 + w) % 120)) })
        } catch {
          return // the node is gone
        }
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 700 + round * 300))
    await node.kill9()
    writing = false
    await Promise.all(writers)

    // What the killed node left: a checkpoint whose every tile and bundle is there and checks out.
    const left = await TiledLog.open({ fetch: fetchDirectory(published), verifierKey: key, ed: nodeEd25519 }, previous)
    t.ok(left.size > 0, `round ${round}: DIR holds a tree of ${left.size}`)
    await left.entries(Math.max(0, left.size - 600), Math.min(600, left.size))
    await left.inclusionProof(left.size - 1)

    node = await startNode({ dir, args: ['--publish', published] })
    const { size } = await getCheckpoint(node.url)
    t.ok(size >= left.size, `round ${round}: the node (${size}) is at least where DIR was`)
    let caughtUp: TiledLog | undefined
    for (let i = 0; i < 200; i++) {
      caughtUp = await TiledLog.open({ fetch: fetchDirectory(published), verifierKey: key, ed: nodeEd25519 }, left)
      if (caughtUp.size === size) break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    t.equal(caughtUp?.size, size, `round ${round}: the restarted node published its tree, consistent with what DIR held`)
    await caughtUp!.entries(0, Math.min(size, 1000))
    previous = caughtUp
  }
  await node.stop()
})
