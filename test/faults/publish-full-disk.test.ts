// `serve --publish DIR` with DIR on a real filesystem that fills up (a 2 MiB tmpfs), the node's store elsewhere:
// the node goes on appending while publishing fails, says so at /healthz, and DIR keeps a whole tree (its
// checkpoint names only tiles and bundles that are there and check out); no file is left half-written in the
// staging area to hold on to the space; and once space comes back the node publishes its whole tree by itself.

import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { fetchDirectory } from '../helpers/static-log.js'
import { STAGING_DIRECTORY } from '../../src/publish/static-files.js'
import { getCheckpoint, getJson, postJson, registrations, startNode, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { mountTmpfs } from '../helpers/tmpfs.js'

interface Health {
  size: number
  published?: { size: number; error?: { at: string; message: string } }
}

t.test('a full DIR: appends go on, /healthz says publishing fails, DIR stays whole, and catches up when space comes back', async (t) => {
  const disk = mountTmpfs(t, 2)
  if (!disk) return
  const dir = join(testDir(t), 'node')
  const published = join(disk.path, 'published')
  const node = await startNode({ dir, args: ['--publish', published] })
  t.teardown(() => node.stop())
  const key = await (await fetch(`${node.url}/v1/log/key`)).text()
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))

  let round = 0
  const append = async () => {
    const { status, body } = await postJson<{ results?: { seq?: number }[] }>(`${node.url}/v1/statements`, { envelopes: registrations(operator, `p${round++}`, 200) })
    return status === 200 && body.results?.every((result) => result.seq !== undefined) === true
  }
  // Entries of about a kB, each in its bundle and its leaf in a tile: 2 MiB holds a few hundred batches' worth at most.
  const failing = await until('publishing fails', async () => {
    t.equal(await append(), true, 'appended while DIR fills')
    const health = await getJson<Health>(`${node.url}/healthz`)
    return health.published?.error ? health : undefined
  }, 120_000)
  t.match(failing.published?.error?.message, /ENOSPC/, `/healthz names the failure: ${failing.published?.error?.message}`)
  t.ok((failing.published?.size ?? 0) < failing.size, `DIR holds ${failing.published?.size} of the node's ${failing.size}`)

  for (let i = 0; i < 5; i++) t.equal(await append(), true, 'the node still appends with DIR full')
  const left = await TiledLog.open({ fetch: fetchDirectory(published), verifierKey: key, ed: nodeEd25519 })
  t.ok(left.size > 0, `DIR's checkpoint is of ${left.size} entries`)
  await left.entries(Math.max(0, left.size - 300), Math.min(300, left.size))
  await left.inclusionProof(left.size - 1)
  // A retry may be writing a file at this very moment (each append wakes the publisher): a file only counts as
  // left behind if the staging area never comes back empty.
  const staging = join(published, STAGING_DIRECTORY)
  const empty = await until('the staging area is empty between attempts', async () => (readdirSync(staging).length === 0 ? true : undefined), 10_000)
  t.equal(empty, true, 'no half-written file left in the staging area')

  disk.resize(64)
  t.equal(await append(), true)
  const { size } = await getCheckpoint(node.url)
  const caughtUp = await until('DIR catches up', async () => {
    const health = await getJson<Health>(`${node.url}/healthz`)
    return health.published?.size === size && !health.published.error ? health : undefined
  })
  t.equal(caughtUp.published?.size, size, 'DIR holds the whole tree again, the error gone')
  const whole = await TiledLog.open({ fetch: fetchDirectory(published), verifierKey: key, ed: nodeEd25519 }, left)
  t.equal(whole.size, size, "DIR's tree is the node's, consistent with what it held while full")
  await whole.entries(0, Math.min(size, 2000))
})
