// The publisher writes the log as static C2SP tlog-tiles: the tree a reader rebuilds from DIR alone is the
// signed one, later publications add only what changed, superseded partial tiles go after the grace period,
// and a reader never finds a checkpoint in DIR whose tiles are not there yet.

import t from 'tap'
import { fetchDirectory, filesOf } from '../helpers/static-log.js'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesEqual } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { leafHash } from '../../src/core/merkle.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { Publisher } from '../../src/publish/publisher.js'
import { STAGING_DIRECTORY } from '../../src/publish/static-files.js'
import { makeNode, type TestNode } from '../helpers/ledger.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

let batch = 0
async function append(node: TestNode, count: number): Promise<void> {
  for (let done = 0; done < count; done += 200) {
    const outcomes = await node.ledger.submitMany(registrations(node.operator, `p${batch++}`, Math.min(200, count - done)))
    if (outcomes.some((o) => o instanceof Error)) throw new Error('an append was refused')
  }
}

async function openTiled(dir: string, node: TestNode): Promise<TiledLog> {
  return TiledLog.open({ fetch: fetchDirectory(dir), verifierKey: node.ledger.verifierKey, ed: nodeEd25519 })
}

t.test('DIR alone gives the signed tree: every entry, tile and proof, the same bytes the ledger serves', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  await append(node, 600)
  const dir = join(root, 'published')
  const publisher = await Publisher.open(node.ledger, dir)
  const publication = await publisher.publish()
  t.equal(publication?.size, 601)
  t.equal(publisher.publishedSize, 601)
  t.same(
    [...filesOf(dir).keys()].sort(),
    ['checkpoint', 'tile/0/000', 'tile/0/001', 'tile/0/002.p/89', 'tile/1/000.p/2', 'tile/entries/000', 'tile/entries/001', 'tile/entries/002.p/89'],
  )
  t.equal(readFileSync(join(dir, 'checkpoint'), 'utf8'), node.ledger.checkpoint)
  t.ok(bytesEqual(readFileSync(join(dir, 'tile/0/001')), node.ledger.tile(0, 1, 256)))
  t.ok(bytesEqual(readFileSync(join(dir, 'tile/entries/002.p/89')), await node.ledger.entryBundle(2, 89)))

  const log = await openTiled(dir, node)
  const entries = await log.entries(0, 601)
  for (let seq = 0; seq < 601; seq += 50) t.ok(bytesEqual(entries[seq], await node.ledger.getEntryBytes(seq)), `entry ${seq}`)
  const leaves = await log.leafHashes(0, 601)
  t.ok(entries.every((entry, seq) => bytesEqual(leafHash(entry), leaves[seq])))
  for (const seq of [0, 255, 256, 512, 600]) t.same((await log.inclusionProof(seq)).proof, (await node.ledger.inclusionProof(seq)).proof, `proof of ${seq}`)
  t.equal(await publisher.publish(), undefined, 'nothing new: nothing written')
})

t.test('later publications add what changed; with no grace the superseded partial tiles go at once', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  const dir = join(root, 'incremental')
  const publisher = await Publisher.open(node.ledger, dir, { partialGraceMs: 0 })
  const sizes: number[] = []
  for (const count of [10, 100, 145, 1, 400]) {
    await append(node, count)
    const publication = await publisher.publish()
    sizes.push(publication!.size)
    const log = await openTiled(dir, node)
    t.equal(log.size, node.ledger.size)
    await log.entries(0, log.size)
  }
  t.same(sizes, [11, 111, 256, 257, 657])
  const before = statSync(join(dir, 'tile/0/000')).mtimeMs
  const fresh = join(root, 'fresh')
  await (await Publisher.open(node.ledger, fresh)).publish()
  t.same(filesOf(dir), filesOf(fresh), 'the same files as one publication of the whole tree')
  await append(node, 1)
  await publisher.publish()
  t.equal(statSync(join(dir, 'tile/0/000')).mtimeMs, before, 'a full tile is never written again')
})

