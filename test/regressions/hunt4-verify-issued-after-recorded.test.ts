// Hunt 4 (verify): a node refuses a statement whose issuedAt is more than ten minutes ahead of its clock
// (ISSUED_IN_FUTURE), and the audit (`verify --url`, `verify --dir`) and a mirror hold every entry to that against
// its own recordedAt. The checks the pages, `verify --bundle` and the console's audit share
// (web/verify-signed-entry.ts) did not: an entry the node says it recorded hours before its signer signed it (a
// back-dated record) was VERIFIED in a bundle and passed the console's audit, while `verify --url` failed it. Now
// they name the same entry.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { DOMAIN_KINDS, readKeyFile } from '../../src/cli/node-dir.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { auditLog } from '../../src/web/audit-log.js'
import { httpLogSource } from '../../src/web/http-log-source.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('an entry signed two hours after the node says it recorded it fails every verifier', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const made = await makeNode(dir)
  await made.close()

  // A node whose rules allowed a day of clock skew (as a back-dating node would) took it.
  const store = await LevelStore.open(join(dir, 'db'))
  const { origin } = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { origin: string }
  const lenient = await Ledger.open({ store, nodeSigner: readKeyFile(join(dir, 'keys', 'node.json')), origin, ed: nodeEd25519, kinds: DOMAIN_KINDS, maxClockSkewMs: 24 * 3600_000 })
  const issuedAt = new Date(Date.now() + 2 * 3600_000).toISOString()
  const body = { id: 'farm-early', name: 'farm-early', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }
  const { seq } = await lenient.submit(made.statement({ type: 'actor.register', actor: 'operator', issuedAt, body }, [made.operator]))
  await lenient.close()
  await store.close()

  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()

  const url = await runCli(['verify', '--url', node.url, '--log-key', key])
  t.equal(url.code, 1, url.stdout)
  t.match(url.stdout, new RegExp(`^FAILED at seq ${seq}: ISSUED_IN_FUTURE`))

  const file = join(root, 'entry.json')
  const download = await runCli(['bundle', '--url', node.url, '--seq', String(seq), '--out', file])
  t.equal(download.code, 0, download.stderr)
  const bundle = await runCli(['verify', '--bundle', file, '--key', key])
  t.equal(bundle.code, 1, `the bundle fails: ${bundle.stdout}`)
  t.match(bundle.stdout, new RegExp(`entry \\(entry ${seq}[^\\n]*ISSUED_IN_FUTURE`), 'naming the entry and why')

  const audit = await auditLog(httpLogSource(node.url), nobleEd25519)
  t.match(audit, { ok: false, checked: seq, failure: { seq, check: 'entry', detail: /ISSUED_IN_FUTURE/ } }, "the console's audit names it too")
})

// The same held of a registry entry a bundle carries to establish its signer's key: a registration the node says
// it recorded before the operator signed it establishes nothing, as the audit and a mirror find.
t.test('a back-dated registration establishes no key in a bundle', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const made = await makeNode(dir)
  await made.close()

  const store = await LevelStore.open(join(dir, 'db'))
  const { origin } = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { origin: string }
  const lenient = await Ledger.open({ store, nodeSigner: readKeyFile(join(dir, 'keys', 'node.json')), origin, ed: nodeEd25519, kinds: DOMAIN_KINDS, maxClockSkewMs: 24 * 3600_000 })
  const farm = newSigner()
  const issuedAt = new Date(Date.now() + 2 * 3600_000).toISOString()
  const body = { id: 'farm-early', name: 'farm-early', roles: ['farm'], publicKey: toBase64(farm.publicKey) }
  const { seq: registeredAt } = await lenient.submit(made.statement({ type: 'actor.register', actor: 'operator', issuedAt, body }, [made.operator]))
  // The farm's own entry is in order: signed now, recorded now.
  const rotation = made.statement({ type: 'actor.rotate-key', actor: 'farm-early', body: { publicKey: toBase64(newSigner().publicKey) } }, [farm])
  const { seq: rotatedAt } = await lenient.submit(rotation)
  await lenient.close()
  await store.close()

  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()

  const url = await runCli(['verify', '--url', node.url, '--log-key', key])
  t.match(url.stdout, new RegExp(`^FAILED at seq ${registeredAt}: ISSUED_IN_FUTURE`))

  const file = join(root, 'entry.json')
  const download = await runCli(['bundle', '--url', node.url, '--seq', String(rotatedAt), '--out', file])
  t.equal(download.code, 0, download.stderr)
  const bundle = await runCli(['verify', '--bundle', file, '--key', key])
  t.equal(bundle.code, 1, `the bundle fails: ${bundle.stdout}`)
  t.match(bundle.stdout, new RegExp(`key-registration \\(actor farm-early, registry entry ${registeredAt}\\): entry ${registeredAt}: ISSUED_IN_FUTURE`), 'naming the registration and why')
})
