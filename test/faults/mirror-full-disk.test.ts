// A mirror whose directory fills up (a real tmpfs) while its log grows: its own disk is not the log's
// misbehaviour. It must not stop following, write evidence against the log, or serve a tree it has not
// verified; it keeps serving what it holds, says at /healthz that its store takes no writes, and once space
// comes back it catches up with the node by itself, its checkpoint the node's.

import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../src/cli/node-dir.js'
import type { MirrorStatus } from '../../src/mirror/follower.js'
import { getCheckpoint, getJson, postJson, registrations, startMirror, startNode, until, type NodeProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { mountTmpfs } from '../helpers/tmpfs.js'

interface Health {
  ok: boolean
  size: number
  store?: { available: boolean }
  mirror?: MirrorStatus
}

const health = async (url: string) => {
  const response = await fetch(`${url}/healthz`)
  return (await response.json()) as Health
}

/** until, failing with what the mirror printed when it is no longer running. */
const whileRunning = (mirror: NodeProcess) => async <T>(what: string, probe: () => Promise<T | undefined>) =>
  until(what, probe, 90_000).catch((error: unknown) => {
    if (mirror.child.exitCode === null && mirror.child.signalCode === null) throw error
    throw new Error(`${what}: the mirror exited (${mirror.child.exitCode ?? mirror.child.signalCode}):\n${mirror.output()}`)
  })

t.test("a mirror's full disk: no finding against the log, what it verified still served, caught up once space is back", async (t) => {
  const disk = mountTmpfs(t, 48)
  if (!disk) return
  const root = testDir(t)
  const node = await startNode({ dir: join(root, 'node') })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const operator = readKeyFile(join(root, 'node', 'keys', 'operator.json'))
  let round = 0
  const append = async (batches: number) => {
    for (let i = 0; i < batches; i++) {
      const { status } = await postJson(`${node.url}/v1/statements`, { envelopes: registrations(operator, `m${round++}`, 500) })
      t.equal(status, 200, 'the node appends')
    }
  }
  await append(2)

  const dir = join(disk.path, 'mirror')
  const mirror = await startMirror({ dir, from: `${node.url}/tlog/`, key, args: ['--primary', node.url] })
  t.teardown(() => mirror.stop())
  const waitFor = whileRunning(mirror)
  const first = (await getCheckpoint(node.url)).size
  await waitFor('the first catch-up', async () => ((await health(mirror.url)).size === first ? true : undefined))

  // The disk full but for a few kB: LevelDB's next log and table files do not fit.
  const { bavail, bsize } = await statfs(disk.path)
  const filler = join(disk.path, 'filler')
  writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)))
  await append(20)
  const nodeSize = (await getCheckpoint(node.url)).size
  const full = await waitFor('the mirror finds its disk full', async () => {
    const h = await health(mirror.url)
    return h.mirror?.sourceError || h.store?.available === false ? h : undefined
  })
  t.equal(full.mirror?.following, true, `still following: its own disk is no finding against the log (${JSON.stringify(full.mirror?.sourceError ?? full.store)})`)
  t.notOk(full.mirror?.failure, 'no failure recorded')
  t.notOk(existsSync(join(dir, 'evidence')), 'no evidence written against the log')
  t.ok(full.size < nodeSize, `it holds ${full.size} of the node's ${nodeSize}`)
  const served = await getCheckpoint(mirror.url)
  t.equal(served.size, full.size, 'it serves the checkpoint it verified, not one it could not store')
  const entry = await getJson<{ entry: { seq: number } }>(`${mirror.url}/v1/entries/${first - 1}`)
  t.equal(entry.entry.seq, first - 1, 'and its entries')

  rmSync(filler)
  const caughtUp = await waitFor('the catch-up once space is back', async () => {
    const h = await health(mirror.url)
    return h.size === nodeSize && h.ok ? h : undefined
  })
  t.notOk(caughtUp.mirror?.sourceError, 'the error gone')
  t.equal((await getCheckpoint(mirror.url)).note, (await getCheckpoint(node.url)).note, "its checkpoint is the node's")
  t.notOk(existsSync(join(dir, 'evidence')), 'still no evidence')
})
