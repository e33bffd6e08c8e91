// A test's own directory, removed after its teardowns. tap's t.testdir() removes the directory when the
// test's output ends, before the teardowns run: a node, witness or browser that a teardown stops was
// still writing there (LevelDB's compactions, tiles, a profile) while it was removed, and the removal
// failed with ENOTEMPTY, failing a test that had passed (test/witness/node-witnessing.test.ts, seen here).

import { rmSync } from 'node:fs'
import type { Test } from 'tap'

type Content = Parameters<Test['testdir']>[0]

/** t.testdir(content), emptied first as tap does, and removed once every teardown registered after it has run. */
export function testDir(t: Test, content?: Content): string {
  t.saveFixture = true
  const dir = t.testdir(content)
  // tap runs teardowns last registered first: this one runs after those of whatever the test starts in it.
  t.teardown(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }))
  return dir
}