t.test('superseded partial tiles stay for the grace period, then go; the ones the checkpoint names stay', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  const dir = join(root, 'published')
  // The sweep compares the files' real modification times with the publisher's clock. The clock stands still
  // between steps and a long grace makes a slow machine's steps irrelevant (CI once took over 500 ms for one
  // step of a test that waited out a 500 ms grace in real time); pastGrace moves the clock a grace past every
  // file written so far, and the real pause keeps a coarse filesystem clock from blurring before and after.
  const graceMs = 3_600_000
  let clock = Date.now()
  const now = () => clock
  const pastGrace = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50))
    clock = Date.now() - 25 + graceMs
  }
  const publisher = await Publisher.open(node.ledger, dir, { partialGraceMs: graceMs, now })
  const partials = () => [...filesOf(dir).keys()].filter((path) => path.includes('.p')).sort()
  await append(node, 9) // size 10
  await publisher.publish()
  await append(node, 10) // size 20
  await publisher.publish()
  await append(node, 250) // size 270: tile 0 is full
  await publisher.publish()
  t.same(partials(), ['tile/0/000.p/10', 'tile/0/000.p/20', 'tile/0/001.p/14', 'tile/1/000.p/1', 'tile/entries/000.p/10', 'tile/entries/000.p/20', 'tile/entries/001.p/14'])
  await pastGrace()
  await append(node, 1)
  await publisher.publish()
  // 000.p/* were superseded (by 000.p/20, then the full 000) long enough ago; 001.p/14 only just now.
  t.same(partials(), ['tile/0/001.p/14', 'tile/0/001.p/15', 'tile/1/000.p/1', 'tile/entries/001.p/14', 'tile/entries/001.p/15'])
  t.same(readdirSync(join(dir, 'tile/0')).sort(), ['000', '001.p'], 'the emptied 000.p directory is gone')

  // A new publisher (a restart) finds what is left to remove.
  await pastGrace()
  await append(node, 1)
  const restarted = await Publisher.open(node.ledger, dir, { partialGraceMs: graceMs, now })
  await restarted.publish()
  t.same(partials(), ['tile/0/001.p/15', 'tile/0/001.p/16', 'tile/1/000.p/1', 'tile/entries/001.p/15', 'tile/entries/001.p/16'])
  // The partial tiles the checkpoint names are never removed, however old.
  await pastGrace()
  await restarted.publish()
  await (await Publisher.open(node.ledger, dir, { partialGraceMs: 0, now })).publish()
  t.same(partials(), ['tile/0/001.p/15', 'tile/0/001.p/16', 'tile/1/000.p/1', 'tile/entries/001.p/15', 'tile/entries/001.p/16'], 'nothing new published, nothing swept')
})

t.test('a DIR of another log, another history or a larger tree is refused; a broken staging area is emptied', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  await append(node, 20)
  const other = await makeNode(join(root, 'other'), { origin: 'tracechain.test/other' })
  t.teardown(() => other.close())
  const twin = await makeNode(join(root, 'twin'))
  t.teardown(() => twin.close())
  await append(twin, 30)

  const dir = join(root, 'published')
  await (await Publisher.open(other.ledger, dir)).publish()
  writeFileSync(join(dir, STAGING_DIRECTORY, '99-0'), 'being written by the other log\'s publisher')
  await t.rejects(Publisher.open(node.ledger, dir), { code: 'CHECKPOINT_MISMATCH' }, 'another origin')
  t.same(readdirSync(join(dir, STAGING_DIRECTORY)), ['99-0'], 'and its staging area is left alone')
  rmSync(dir, { recursive: true })
  await (await Publisher.open(twin.ledger, dir)).publish()
  await t.rejects(Publisher.open(node.ledger, dir), { code: 'CHECKPOINT_MISMATCH' }, 'a larger tree')
  rmSync(dir, { recursive: true })
  const small = await makeNode(join(root, 'small'))
  t.teardown(() => small.close())
  await append(small, 5)
  await (await Publisher.open(small.ledger, dir)).publish()
  await t.rejects(Publisher.open(node.ledger, dir), { code: 'CHECKPOINT_MISMATCH' }, 'another history of the same origin')
  writeFileSync(join(dir, 'checkpoint'), 'not a note')
  await t.rejects(Publisher.open(node.ledger, dir), { code: 'NOTE_MALFORMED' })

  const clean = join(root, 'clean')
  mkdirSync(join(clean, STAGING_DIRECTORY), { recursive: true })
  writeFileSync(join(clean, STAGING_DIRECTORY, '123-4'), 'left by a crash')
  await (await Publisher.open(node.ledger, clean)).publish()
  t.same(readdirSync(join(clean, STAGING_DIRECTORY)), [])
})

