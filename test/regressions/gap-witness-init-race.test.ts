// Gap (witness init): `tracechain witness init --dir D --name N` writes D's .gitignore and key, then its config,
// and first removes the temporaries an init killed half-way left. Two started at once on one new D (a provisioning
// script run twice) ran side by side: one could remove the other's temporary while the other was writing it, which
// then failed with ENOENT (seen here in about one run of two, as below); and both could go through, each printing
// a witness key of its own while the key file kept only the last (the second's replaced the first's), and the
// config only one name. Now init locks D (the kernel's lock on the directory itself, data-dir-lock.ts) while it
// writes, and looks at D again once it holds it: one initialises, the others are refused.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parseWitnessVerifierKey } from '../../src/core/cosignature.js'
import { toBase64 } from '../../src/core/bytes.js'
import { readKeyFile } from '../../src/cli/key-files.js'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const RACERS = 4
const ROUNDS = 6

t.test('witness inits started at once on a new directory: one initialises it, with the key and name it says', async (t) => {
  const root = testDir(t, {})
  for (let round = 0; round < ROUNDS; round++) {
    const dir = join(root, `witness-${round}`)
    const names = Array.from({ length: RACERS }, (_, racer) => `witness.test/init-${round}-${racer}`)
    const runs = await Promise.all(names.map((name) => runCli(['witness', 'init', '--dir', dir, '--name', name])))
    const done = runs.flatMap((run, racer) => (run.code === 0 ? [{ run, name: names[racer] as string }] : []))
    t.equal(done.length, 1, `round ${round}: exactly one init makes the witness`)
    for (const run of runs.filter((run) => run.code !== 0)) t.match(run.stderr, /DIRECTORY_IN_USE|ALREADY_INITIALISED/, `round ${round}: the others are refused: ${run.stderr.slice(0, 200)}`)
    const onDisk = toBase64(readKeyFile(join(dir, 'keys', 'witness.json')).publicKey)
    const config = JSON.parse(readFileSync(join(dir, 'witness.json'), 'utf8')) as { name: string }
    for (const { run, name } of done) {
      const said = parseWitnessVerifierKey(/witness key (\S+)/.exec(run.stdout)?.[1] as string)
      t.equal(toBase64(said.publicKey), onDisk, `round ${round}: the key ${name}'s init printed is the key on disk`)
      t.equal(config.name, name, `round ${round}: the config names it`)
    }
    if (done.length !== 1) break
  }
})
