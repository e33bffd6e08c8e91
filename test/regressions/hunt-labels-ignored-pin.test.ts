// Hunt (labels): `tracechain label` makes a label from a node (--url) or offline (--base-url with --dir or
// --log-key), the URI pinned to the log's key id. Before, with --url the offline flags were dropped without a
// word: `label --url U --log-key VKEY` printed labels pinned to whatever key U served, not VKEY, and
// `--base-url B` printed U's public base instead of B. A producer printing a run of labels with the key it
// expects pinned got labels pinned to another. Now --url with --log-key, --dir or --base-url is refused with
// BAD_REQUEST, as the command's usage reads: (--url U | --base-url URL (--dir D | --log-key VKEY)).

import { join } from 'node:path'
import { existsSync } from 'node:fs'
import t from 'tap'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { demoApp } from '../helpers/web.js'
import { makeLabel } from '../../src/cli/label.js'

const LOT_URN = 'urn:epc:class:lgtin:6901234.000103.Z260526A'

t.test('--url with an offline flag is refused, not dropped', async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  const other = await makeNode(join(testDir(t), 'other'))
  const otherKey = other.ledger.verifierKey
  await other.close()
  const out = join(testDir(t), 'label.svg')
  for (const extra of [{ logKey: otherKey }, { dir: other.dir }, { baseUrl: 'https://print.example.cn' }]) {
    await t.rejects(makeLabel({ url: baseUrl, id: LOT_URN, out, ...extra }), { code: 'BAD_REQUEST' }, Object.keys(extra)[0])
  }
  t.notOk(existsSync(out))
})
