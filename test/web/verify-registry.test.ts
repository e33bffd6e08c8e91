// Issue 13: the browser establishes every signer's keys from the log's own registry entries, back to
// entry 0, as the audit does. A node that writes its own registration of a key for a real producer
// (the node writes the log) no longer gets its events called verified.

import t, { type Test } from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { keyValidAt } from '../../src/core/key-validity.js'
import { buildApp } from '../../src/http/app.js'
import type { StatementKind } from '../../src/ledger/kinds.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { EntryVerifier } from '../../src/web/verify-entries.js'
import { verifyLogEntries, type LogSource } from '../../src/web/verify-log.js'
import { nodeActorDirectory, RegistryVerifier } from '../../src/web/verify-registry.js'
import { makeNode, newSigner, type TestNode } from '../helpers/ledger.js'
import { injectedSource } from '../helpers/log-source.js'
import { testDir } from '../helpers/test-dir.js'

async function serve(t: Test, node: TestNode, ledger: Ledger = node.ledger) {
  const app = await buildApp({ ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => app.close())
  return (rewrite?: (path: string, body: string) => string): LogSource => injectedSource(app, rewrite ? { api: rewrite } : {})
}

/**
 * The node's own log, written by a sequencer that lets any actor rotate any actor's key: what a node
 * operator could write, since the node writes the log. The browser must not trust what it enables.
 */
const forgedRotation: StatementKind = {
  type: 'actor.rotate-key',
  roles: 'any',
  accept: (ctx) => void ctx.registry.rotateKey((ctx.statement.body.actor as string | undefined) ?? ctx.actor.id, ctx.statement.body.publicKey as string, ctx.seq),
}

t.test('a forged rotation of a real producer\'s key: its events fail, naming the forged entry', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await node.register('farm-1', ['farm'])
  const mallory = await node.register('mallory', ['farm'])
  await node.ledger.close()
  // The same store, reopened by a sequencer with the forged rule.
  const forged = await Ledger.open({ store: node.store, nodeSigner: node.nodeSigner, origin: node.config.origin, ed: nodeEd25519, kinds: [forgedRotation] })
  const stolen = newSigner()
  const forgery = await forged.submit(
    node.statement({ type: 'actor.rotate-key', actor: 'mallory', body: { actor: 'farm-1', publicKey: toBase64(stolen.publicKey) } }, [mallory]),
  )
  const event = await forged.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(newSigner().publicKey) } }, [stolen]))
  const fetcher = await serve(t, node, forged)

  const outcome = await verifyLogEntries(fetcher(), nobleEd25519, [event.seq])
  t.notOk(outcome.ok, 'a statement signed with the forged key is not verified')
  t.equal(outcome.failures[0]?.check, 'key-registration', outcome.failures[0]?.detail)
  t.equal(outcome.failures[0]?.keySeq, forgery.seq, 'names the forged entry')
  t.equal(outcome.failures[0]?.seq, event.seq)
  await forged.close()
})

t.test('the keys the browser establishes equal the registry\'s at every seq: registrations, rotations, a revocation', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = await node.register('farm-1', ['farm'])
  const next = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(next.publicKey) } }, [farm]))
  const admin = await node.register('admin-2', ['admin'])
  await node.register('shop-1', ['retailer'])
  // An admin rotates another actor's key, then another admin revokes it.
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'admin-2', body: { actor: 'shop-1', publicKey: toBase64(newSigner().publicKey) } }, [admin]))
  await node.ledger.submit(node.statement({ type: 'actor.revoke', actor: 'operator', body: { actor: 'farm-1', reason: 'left the cooperative' } }, [node.operator]))
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'operator', body: { publicKey: toBase64(newSigner().publicKey) } }, [node.operator]))
  const source = (await serve(t, node))()
  const log = await TiledLog.open({ fetch: source.tiles, verifierKey: await source.api.text('/v1/log/key'), ed: nobleEd25519 })
  const registry = new RegistryVerifier(nodeActorDirectory(source.api), nobleEd25519, log.checkpoint, new EntryVerifier(log))
  for (const actor of ['operator', 'farm-1', 'admin-2', 'shop-1']) {
    const record = node.ledger.actors.get(actor)!
    for (let seq = 0; seq <= node.ledger.size; seq++) {
      const established = (await registry.keysAt(actor, seq)).map((k) => k.publicKey)
      const served = record.keys.filter((k) => k.addedAt <= seq && keyValidAt(k, seq)).map((k) => k.publicKey)
      t.same(established, served, `${actor} at ${seq}`)
    }
  }
  const all = await verifyLogEntries(source, nobleEd25519, Array.from({ length: node.ledger.size }, (_, i) => i))
  t.same(all.failures, [], 'every entry verifies with keys established from the log')
})

t.test('co-signatures are checked against their signers\' established keys', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = await node.register('farm-1', ['farm'])
  const witness = await node.register('coop-1', ['farm'])
  const cosigned = await node.ledger.submit(
    node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(newSigner().publicKey) } }, [farm, witness]),
  )
  const fetcher = await serve(t, node)
  t.same((await verifyLogEntries(fetcher(), nobleEd25519, [cosigned.seq])).failures, [], 'a co-signed entry verifies')
  const hidden = await verifyLogEntries(
    fetcher((path, body) => (path.startsWith('/v1/actors?keyid=') ? '{"actors":[]}' : body)),
    nobleEd25519,
    [cosigned.seq],
  )
  t.equal(hidden.failures[0]?.check, 'cosigner', 'a co-signature nobody can be shown to have made fails')
  const lied = await verifyLogEntries(
    fetcher((path, body) => (path.startsWith('/v1/actors?keyid=') ? '{"actors":[{"id":"farm-1"}]}' : body)),
    nobleEd25519,
    [cosigned.seq],
  )
  t.equal(lied.failures[0]?.check, 'cosigner', 'nor one the node attributes to an actor that never held the key')
})

t.test('GET /v1/actors?keyid=: the actors of a keyid; a malformed keyid or another parameter is a 400', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = await node.register('farm-1', ['farm'])
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(() => app.close())
  const found = await app.inject(`/v1/actors?keyid=${farm.keyid}`)
  t.equal(found.statusCode, 200)
  t.same(found.json().actors.map((a: { id: string }) => a.id), ['farm-1'])
  t.same((await app.inject('/v1/actors?keyid=0123456789abcdef')).json().actors, [])
  for (const query of ['keyid=XYZ', `keyid=${farm.keyid.toUpperCase()}`, 'keyid=', 'other=1']) {
    const refused = await app.inject(`/v1/actors?${query}`)
    t.equal(refused.statusCode, 400, query)
    t.equal(refused.json().code, 'BAD_REQUEST', query)
  }
})
