// Issue 12: on a full filesystem the node went on answering 201/200 after its first failed commit, and a
// restart lost 150 of 3,250 acknowledged entries. Here a real node fills a real 8 MiB tmpfs: once a
// commit fails it refuses appends with 503 STORE_UNAVAILABLE and keeps serving reads; when space comes
// back it recovers by itself; and after kill -9 and a restart every acknowledged seq is there with its
// leaf hash, and no seq is handed out twice.

import { rmSync, writeFileSync } from 'node:fs'
import { statfs } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { getCheckpoint, getJson, postJson, registrations, runCli, startNode, type NodeProcess } from '../helpers/node-process.js'
import { mountTmpfs } from '../helpers/tmpfs.js'

interface Result {
  seq?: number
  leafHash?: string
  code?: string
}

const BATCH = 100
/** Appends tried after the first refusal, to show that the node keeps refusing while the disk is full. */
const APPENDS_WHILE_FULL = 5

t.test('a full disk: 503 until space comes back, no acknowledged entry lost, no seq reused', async (t) => {
  const disk = mountTmpfs(t, 8)
  if (!disk) return
  const dir = join(disk.path, 'node')
  const init = await runCli(['init', '--dir', dir])
  t.equal(init.code, 0, init.stderr)
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  const filler = join(disk.path, 'filler')
  writeFileSync(filler, Buffer.alloc(1024 * 1024))

  let node: NodeProcess = await startNode({ dir })
  t.teardown(() => node.kill9())
  const acknowledged = new Map<number, string>()
  const reused: number[] = []
  let round = 0

  /** Appends batches until the node refuses one; returns the refusals' statuses and codes. */
  async function fillUntilRefused(): Promise<{ status: number; code?: string }[]> {
    const refusals: { status: number; code?: string }[] = []
    for (let tries = 0; tries < 2000 && refusals.length < APPENDS_WHILE_FULL; tries++) {
      const { status, body } = await postJson<{ results?: Result[]; code?: string }>(`${node.url}/v1/statements`, {
        envelopes: registrations(operator, `r${round++}`, BATCH),
      })
      if (status === 200 && body.results) {
        for (const result of body.results) {
          if (result.seq !== undefined) {
            if (acknowledged.has(result.seq)) reused.push(result.seq)
            acknowledged.set(result.seq, result.leafHash as string)
          }
        }
        if (body.results.every((result) => result.seq !== undefined)) continue
      }
      refusals.push({ status, code: body.code ?? body.results?.find((result) => result.code)?.code })
    }
    t.same(reused, [], 'no seq handed out twice')
    return refusals
  }

  async function checkAcknowledged(label: string): Promise<void> {
    const size = (await getCheckpoint(node.url)).size
    const missing = [...acknowledged.keys()].filter((seq) => seq >= size)
    t.same(missing, [], `${label}: the log holds every acknowledged seq`)
    const held = new Map<number, string>()
    for (let from = 0; from < size; from += 1000) {
      const page = await getJson<{ entries: { entry: { seq: number }; leafHash: string }[] }>(`${node.url}/v1/entries?from=${from}&limit=1000`)
      for (const { entry, leafHash } of page.entries) held.set(entry.seq, leafHash)
    }
    const wrong = [...acknowledged].filter(([seq, leafHash]) => seq < size && held.get(seq) !== leafHash).map(([seq]) => seq)
    t.same(wrong, [], `${label}: each with the leaf hash it was acknowledged with`)
  }

  /** Leaves the filesystem about `bytes` free, with a file that takes the rest. */
  async function leaveFree(bytes: number): Promise<void> {
    const { bavail, bsize } = await statfs(disk!.path)
    writeFileSync(join(disk!.path, `filler-${round}`), Buffer.alloc(Math.max(0, bavail * bsize - bytes)))
  }

  // 1. The disk fills: every append after that is refused with 503 STORE_UNAVAILABLE; reads work.
  const refusals = await fillUntilRefused()
  t.ok(acknowledged.size > 0, `${acknowledged.size} entries acknowledged before the disk filled`)
  t.same(
    refusals.map((refusal) => [refusal.status, refusal.code]),
    refusals.map(() => [503, 'STORE_UNAVAILABLE']),
    'every append after the failure: 503 STORE_UNAVAILABLE',
  )
  const health = await fetch(`${node.url}/healthz`)
  t.equal(health.status, 503, '/healthz says the store is unavailable')
  await checkAcknowledged('while full')

  // 2. Space comes back (the filesystem grows: LevelDB needs about its log's size to reopen): the node
  // recovers by itself and goes on at the next seq.
  rmSync(filler)
  disk.resize(20)
  const nextSeq = Math.max(...acknowledged.keys()) + 1
  let resumed: Result | undefined
  for (let tries = 0; tries < 100 && !resumed; tries++) {
    const { status, body } = await postJson<{ results?: Result[] }>(`${node.url}/v1/statements`, { envelopes: registrations(operator, `back${tries}`, 1) })
    if (status === 200 && body.results?.[0]?.seq !== undefined) resumed = body.results[0]
    else await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(resumed?.seq, nextSeq, 'appends resume at the seq after the last acknowledged one')
  if (resumed?.seq !== undefined) acknowledged.set(resumed.seq, resumed.leafHash as string)
  t.equal((await fetch(`${node.url}/healthz`)).status, 200, '/healthz is ok again')

  // 3. It fills again; kill -9 while full; more space; a restart holds every acknowledged entry.
  await leaveFree(512 * 1024)
  await fillUntilRefused()
  await node.kill9()
  disk.resize(40)
  node = await startNode({ dir })
  await checkAcknowledged('after kill -9 and a restart')
  const after = await postJson<{ seq?: number }>(`${node.url}/v1/statements`, registrations(operator, 'after-restart', 1)[0])
  t.equal(after.status, 201)
  t.equal(after.body.seq, Math.max(...acknowledged.keys()) + 1, 'the next seq follows the last acknowledged one')
  const audit = await getJson<{ ok: boolean }>(`${node.url}/v1/verify`)
  t.equal(audit.ok, true, 'the whole log audits clean')
  await node.stop()
})
