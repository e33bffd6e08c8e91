// Checking a log's chunks ahead of their use (replica.ts), as a mirror's catch-up and an audit do: the
// chunks' checks start in seq order whatever order their reads finish in, no more than `depth` at once
// beyond the caller's; a failure comes in its turn. The keys an entry names (PendingKeys) are candidates for
// the entries after it only, found in its bytes whatever they hold, and forgotten once applied.

import t from 'tap'
import { toBase64, utf8 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { keyIdOf } from '../../src/core/keys.js'
import { Registry } from '../../src/ledger/registry.js'
import { checkedInOrder, keyNamedIn, PendingKeys } from '../../src/ledger/replica.js'
import { newSigner } from '../helpers/ledger.js'

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

t.test('chunks are checked in seq order, depth ahead of the caller, and yielded in order', async (t) => {
  const started: number[] = []
  let checking = 0
  let mostChecking = 0
  const readsDone = new Map<number, () => void>()
  const chunks = checkedInOrder({
    from: 0,
    to: 50,
    end: (from) => Math.min(50, from + 10),
    // Each read waits to be let go, so the test decides the order they finish in.
    read: (from) => new Promise<number>((resolve) => readsDone.set(from, () => resolve(from))),
    check: async (from, read: number) => {
      started.push(from)
      checking++
      mostChecking = Math.max(mostChecking, checking)
      await tick()
      checking--
      return `checked ${read}`
    },
    depth: 2,
  })
  const first = chunks.next()
  await tick()
  t.same([...readsDone.keys()], [0, 10, 20], 'the depth and the chunk after them are read')
  readsDone.get(10)?.()
  await tick()
  t.same(started, [], 'the second chunk waits for the first to start')
  readsDone.get(0)?.()
  t.same((await first).value, 'checked 0')
  t.same(started, [0, 10])
  const rest: string[] = []
  for (let next = chunks.next(); ; next = chunks.next()) {
    for (const release of readsDone.values()) release()
    const { value, done } = await next
    if (done) break
    rest.push(value)
  }
  t.same(rest, ['checked 10', 'checked 20', 'checked 30', 'checked 40'])
  t.same(started, [0, 10, 20, 30, 40], 'started in seq order')
  t.ok(mostChecking <= 2, `at most depth checking at once (${mostChecking})`)
})

t.test('a failed read or check is thrown in its turn, after the chunks before it', async (t) => {
  const chunks = checkedInOrder({
    from: 0,
    to: 30,
    end: (from) => from + 10,
    read: async (from) => {
      if (from === 20) throw new Error('read of 20 failed')
      return from
    },
    check: async (from) => {
      if (from === 10) await tick()
      return from
    },
    depth: 3,
  })
  const got: number[] = []
  await t.rejects(
    (async () => {
      for await (const from of chunks) got.push(from)
    })(),
    /read of 20 failed/,
  )
  t.same(got, [0, 10])
})

t.test('the key an actor statement names, found in the entry bytes; other entries name none', async (t) => {
  const admin = newSigner()
  const registered = newSigner()
  const entryOf = (statement: Record<string, unknown>) =>
    utf8(JSON.stringify({ envelope: buildStatementEnvelope({ actor: 'operator', issuedAt: '2026-12-06T00:00:00.000Z', ...statement } as never, [admin]), prev: '00', seq: 1 }))
  const publicKey = toBase64(registered.publicKey)
  t.same(keyNamedIn(entryOf({ type: 'actor.register', id: 'r', body: { id: 'farm-1', publicKey } })), { keyid: keyIdOf(registered.publicKey), publicKey })
  t.same(keyNamedIn(entryOf({ type: 'actor.rotate-key', id: 'r', body: { publicKey } })), { keyid: keyIdOf(registered.publicKey), publicKey })
  // The type named inside a body is not the statement's.
  t.equal(keyNamedIn(entryOf({ type: 'food.event', id: 'e', body: { note: { type: 'actor.register' }, publicKey } })), undefined)
  t.equal(keyNamedIn(entryOf({ type: 'actor.register', id: 'r', body: { id: 'farm-1', publicKey: 'not base64!' } })), undefined)
  const short = Buffer.from('{"type":"actor.register"}').toString('base64')
  for (const junk of ['', '{"payload":"', '{"payload":"%%%"}', '\u0000'.repeat(64), `{"payload":"${short}"}`]) t.equal(keyNamedIn(utf8(junk)), undefined, JSON.stringify(junk))
})

t.test('a pending key is a candidate for the entries after the one that names it, until forgotten', async (t) => {
  const admin = newSigner()
  const farm = newSigner()
  const publicKey = toBase64(farm.publicKey)
  const register = buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: 'r', issuedAt: '2026-12-06T00:00:00.000Z', body: { id: 'farm-1', publicKey } } as never, [admin])
  const signedByFarm = buildStatementEnvelope({ type: 'food.product', actor: 'farm-1', id: 'p', issuedAt: '2026-12-06T00:00:00.000Z', body: {} } as never, [farm])
  const entry = (envelope: unknown, seq: number) => utf8(JSON.stringify({ envelope, prev: '00', seq }))
  const pending = new PendingKeys()
  const registry = new Registry()
  // The farm signs at 4, before its key is named at 5, and at 6 after it.
  const candidates = pending.candidatesOf(registry, 4, [entry(signedByFarm, 4), entry(register, 5), entry(signedByFarm, 6)])
  t.same(candidates, [[[]], [[]], [[publicKey]]], 'a candidate for 6 only: not for 4, nor for 5, which names it')
  t.same(pending.candidatesOf(registry, 7, [entry(signedByFarm, 7)]), [[[publicKey]]], 'a later chunk')
  pending.forgetBefore(6)
  t.same(pending.candidatesOf(registry, 8, [entry(signedByFarm, 8)]), [[[]]], 'forgotten once applied')
})
