// The sequencer end to end on a real LevelDB: appends, idempotency, the registry, refusals.

import t from 'tap'
import { toBase64, toHex } from '../../src/core/bytes.js'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import { buildStatementEnvelope, signEnvelope } from '../../src/core/dsse.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { STATEMENT_PAYLOAD_TYPE } from '../../src/core/statement.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/core/merkle.js'
import { openNode } from '../../src/cli/node-dir.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { ACTOR_SPACE } from '../../src/ledger/registry.js'
import { LevelStore } from '../../src/store/level-store.js'
import { join } from 'node:path'
import { FIXED_TIME, makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

t.test('genesis is the operator registering itself, and the checkpoint verifies', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  t.equal(node.ledger.size, 1)
  const { entry } = await node.ledger.getEntry(0)
  t.equal(entry.seq, 0)
  t.equal(entry.prev, '0'.repeat(64))
  const checkpoint = verifyCheckpoint(nodeEd25519, node.ledger.checkpoint, node.ledger.verifierKey)
  t.equal(checkpoint.size, 1)
  t.equal(checkpoint.origin, 'tracechain.test/node')
  t.same(node.ledger.actors.get('operator')?.roles, ['admin'])
})

t.test('appends chain, prove inclusion and consistency, and survive a restart without replay', async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  const farm = await node.register('farm-1', ['farm'])
  t.equal(node.ledger.size, 2)

  const rotate = newSigner()
  const r1 = await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(rotate.publicKey) } }, [farm]))
  t.equal(r1.seq, 2)
  t.equal(r1.created, true)
  const { entry, leafHash: lh } = await node.ledger.getEntry(2)
  t.equal(entry.prev, toHex(await node.ledger.leafHashAt(1)))
  t.equal(lh, r1.leafHash)

  const root = await node.ledger.rootAt(3)
  for (let seq = 0; seq < 3; seq++) {
    const proof = await node.ledger.inclusionProof(seq, 3)
    verifyInclusion(seq, 3, proof.leafHash, proof.proof, root)
  }
  verifyConsistency(1, 3, await node.ledger.consistencyProof(1, 3), await node.ledger.rootAt(1), root)
  const checkpointBefore = node.ledger.checkpoint
  await node.close()

  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  t.equal(reopened.ledger.size, 3)
  t.equal(reopened.ledger.checkpoint, checkpointBefore)
  t.same(reopened.ledger.actors.get('farm-1')?.keys.length, 2)
  const next = await reopened.ledger.submit(
    buildStatementEnvelope({ type: 'actor.revoke', actor: 'operator', id: 'revoke-1', issuedAt: FIXED_TIME, body: { actor: 'farm-1', reason: 'test' } }, [node.operator]),
  )
  t.equal(next.seq, 3)
  const { entry: e3 } = await reopened.ledger.getEntry(3)
  t.equal(e3.prev, r1.leafHash)
})

t.test("an actor's stored record is the registry's, written once by the group that changed it", async (t) => {
  const dir = testDir(t)
  const node = await makeNode(dir)
  const ids = ['coop-1', 'farm-2', 'farm-3']
  // One group: the three registrations are submitted together.
  await Promise.all(ids.map((id) => node.register(id, ['farm'], { name: { zh: `${id} 安吉白茶`, en: id } })))
  for (const id of ids) {
    t.equal(JSON.stringify(node.store.getRecordSync(ACTOR_SPACE, id)), JSON.stringify(node.ledger.actors.get(id)), `${id}: LevelDB holds the registry's record`)
  }
  await node.close()
  const reopened = await openNode(dir)
  t.teardown(() => reopened.close())
  for (const id of ids) t.same(reopened.ledger.actors.get(id), node.ledger.actors.get(id), `${id}: the same after a restart`)
})

