// "A failed publication (a full disk) is retried after 1, 2, 4, … up to 30 seconds" (docs/static-log.md). Each
// commit wakes the publisher, and a wake-up during the wait started a publication at once: on a node taking
// appends, a DIR that cannot be written was tried every 100 ms however long it had failed, each attempt
// reading and writing (and syncing) every tile and bundle before the one that fails, and saying so on stderr,
// ten lines a second for as long as the fault lasts. Commits during the wait are now published by the retry.

import t from 'tap'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Publisher } from '../../src/publish/publisher.js'
import { makeNode } from '../helpers/ledger.js'
import { registrations } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('commits while a failed publication waits for its retry do not start another attempt', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  t.teardown(() => node.close())
  await node.ledger.submitMany(registrations(node.operator, 'a', 300))
  // A file where a directory must go: every attempt fails (as on a disk that refuses writes).
  const dir = join(root, 'published')
  mkdirSync(join(dir, 'tile'), { recursive: true })
  writeFileSync(join(dir, 'tile', '1'), 'in the way')
  const attempts: number[] = []
  const publisher = await Publisher.open(node.ledger, dir, { onError: () => attempts.push(performance.now()) })
  t.teardown(() => publisher.close())
  node.ledger.addObserver({ onCommit: () => publisher.notify() })
  publisher.notify()

  // A node taking appends for 1.5 s: one attempt at once, then the first retry after a second.
  const start = performance.now()
  for (let round = 0; performance.now() < start + 1500; round++) {
    await node.ledger.submitMany(registrations(node.operator, `b${round}`, 1))
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const early = attempts.filter((at) => at < start + 1500).length
  t.ok(early >= 1, 'the publication failed')
  t.ok(early <= 2, `attempts in 1.5 s of appends: ${early} (the first, and the retry after 1 s)`)

  // Once the fault is gone, the retry publishes what was committed meanwhile.
  rmSync(join(dir, 'tile', '1'))
  for (let i = 0; i < 200 && publisher.publishedSize < node.ledger.size; i++) await new Promise((resolve) => setTimeout(resolve, 25))
  t.equal(publisher.publishedSize, node.ledger.size, 'the retry published the latest tree')
  t.equal(publisher.error, undefined)
})
