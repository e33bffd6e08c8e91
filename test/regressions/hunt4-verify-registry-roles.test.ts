// Hunt 4 (verify): every verifier judges a signature against the registry as the log's own registry entries
// build it, and only an admin may register or revoke an actor. The browser verifier and `verify --bundle`
// (web/verify-registry.ts) and a mirror (which sequences the entries again) refused a registration signed by a
// farm; the audit (`verify --url`, `verify --dir`, GET /v1/verify) replayed it into its registry unchecked, so it
// called a log verified whose registry a farm had written itself into as an admin. Now the audit holds the
// registry's statements to their signers' roles as the node does, and every verifier names the same entry.

import { join } from 'node:path'
import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import type { Signer } from '../../src/core/keys.js'
import { openNode, DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { actorKinds } from '../../src/ledger/actor-kinds.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { runCli, startMirror, startNode, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a registration a farm signed fails every audit, as it fails a bundle and a mirror', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const made = await makeNode(dir)
  const farm = await made.register('farm-1', ['farm'])
  await made.close()

  // A node that let any actor sign actor.register (a bug, or an operator rewriting its rules) took these.
  const register = actorKinds.find((kind) => kind.type === 'actor.register')
  if (!register) throw new Error('no actor.register kind')
  const lenient = await openNode(dir, { kinds: [...DOMAIN_KINDS, { ...register, roles: 'any' }] })
  const ghost = newSigner()
  const at = () => new Date().toISOString()
  const registration = buildEnvelope(made, 'actor.register', 'farm-1', { id: 'ghost', name: 'ghost', roles: ['admin'], publicKey: toBase64(ghost.publicKey) }, farm, at())
  const { seq: registeredAt } = await lenient.ledger.submit(registration)
  const rotation = buildEnvelope(made, 'actor.rotate-key', 'ghost', { publicKey: toBase64(newSigner().publicKey) }, ghost, at())
  const { seq: rotatedAt } = await lenient.ledger.submit(rotation)
  await lenient.close()

  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()

  const file = join(root, 'entry.json')
  const download = await runCli(['bundle', '--url', node.url, '--seq', String(rotatedAt), '--out', file])
  t.equal(download.code, 0, download.stderr)
  const bundle = await runCli(['verify', '--bundle', file, '--key', key])
  t.equal(bundle.code, 1, 'the bundle fails')
  t.match(bundle.stdout, new RegExp(`key-registration.*entry ${registeredAt}`), 'naming the registration')

  const url = await runCli(['verify', '--url', node.url, '--log-key', key])
  t.equal(url.code, 1, `verify --url fails: ${url.stdout}`)
  t.match(url.stdout, new RegExp(`^FAILED at seq ${registeredAt}: ROLE_FORBIDDEN`), 'at the registration, for the role')

  const mirror = await startMirror({ dir: join(root, 'mirror'), from: `${node.url}/tlog/`, key })
  t.teardown(() => mirror.stop())
  const failure = await until('the mirror to stop following', async () => {
    const health = (await (await fetch(`${mirror.url}/healthz`)).json()) as { mirror?: { failure?: { seq?: number; code?: string } } }
    return health.mirror?.failure
  }, 60_000)
  t.match(failure, { seq: registeredAt, code: 'ROLE_FORBIDDEN' }, 'a mirror stops at the same entry, for the same reason')
  await mirror.stop()

  const audit = (await (await fetch(`${node.url}/v1/verify?from=0&to=${rotatedAt + 1}`)).json()) as { ok: boolean; firstBad?: { seq: number; reason: string } }
  t.match(audit, { ok: false, firstBad: { seq: registeredAt, reason: /^ROLE_FORBIDDEN/ } }, "the node's own audit agrees")
  await node.stop()

  const offline = await runCli(['verify', '--dir', dir])
  t.equal(offline.code, 1, `verify --dir fails: ${offline.stdout}`)
  t.match(offline.stdout, new RegExp(`^FAILED at seq ${registeredAt}: ROLE_FORBIDDEN`))
})

function buildEnvelope(
  node: Awaited<ReturnType<typeof makeNode>>,
  type: string,
  actor: string,
  body: Record<string, unknown>,
  signer: Signer,
  issuedAt: string,
) {
  return node.statement({ type, actor, body, issuedAt }, [signer])
}