t.test('idempotent repeats and id conflicts', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const signer = newSigner()
  const envelope = node.statement(
    { type: 'actor.register', actor: 'operator', id: 'reg-a', body: { id: 'a', name: 'A', roles: ['farm'], publicKey: toBase64(signer.publicKey) } },
    [node.operator],
  )
  const first = await node.ledger.submit(envelope)
  const again = await node.ledger.submit(envelope)
  t.same(again, { ...first, created: false })
  t.equal(node.ledger.size, 2)
  const other = node.statement(
    { type: 'actor.register', actor: 'operator', id: 'reg-a', body: { id: 'b', name: 'B', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } },
    [node.operator],
  )
  await t.rejects(node.ledger.submit(other), { code: 'STATEMENT_ID_CONFLICT' })
  // both in one batch: the second is a repeat of the first
  const s = newSigner()
  const twin = node.statement({ type: 'actor.register', actor: 'operator', id: 'reg-c', body: { id: 'c', name: 'C', roles: ['farm'], publicKey: toBase64(s.publicKey) } }, [node.operator])
  const [x, y] = await node.ledger.submitMany([twin, twin])
  t.same(y, { ...(x as object), created: false })
  t.equal(node.ledger.size, 3)
})

t.test('a repeat is known however many groups after its first copy, though looked up before that one committed', async (t) => {
  const store = await LevelStore.open(join(testDir(t), 'db'))
  t.teardown(() => store.close())
  const operator = newSigner()
  // One request per group, and every request checked (and its repeats looked up) before the first commit.
  const ledger = await Ledger.initialise({ store, nodeSigner: newSigner(), origin: 'tracechain.test/repeats', ed: nodeEd25519, maxBatch: 1 }, operator)
  const register = (id: string) =>
    buildStatementEnvelope(
      { type: 'actor.register', actor: 'operator', id: `reg-${id}`, issuedAt: FIXED_TIME, body: { id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } },
      [operator],
    )
  let size = 1
  // 1 and 5 groups apart: the records of commits since the lookup, kept in memory; 12: looked up again.
  for (const apart of [1, 5, 12]) {
    const first = register(`first-${apart}`)
    const between = Array.from({ length: apart - 1 }, (_, i) => register(`between-${apart}-${i}`))
    const results = await Promise.all([first, ...between, first].map((envelope) => ledger.submitMany([envelope])))
    const [original] = results[0]
    const [repeat] = results[results.length - 1]
    t.same(repeat, { ...(original as object), created: false }, `${apart} groups apart: the same seq, not a new entry`)
    size += apart
    t.equal(ledger.size, size)
  }
})

t.test('a key registered earlier in the same batch signs later statements of it', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const admin2 = newSigner()
  const farm = newSigner()
  const results = await node.ledger.submitMany([
    node.statement({ type: 'actor.register', actor: 'operator', body: { id: 'admin-2', name: 'Admin 2', roles: ['admin'], publicKey: toBase64(admin2.publicKey) } }, [node.operator]),
    node.statement({ type: 'actor.register', actor: 'admin-2', body: { id: 'farm-2', name: 'Farm 2', roles: ['farm'], publicKey: toBase64(farm.publicKey) } }, [admin2]),
  ])
  t.same(results.map((r) => ('seq' in r ? r.seq : r.code)), [1, 2])
})

