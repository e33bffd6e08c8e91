// Hunt 3 (peers): D/witness.lock keeps one witness process per directory, and docs/witness.md says that after a
// kill -9 "the stale lock is taken over": a lock whose pid is not alive. A power cut is a kill -9 of everything,
// and after the reboot that follows, the pid in the lock is often some other live process (boot starts the same
// services in about the same order, so pids near the witness's old one are taken again). Before, the lock held
// the pid alone, so the witness refused to start (DIRECTORY_IN_USE, "served by witness process N") until an
// operator removed the lock by hand: a witness that does not come back after a power cut. Now the lock also holds
// the boot it was taken in (Linux's boot_id), and a lock of an earlier boot is stale whoever holds its pid; in the
// same boot, a live pid still keeps a second process out.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli, startWitness } from '../helpers/node-process.js'
import { TestLog } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

const BOOT_ID = '/proc/sys/kernel/random/boot_id'

t.test('a lock left by a witness of an earlier boot, its pid now another live process, is taken over', { skip: !existsSync(BOOT_ID) && 'no boot id here' }, async (t) => {
  const dir = join(testDir(t, {}), 'witness')
  t.equal((await runCli(['witness', 'init', '--dir', dir, '--name', 'witness.test/reboot'])).code, 0)
  const log = new TestLog('tracechain.test/reboot').append(3, 'a')

  const before = await startWitness({ dir, logs: [log.verifierKey] })
  await before.kill9()
  const lock = join(dir, 'witness.lock')
  const left = readFileSync(lock, 'utf8')
  // The power cut: the machine boots again, and the witness's pid is now held by another live process (this one).
  const otherBoot = readFileSync(BOOT_ID, 'utf8').trim() === '00000000-0000-4000-8000-000000000000' ? '11111111-1111-4111-8111-111111111111' : '00000000-0000-4000-8000-000000000000'
  const [, ...rest] = left.trim().split(/\s+/)
  writeFileSync(lock, `${[String(process.pid), ...rest.map(() => otherBoot)].join(' ')}\n`)

  const after = await startWitness({ dir, logs: [log.verifierKey] }).catch((error: Error) => error)
  t.notOk(after instanceof Error, `the witness starts after the reboot: ${after instanceof Error ? after.message.slice(0, 300) : ''}`)
  if (after instanceof Error) return
  t.teardown(() => after.stop())

  // In this boot, a live owner still keeps a second process out.
  const second = await runCli(['witness', '--dir', dir, '--log', log.verifierKey, '--port', '0'])
  t.equal(second.code, 2)
  t.match(second.stderr, 'DIRECTORY_IN_USE')
})
