// Hunt (CLI): `init --origin O` and the first `serve --origin O` check O only when the genesis checkpoint is
// signed, after both keys and the LevelDB were made: a typo (a space, a '+') was refused but left a directory
// init then called "not empty" and serve "holds no node". Now the origin is checked first: refused with
// VERIFIER_KEY_INVALID naming --origin, and nothing is made.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a bad --origin is refused before anything is made', async (t) => {
  const root = testDir(t)
  for (const [i, origin] of ['my node', 'a+b', 'line\nbreak'].entries()) {
    for (const command of [['init'], ['serve', '--port', '0', '--host', '127.0.0.1']]) {
      const dir = join(root, `${command[0]}-${i}`)
      const run = await runCli([command[0], '--dir', dir, '--origin', origin, ...command.slice(1)])
      t.equal(run.code, 2, `${command[0]} --origin ${JSON.stringify(origin)}`)
      t.match(run.stderr, /VERIFIER_KEY_INVALID: --origin/)
      t.notOk(existsSync(dir), `${command[0]}: nothing made (${run.stderr.trim()})`)
    }
  }
})