t.test('refusals: each with its code, and the tree does not change', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const farm = await node.register('farm-1', ['farm'])
  const stranger = newSigner()
  const size = node.ledger.size
  const checkpoint = node.ledger.checkpoint
  const register = (id: string) => ({ id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) })

  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'nobody', body: register('x1') }, [stranger])), { code: 'UNKNOWN_KEY' })
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'farm-1', body: register('x2') }, [farm])), { code: 'ROLE_FORBIDDEN' })
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body: register('x3') }, [farm])), { code: 'SIGNATURE_MISSING' })
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'ghost', body: register('x4') }, [farm])), { code: 'UNKNOWN_ACTOR' })
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body: { ...register('x5'), roles: ['wizard'] } }, [node.operator])), { code: 'SCHEMA_INVALID' })
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body: register('farm-1') }, [node.operator])), { code: 'ACTOR_EXISTS' })
  await t.rejects(
    node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body: { ...register('x6'), publicKey: toBase64(farm.publicKey) } }, [node.operator])),
    { code: 'KEY_IN_USE' },
  )
  await t.rejects(node.ledger.submit(node.statement({ type: 'no.such-type', actor: 'operator', body: {} }, [node.operator])), { code: 'STATEMENT_TYPE_UNKNOWN' })
  await t.rejects(
    node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', issuedAt: '2099-01-01T00:00:00.000Z', body: register('x7') }, [node.operator])),
    { code: 'ISSUED_IN_FUTURE' },
  )

  // a signature over other bytes
  const good = node.statement({ type: 'actor.register', actor: 'operator', body: register('x8') }, [node.operator])
  const otherPayload = node.statement({ type: 'actor.register', actor: 'operator', body: register('x9') }, [node.operator])
  await t.rejects(node.ledger.submit({ ...good, signatures: otherPayload.signatures }), { code: 'SIGNATURE_INVALID' })

  // a payload that is not the JCS form of itself
  const statement = { type: 'actor.register', actor: 'operator', id: 'nc', issuedAt: FIXED_TIME, body: register('x10') }
  const spaced = Buffer.from(JSON.stringify(statement, null, 1)).toString('base64')
  await t.rejects(node.ledger.submit({ ...good, payload: spaced }), { code: 'PAYLOAD_NOT_CANONICAL' })

  // a payload over 48 KiB
  const hugeBytes = canonicalBytes({ ...statement, id: 'huge', body: { ...register('x11'), name: 'x'.repeat(50_000) } })
  const huge = signEnvelope(STATEMENT_PAYLOAD_TYPE, hugeBytes, [node.operator])
  await t.rejects(node.ledger.submit(huge), { code: 'STATEMENT_TOO_LARGE' })

  t.equal(node.ledger.size, size)
  t.equal(node.ledger.checkpoint, checkpoint)
})

t.test('rotated and revoked keys are refused from then on', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const admin = await node.register('admin-2', ['admin'])
  const next = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'admin-2', body: { publicKey: toBase64(next.publicKey) } }, [admin]))
  const body = (id: string) => ({ id, name: id, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) })
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'admin-2', body: body('y1') }, [admin])), { code: 'KEY_NOT_VALID' })
  t.equal((await node.ledger.submit(node.statement({ type: 'actor.register', actor: 'admin-2', body: body('y2') }, [next]))).created, true)

  await node.ledger.submit(node.statement({ type: 'actor.revoke', actor: 'operator', body: { actor: 'admin-2', reason: 'left the company' } }, [node.operator]))
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'admin-2', body: body('y3') }, [next])), { code: 'ACTOR_REVOKED' })
  t.equal(node.ledger.actors.get('admin-2')?.revokedAt, node.ledger.size - 1)
})

t.test('co-signatures are verified and kept', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const inspector = await node.register('inspector-1', ['inspector'])
  const signer = newSigner()
  const envelope = node.statement(
    { type: 'actor.register', actor: 'operator', body: { id: 'z', name: 'Z', roles: ['farm'], publicKey: toBase64(signer.publicKey) } },
    [node.operator, inspector],
  )
  const { seq } = await node.ledger.submit(envelope)
  const { entry } = await node.ledger.getEntry(seq)
  t.equal(entry.envelope.signatures.length, 2)
  const stranger = newSigner()
  const bad = node.statement(
    { type: 'actor.register', actor: 'operator', body: { id: 'z2', name: 'Z', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } },
    [node.operator, stranger],
  )
  await t.rejects(node.ledger.submit(bad), { code: 'UNKNOWN_KEY' })
  t.equal(leafHash(await node.ledger.getEntryBytes(seq)).length, 32)
})

t.test('actor.register refuses repeated locations', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const body = { id: 'dup', name: 'Dup', roles: ['farm'], publicKey: toBase64(newSigner().publicKey), locations: ['urn:epc:id:sgln:6901234.00001.0', 'urn:epc:id:sgln:6901234.00001.0'] }
  await t.rejects(node.ledger.submit(node.statement({ type: 'actor.register', actor: 'operator', body }, [node.operator])), { code: 'SCHEMA_INVALID' })
  t.equal(node.ledger.size, 1)
})
