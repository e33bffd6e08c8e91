// A mirror refuses whatever the node's rules refuse, wherever its chunks are cut: the checks of a chunk run
// while the chunk before it is still being committed (ledger/replica.ts), so a key that chunk registers,
// rotates out or revokes must count from its seq on. And it records what the log holds that the node would
// now answer as a repeat, with the node's index records. The logs here are signed by their node's key but were
// written by a node whose rule for one statement type did nothing: a log its checkpoints vouch for that the
// real rules refuse.

import t, { type Test } from 'tap'
import { join } from 'node:path'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { eventHashId } from '../../src/core/epcis-event-hash.js'
import type { Signer } from '../../src/core/keys.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { SPACES } from '../../src/food/records.js'
import { buildApp } from '../../src/http/app.js'
import type { StatementKind } from '../../src/ledger/kinds.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { Follower } from '../../src/mirror/follower.js'
import { prefixRange } from '../../src/store/keys.js'
import { LevelStore } from '../../src/store/level-store.js'
import { FIXED_TIME, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CHUNK = 8

/** A rule that accepts anything: the primary's, so its log holds what the real rule refuses. */
const lenient = (type: string): StatementKind => ({ type, roles: 'any', accept: () => undefined })

interface Primary {
  ledger: Ledger
  operator: Signer
  /** appends one statement in its own group; resolves with its seq */
  append(type: string, actor: string, body: Record<string, unknown>, signer: Signer): Promise<number>
  /** registrations by the operator until the log has `size` entries */
  fillTo(size: number): Promise<void>
  fetch: FetchResource
}

let counter = 0

async function primary(t: Test, dir: string, kinds: StatementKind[]): Promise<Primary> {
  const store = await LevelStore.open(join(dir, 'db'))
  const operator = newSigner()
  const nodeSigner = newSigner()
  const ledger = await Ledger.initialise({ store, nodeSigner, origin: 'tracechain.test/rogue', ed: nodeEd25519, kinds: [...DOMAIN_KINDS, ...kinds] }, operator)
  const app = await buildApp({ ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
    await store.close()
  })
  const append = async (type: string, actor: string, body: Record<string, unknown>, signer: Signer) => {
    const envelope: Envelope = buildStatementEnvelope({ type, actor, id: `s-${++counter}`, issuedAt: FIXED_TIME, body }, [signer])
    return (await ledger.submit(envelope)).seq
  }
  return {
    ledger,
    operator,
    append,
    async fillTo(size) {
      while (ledger.size < size) await append('actor.register', 'operator', { id: `filler-${++counter}`, name: 'filler', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }, operator)
    },
    fetch: async (path) => {
      const response = await app.inject(`/tlog/${path}`)
      return response.statusCode === 404 ? undefined : new Uint8Array(response.rawPayload)
    },
  }
}

async function follow(t: Test, dir: string, source: Primary) {
  const mirror = await openMirrorDir(dir, { verifierKey: source.ledger.verifierKey, source: 'inject:/tlog/', primary: 'http://primary.example' })
  const follower = new Follower({ ledger: mirror.ledger, source: 'inject:/tlog/', fetch: source.fetch, ed: nodeEd25519, dir, chunkEntries: CHUNK })
  t.teardown(async () => {
    await follower.stop()
    await mirror.close()
  })
  await follower.poll()
  return { mirror, status: follower.status }
}

async function register(source: Primary, id: string, roles = ['farm'], extra: Record<string, unknown> = {}): Promise<Signer> {
  const signer = newSigner()
  await source.append('actor.register', 'operator', { id, name: id, roles, publicKey: toBase64(signer.publicKey), ...extra }, source.operator)
  return signer
}

t.test('a key registered at the end of one chunk signs at the start of the next, and in its own chunk', async (t) => {
  const root = testDir(t)
  const source = await primary(t, join(root, 'node'), [])
  await source.fillTo(2 * CHUNK - 1)
  const farm = await register(source, 'late-farm')
  t.equal(source.ledger.size, 2 * CHUNK, 'registered at the last seq of the second chunk')
  const next = newSigner()
  t.equal(await source.append('actor.rotate-key', 'late-farm', { publicKey: toBase64(next.publicKey) }, farm), 2 * CHUNK)
  // Registered and used within one chunk: known to no check, verified when sequenced.
  const other = await register(source, 'same-chunk-farm')
  await source.append('actor.rotate-key', 'same-chunk-farm', { publicKey: toBase64(newSigner().publicKey) }, other)
  await source.append('actor.rotate-key', 'late-farm', { publicKey: toBase64(newSigner().publicKey) }, next)
  await source.fillTo(4 * CHUNK + 3)
  const { mirror, status } = await follow(t, join(root, 'mirror'), source)
  t.equal(status.following, true, JSON.stringify(status.failure))
  t.equal(mirror.ledger.size, source.ledger.size)
  t.equal(mirror.ledger.checkpoint, source.ledger.checkpoint)
  t.same(mirror.ledger.actors.get('late-farm'), source.ledger.actors.get('late-farm'))
})

t.test('an actor revoked at the end of one chunk may not sign at the start of the next', async (t) => {
  const root = testDir(t)
  const source = await primary(t, join(root, 'node'), [lenient('actor.revoke')])
  const farm = await register(source, 'farm-r')
  await source.fillTo(2 * CHUNK - 1)
  await source.append('actor.revoke', 'operator', { actor: 'farm-r', reason: 'test' }, source.operator)
  const seq = await source.append('actor.rotate-key', 'farm-r', { publicKey: toBase64(newSigner().publicKey) }, farm)
  t.equal(seq, 2 * CHUNK)
  await source.fillTo(3 * CHUNK + 2)
  const { mirror, status } = await follow(t, join(root, 'mirror'), source)
  t.match(status, { following: false, failure: { code: 'ACTOR_REVOKED', seq } })
  t.equal(mirror.ledger.size, seq, 'the chunks before it are kept')
})

t.test('a key rotated out at the end of one chunk may not sign at the start of the next', async (t) => {
  const root = testDir(t)
  const source = await primary(t, join(root, 'node'), [lenient('actor.rotate-key')])
  const farm = await register(source, 'farm-k')
  await source.fillTo(3 * CHUNK - 1)
  const seq = 3 * CHUNK
  // The primary's rotation did nothing, so the old key still signs there; the real rule retires it.
  await source.append('actor.rotate-key', 'farm-k', { publicKey: toBase64(newSigner().publicKey) }, farm)
  t.equal(await source.append('actor.rotate-key', 'farm-k', { publicKey: toBase64(newSigner().publicKey) }, farm), seq)
  await source.fillTo(4 * CHUNK + 1)
  const { mirror, status } = await follow(t, join(root, 'mirror'), source)
  t.match(status, { following: false, failure: { code: 'KEY_NOT_VALID', seq } })
  t.equal(mirror.ledger.size, seq)
})

t.test("a domain rule: a farm's event at a location it did not register", async (t) => {
  const root = testDir(t)
  const source = await primary(t, join(root, 'node'), [{ ...DOMAIN_KINDS.find((k) => k.type === 'food.event')!, accept: () => undefined }])
  const farm = await register(source, 'farm-l', ['farm'], { locations: ['urn:epc:id:sgln:6901234.00010.0'] })
  await source.fillTo(CHUNK + 3)
  const elsewhere = 'urn:epc:id:sgln:6901234.00099.0'
  const seq = await source.append(
    'food.event',
    'farm-l',
    {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'ObjectEvent',
      eventTime: '2026-05-20T00:00:00.000Z',
      eventTimeZoneOffset: '+08:00',
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234000115/10/L1', quantity: 10, uom: 'KGM' }],
      readPoint: { id: elsewhere },
      bizLocation: { id: elsewhere },
    },
    farm,
  )
  await source.fillTo(2 * CHUNK + 5)
  const { mirror, status } = await follow(t, join(root, 'mirror'), source)
  t.match(status, { following: false, failure: { code: 'LOCATION_NOT_ALLOWED', seq } })
  t.equal(mirror.ledger.size, CHUNK)
})

t.test('a log that holds an actor’s same event twice (an earlier release recorded repeats): the mirror records both, with the node’s index records', async (t) => {
  const root = testDir(t)
  const real = DOMAIN_KINDS.find((k) => k.type === 'food.event') as StatementKind
  const source = await primary(t, join(root, 'node'), [{ ...real, accept: async (ctx) => void (await real.accept(ctx)) }])
  const farm = await register(source, 'farm-d')
  const event = {
    type: 'ObjectEvent',
    eventTime: '2026-05-20T00:00:00.000Z',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234000115/10/L1', quantity: 10, uom: 'KGM' }],
  }
  const first = await source.append('food.event', 'farm-d', event, farm)
  t.equal(await source.append('food.event', 'farm-d', event, farm), first + 1, 'the primary recorded it again')
  await source.fillTo(2 * CHUNK + 3)
  const { mirror, status } = await follow(t, join(root, 'mirror'), source)
  t.equal(status.following, true, JSON.stringify(status.failure))
  t.equal(mirror.ledger.size, source.ledger.size)
  for (const space of [SPACES.event, SPACES.byEventId, SPACES.eventClaim]) {
    t.same(await mirror.ledger.records.range(space, {}), await source.ledger.records.range(space, {}), space)
  }
  const claims = await mirror.ledger.records.range(SPACES.byEventId, prefixRange(eventHashId(event)))
  t.equal(claims.length, 2, 'both events answer to the hash ID')
})
