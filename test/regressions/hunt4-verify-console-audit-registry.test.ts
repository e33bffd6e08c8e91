// Hunt 4 (verify): the console's audit of the whole log (web/audit-log.ts, "as `tracechain verify` does") checked
// each registry entry's signature but replayed it under the registry's rules only when the actor it changed was
// next asked for its keys: a registration a farm signed, for an actor that then signed nothing, or a farm's
// revocation of the regulator, passed it, while `tracechain verify --url` names the entry (ROLE_FORBIDDEN). Now the
// console's audit replays each registry entry at its own seq, and both name the same entry.

import { join } from 'node:path'
import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import type { Envelope } from '../../src/core/dsse.js'
import type { Signer } from '../../src/core/keys.js'
import { openNode, DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { actorKinds } from '../../src/ledger/actor-kinds.js'
import { auditLog } from '../../src/web/audit-log.js'
import { httpLogSource } from '../../src/web/http-log-source.js'
import { makeNode, newSigner, type TestNode } from '../helpers/ledger.js'
import { runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

type BadStatement = (farm: Signer, statement: TestNode['statement']) => Envelope

/** A log whose node let any actor sign the registry's statements: farm-1 signs what `badStatement` makes. */
async function logWithFarmRegistryEntry(dir: string, badStatement: BadStatement): Promise<number> {
  const made = await makeNode(dir)
  const farm = await made.register('farm-1', ['farm'])
  await made.register('regulator-1', ['regulator'])
  await made.close()
  const lenient = await openNode(dir, { kinds: [...DOMAIN_KINDS, ...actorKinds.map((kind) => ({ ...kind, roles: 'any' as const }))] })
  const { seq } = await lenient.ledger.submit(badStatement(farm, made.statement))
  // An honest entry after it: the audits must stop at the bad one, not at the end.
  await lenient.ledger.submit(made.statement({ type: 'actor.register', actor: 'operator', body: { id: 'farm-2', name: 'farm-2', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }, [made.operator]))
  await lenient.close()
  return seq
}

const cases: [string, BadStatement][] = [
  [
    'a registration a farm signed, of an actor that signs nothing after',
    (farm, statement) => statement({ type: 'actor.register', actor: 'farm-1', body: { id: 'ghost', name: 'ghost', roles: ['admin'], publicKey: toBase64(newSigner().publicKey) } }, [farm]),
  ],
  ['a farm revoking the regulator', (farm, statement) => statement({ type: 'actor.revoke', actor: 'farm-1', body: { actor: 'regulator-1', reason: 'inconvenient' } }, [farm])],
]

for (const [name, badStatement] of cases) {
  t.test(`${name}: the console's audit and verify --url name the same entry`, async (t) => {
    const dir = join(testDir(t), 'node')
    const bad = await logWithFarmRegistryEntry(dir, badStatement)
    const node = await startNode({ dir })
    t.teardown(() => node.stop())

    const url = await runCli(['verify', '--url', node.url])
    t.equal(url.code, 1, url.stdout)
    t.match(url.stdout, new RegExp(`^FAILED at seq ${bad}: ROLE_FORBIDDEN`))

    const audit = await auditLog(httpLogSource(node.url), nobleEd25519)
    t.equal(audit.ok, false, "the console's audit fails")
    t.match(audit.failure, { seq: bad, check: 'key-registration', keySeq: bad }, 'at the same entry')
    t.equal(audit.checked, bad, 'every entry before it checked')
  })
}