t.test('commits faster than publishing are coalesced into the latest state; a failed publication is retried', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  const dir = join(root, 'published')
  const published: number[] = []
  const errors: string[] = []
  // A source whose bundles wait for a gate: the first publication is held while commits land.
  let open: () => void = () => undefined
  const gate = new Promise<void>((resolve) => (open = resolve))
  const ledger = node.ledger
  const slow = {
    get checkpoint() {
      return ledger.checkpoint
    },
    get size() {
      return ledger.size
    },
    tile: (level: number, index: number, width: number) => ledger.tile(level, index, width),
    entryBundle: async (index: number, width: number) => {
      await gate
      return ledger.entryBundle(index, width)
    },
    rootAt: (size: number) => ledger.rootAt(size),
  }
  const publisher = await Publisher.open(slow, dir, {
    onPublished: (p) => published.push(p.size),
    onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? String(e)),
  })
  let commits = 0
  node.ledger.addObserver({
    onCommit: () => {
      commits++
      publisher.notify()
    },
  })
  for (let i = 0; i < 12; i++) await node.ledger.submitMany(registrations(node.operator, `c${i}`, 1 + i))
  t.equal(commits, 12)
  open()
  await publisher.close()
  t.same(published, [2, node.ledger.size], 'the first commit, then the latest: one publication for the eleven commits that landed meanwhile')
  t.equal(publisher.publishedSize, node.ledger.size)
  t.same(errors, [])

  // A file where a directory must go: the publication fails, DIR keeps its last tree, and a retry succeeds.
  const blocked = join(root, 'blocked')
  mkdirSync(join(blocked, 'tile'), { recursive: true })
  writeFileSync(join(blocked, 'tile', '1'), 'in the way')
  const retrying = await Publisher.open(node.ledger, blocked, { onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? String(e)) })
  await append(node, 300)
  retrying.notify()
  for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(errors.length > 0, `the failure was reported: ${errors.join(', ')}`)
  t.ok(retrying.error, 'and is the publisher\'s error')
  t.notOk(readdirSync(blocked).includes('checkpoint'), 'no checkpoint for a tree whose tiles are not there')
  rmSync(join(blocked, 'tile', '1'))
  for (let i = 0; i < 150 && retrying.publishedSize < node.ledger.size; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(retrying.publishedSize, node.ledger.size, 'the retry published the tree')
  t.equal(retrying.error, undefined)
  await retrying.close()
})

t.test('a reader polling DIR while the node appends and publishes always finds the tiles its checkpoint names', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  const dir = join(root, 'published')
  const publisher = await Publisher.open(node.ledger, dir, { partialGraceMs: 2000 })
  node.ledger.addObserver({ onCommit: () => publisher.notify() })
  await publisher.publish()
  let appending = true
  const writer = (async () => {
    for (let round = 0; appending; round++) await node.ledger.submitMany(registrations(node.operator, `r${round}`, 1 + (round % 37)))
  })()
  let reads = 0
  let previous: TiledLog | undefined
  const sizes = new Set<number>()
  const until = Date.now() + 4000
  while (Date.now() < until) {
    const log = await TiledLog.open({ fetch: fetchDirectory(dir), verifierKey: node.ledger.verifierKey, ed: nodeEd25519 }, previous)
    if (log.size > 0) {
      const from = Math.max(0, log.size - 300)
      await log.entries(from, log.size - from)
      await log.inclusionProof(log.size - 1)
      await log.inclusionProof(Math.floor(log.size / 2))
    }
    sizes.add(log.size)
    previous = log
    reads++
  }
  appending = false
  await writer
  await publisher.close()
  t.ok(sizes.size > 3, `${reads} reads saw ${sizes.size} sizes, up to ${Math.max(...sizes)}`)
  t.equal((await openTiled(dir, node)).size, node.ledger.size)
})
