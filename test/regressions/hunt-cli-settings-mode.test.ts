// Hunt (CLI): D/settings.json holds the webhooks' URLs whole (a bot's token in the path, credentials), and is
// now written 0600. Before, one written 0644 by an earlier release stayed readable by every user of the machine
// for as long as the settings did not change: serve rewrote the file only when they did. Now serve makes it the
// operator's alone at start, whatever it holds, changed or not.

import { chmodSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a settings.json an earlier release left 0644 is 0600 once serve starts on it', async (t) => {
  const dir = join(testDir(t), 'node')
  const init = await runCli(['init', '--dir', dir])
  t.equal(init.code, 0, init.stderr)
  const file = join(dir, 'settings.json')
  // As the release before wrote it: the webhook's URL with its token, mode 0644.
  writeFileSync(file, JSON.stringify({ webhooks: [{ kind: '*', url: 'https://hooks.slack.com/services/T000/B000/s3cretToken' }] }, null, 2) + '\n', { mode: 0o644 })
  chmodSync(file, 0o644)
  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  t.equal(statSync(file).mode & 0o777, 0o600, 'the settings, unchanged, are the operator\'s alone')
  await node.stop()
})
