// Old data still reads and verifies (hypercore's fixtures/abi habit): the ledger written by the
// first release opens, audits clean, keeps its checkpoint, and accepts new entries.

import t from 'tap'
import { cpSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { auditLedger } from '../../src/ledger/audit-ledger.js'
import { openNode, readKeyFile } from '../../src/cli/node-dir.js'
import { newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/ledger-v1/', import.meta.url))
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as { size: number; checkpoint: string; verifierKey: string }

t.test('the v1 ledger opens, audits and extends', async (t) => {
  const dir = testDir(t)
  cpSync(FIXTURE, dir, { recursive: true })
  const node = await openNode(dir)
  t.teardown(() => node.close())
  t.equal(node.ledger.size, expected.size)
  t.equal(node.ledger.checkpoint, expected.checkpoint)
  t.equal(node.ledger.verifierKey, expected.verifierKey)
  const report = await auditLedger(node.ledger, nodeEd25519)
  t.same({ ok: report.ok, checked: report.checked }, { ok: true, checked: expected.size })
  t.equal(node.ledger.actors.get('coldchain-zj-01')?.revokedAt !== undefined, true)

  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  const result = await node.ledger.submit(
    buildStatementEnvelope(
      {
        type: 'actor.register',
        actor: 'operator',
        id: 'golden-next',
        issuedAt: '2026-11-28T09:00:00.000Z',
        body: { id: 'late-farm', name: 'Late Farm', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) },
      },
      [operator],
    ),
  )
  t.equal(result.seq, expected.size)
  t.equal((await auditLedger(node.ledger, nodeEd25519)).ok, true)
  // v1 kept entries in LevelDB; opening moved them to the entry files.
  t.equal(statSync(join(dir, 'db', 'entries.idx')).size, (expected.size + 1) * 8, 'every entry is in the entry files')
  await node.close()
  const again = await openNode(dir)
  t.teardown(() => again.close())
  t.equal(again.ledger.size, expected.size + 1)
  t.equal((await auditLedger(again.ledger, nodeEd25519)).ok, true, 'and it reopens and audits from them')
})
