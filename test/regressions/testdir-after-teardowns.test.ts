// tap's t.testdir() removes a test's directory when its output ends, before its teardowns: a process
// that a teardown stops was still writing there, and the removal failed with ENOTEMPTY, failing a test
// that had passed (test/witness/node-witnessing.test.ts, in a full run here). testDir(t) removes it
// after them. A child that writes a file every millisecond until it is stopped stands for the node.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import t from 'tap'
import { testDir } from '../helpers/test-dir.js'

const WRITER = `
const { writeFileSync } = require('node:fs')
let n = 0
process.on('SIGTERM', () => process.exit(0))
setInterval(() => { try { writeFileSync(process.argv[1] + '/f' + (n++ % 50), 'x'.repeat(4096)) } catch {} }, 1)
console.log('writing')
`

const states: { during: boolean[]; dir: string }[] = []

t.test('a writer stopped in a teardown: its directory is there until it has stopped', async (t) => {
  for (let i = 0; i < 3; i++) {
    await t.test(`writer ${i}`, async (t) => {
      const dir = testDir(t)
      const child = spawn(process.execPath, ['-e', WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise((resolve) => child.stdout.once('data', resolve))
      const state = { during: [] as boolean[], dir }
      states.push(state)
      t.teardown(async () => {
        state.during.push(existsSync(dir))
        const gone = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await gone
        state.during.push(existsSync(dir))
      })
      await new Promise((resolve) => setTimeout(resolve, 50))
      t.pass('writing')
    })
  }
})

t.test('then removed', async (t) => {
  t.equal(states.length, 3)
  for (const state of states) {
    t.same(state.during, [true, true], 'there while the teardown stopped the writer')
    t.notOk(existsSync(state.dir), 'removed after it')
  }
})
