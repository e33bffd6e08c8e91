// Hunt 3 (peers): docs/witness.md says a witness record that cannot be read (edited by hand, a damaged disk) is
// never taken as "never cosigned": every request for that log gets 500 STORE_CORRUPT until an operator restores
// it, and the witness goes on witnessing its other logs. Before, `tracechain witness` read every record for its
// start-up lines after it listened: one damaged record threw out of them, so it printed
// "tracechain witness: STORE_CORRUPT: …" as if it had not started, printed no `listening on` line, set exit code
// 2, and yet kept serving, without its signal handlers (a SIGTERM no longer closed it cleanly nor released its
// lock). Now the start-up lines name the damaged record, and the witness runs as any other.

import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { addCheckpoint } from '../../src/witness/client.js'
import { originHashOf } from '../../src/witness/state.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { witnessKeyOf } from '../../src/core/cosignature.js'
import { runCli, startWitness } from '../helpers/node-process.js'
import { TestLog } from '../helpers/witness.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a witness with one damaged record starts, says so, witnesses its other logs, and stops cleanly', async (t) => {
  const dir = join(testDir(t, {}), 'witness')
  t.equal((await runCli(['witness', 'init', '--dir', dir, '--name', 'witness.test/damaged'])).code, 0)
  const signer = readKeyFile(join(dir, 'keys', 'witness.json'))
  const key = witnessKeyOf('witness.test/damaged', signer.publicKey)
  const damaged = new TestLog('tracechain.test/damaged').append(3, 'a')
  const healthy = new TestLog('tracechain.test/healthy').append(3, 'b')
  const t0 = await startWitness({ dir, logs: [damaged.verifierKey, healthy.verifierKey] })
  t.equal((await addCheckpoint(t0.url, key, { oldSize: 0, proof: [], checkpoint: damaged.checkpoint(2) })).status, 'cosigned')
  t.equal(await t0.stop(), 0)
  writeFileSync(join(dir, 'logs', `${originHashOf(damaged.origin)}.json`), '{"origin": "tracechain.test/dam')

  const witness = await startWitness({ dir, logs: [damaged.verifierKey, healthy.verifierKey], timeoutMs: 10_000 }).catch((error: Error) => error)
  t.notOk(witness instanceof Error, `it starts: ${witness instanceof Error ? witness.message.slice(0, 400) : ''}`)
  if (witness instanceof Error) return
  t.teardown(() => witness.stop())
  t.match(witness.output(), `witnesses   ${damaged.origin} (`, 'the damaged log is named in its start-up lines')
  t.match(witness.output(), /STORE_CORRUPT/)
  t.match(witness.output(), `witnesses   ${healthy.origin} (latest cosigned size 0)`)

  t.equal((await addCheckpoint(witness.url, key, { oldSize: 0, proof: [], checkpoint: healthy.checkpoint(3) })).status, 'cosigned', 'its other logs are witnessed')
  const refused = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: `old 2\n\n${damaged.checkpoint(3)}` })
  t.equal(refused.status, 500)
  t.match(await refused.text(), 'STORE_CORRUPT')

  t.equal(await witness.stop(), 0, 'SIGTERM closes it cleanly')
  t.notOk(existsSync(join(dir, 'witness.lock')), 'and releases its lock')
})
