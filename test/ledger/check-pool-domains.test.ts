// The check pool on the two jobs domains and followers bring: a kind's own check (GS1's schema for food
// events) in the workers that load its module, and a followed log's entries, each checked at its own
// recordedAt; an audit's are judged alike, without the facts a kind derives. Apart from check-pool.test.ts:
// each starts worker threads that load the domains, which on a loaded 2-core machine takes most of a minute.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { CheckPool } from '../../src/ledger/check-pool.js'
import { inlineChecker, type CheckJob } from '../../src/ledger/checks.js'
import { TYPES, admin, job, keys, other, register } from '../helpers/check-jobs.js'
import { FIXED_TIME, newSigner } from '../helpers/ledger.js'

t.test("a kind's own check runs in the workers that load its module, and a pool without it refuses the job", async (t) => {
  const { foodKinds } = await import('../../src/food/kinds.js')
  const { DOMAIN_KIND_MODULES } = await import('../../src/cli/node-dir.js')
  const farm = newSigner()
  const farmKeys = new Map([[farm.keyid, [toBase64(farm.publicKey)]]])
  const event = {
    type: 'ObjectEvent',
    eventTime: '2026-05-20T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    epcList: ['urn:epc:id:sgtin:6901234.000011.1'],
  }
  const foodEvent = (body: Record<string, unknown>, id: string) =>
    buildStatementEnvelope({ type: 'food.event', actor: 'farm', id, issuedAt: FIXED_TIME, body }, [farm])
  const envelopes = [foodEvent(event, 'good'), foodEvent({ ...event, action: 'SHRED' }, 'bad-action')]
  const foodJob: CheckJob = { ...job(envelopes, farmKeys), types: [...TYPES, 'food.event'], typesWithChecks: ['food.event'] }

  const pool = new CheckPool({ size: 1, modules: DOMAIN_KIND_MODULES })
  t.teardown(() => pool.close())
  const pooled = await pool.check(foodJob)
  t.same(pooled, await inlineChecker(nodeEd25519, foodKinds).check(foodJob), 'as in the calling thread')
  t.notOk('refused' in pooled[0], 'a valid EPCIS event passes')
  t.match(pooled[1], { refused: { code: 'EPCIS_INVALID' } }, "GS1's schema refuses an unknown action")

  const bare = new CheckPool({ size: 1 })
  t.teardown(() => bare.close())
  await t.rejects(bare.check(foodJob), { code: 'INTERNAL', message: /no check for food.event/ }, 'never skipped silently')
  await t.rejects(inlineChecker(nodeEd25519).check(foodJob), /no check for food.event/)
})

t.test("a followed log's entries: parsed and checked in the workers as in the calling thread, each at its own recordedAt", async (t) => {
  const { leafInput } = await import('../../src/ledger/entry-bytes.js')
  const { keyidsInEntry } = await import('../../src/ledger/replica.js')
  const entryBytes = (seq: number, envelope: unknown, recordedAt = FIXED_TIME) =>
    leafInput({ seq, prev: '0'.repeat(64), recordedAt, envelope: envelope as never }).subarray(1)
  const good = buildStatementEnvelope(register(3001), [admin])
  const cosigned = buildStatementEnvelope(register(3002), [admin, other])
  const future = buildStatementEnvelope(register(3003, { issuedAt: '2027-01-01T00:00:00.000Z' }), [admin])
  const text = (s: string) => new TextEncoder().encode(s)
  // A hundred good entries first, so the special ones go to the second thread, their seqs counted from its part.
  const fill = Array.from({ length: 100 }, (_, i) => entryBytes(10 + i, buildStatementEnvelope(register(3100 + i), [admin])))
  const special = [
    entryBytes(110, good),
    entryBytes(111, cosigned),
    entryBytes(112, future),
    entryBytes(113, future, '2027-01-01T00:00:00.000Z'), // the same statement, recorded when it was no longer early
    entryBytes(99, good), // another seq than its place
    text('{"seq":115}'),
    text('{ "seq": 116 }'),
    entryBytes(117, { ...good, signatures: [] }),
  ]
  const entries = [...fill, ...special]
  const replicaJob = {
    entries,
    from: 10,
    candidates: entries.map((bytes) => keyidsInEntry(bytes).map((k) => keys.get(k) ?? [])),
    types: TYPES,
    typesWithChecks: [],
    maxClockSkewMs: 60_000,
  }
  t.same(replicaJob.candidates.slice(100, 102), [[keys.get(admin.keyid)], [keys.get(admin.keyid), keys.get(other.keyid)]], 'keyids found in the bytes, in order')
  const pool = new CheckPool({ size: 2 })
  t.teardown(() => pool.close())
  const inline = await inlineChecker(nodeEd25519).checkReplica(replicaJob)
  t.same(await pool.checkReplica(replicaJob), inline)
  const codes = inline.slice(100).map((o) => ('refused' in o ? o.refused.code : 'ok'))
  t.equal(inline.slice(0, 100).filter((o) => !('refused' in o)).length, 100)
  t.same(codes, ['ok', 'ok', 'ISSUED_IN_FUTURE', 'ok', 'ENTRY_INVALID', 'ENTRY_INVALID', 'ENTRY_INVALID', 'BAD_REQUEST'])
  t.match(inline[100], { recordedAt: FIXED_TIME, envelope: good, verifiedKeys: [toBase64(admin.publicKey)] })
  t.match(inline[104], { refused: { details: { seq: 114 } } })
})

t.test("an audit's entries are judged as a mirror's, without the facts only a kind's accept reads", async (t) => {
  const { foodKinds } = await import('../../src/food/kinds.js')
  const { DOMAIN_KIND_MODULES } = await import('../../src/cli/node-dir.js')
  const { foodEventHashId } = await import('../../src/food/event-ids.js')
  const { leafInput } = await import('../../src/ledger/entry-bytes.js')
  const { keyidsInEntry } = await import('../../src/ledger/replica.js')
  const farm = newSigner()
  const event = { type: 'ObjectEvent', eventTime: '2026-05-20T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', epcList: ['urn:epc:id:sgtin:6901234.000011.1'] }
  const envelopes = [event, { ...event, action: 'SHRED' }].map((body, i) => buildStatementEnvelope({ type: 'food.event', actor: 'farm', id: `e${i}`, issuedAt: FIXED_TIME, body }, [farm]))
  const entries = envelopes.map((envelope, i) => leafInput({ seq: 5 + i, prev: '0'.repeat(64), recordedAt: FIXED_TIME, envelope }).subarray(1))
  const farmKeys = new Map([[farm.keyid, [toBase64(farm.publicKey)]]])
  const replicaJob = {
    entries,
    from: 5,
    candidates: entries.map((bytes) => keyidsInEntry(bytes).map((k) => farmKeys.get(k) ?? [])),
    types: [...TYPES, 'food.event'],
    typesWithChecks: ['food.event'],
    maxClockSkewMs: 60_000,
  }
  const pool = new CheckPool({ size: 1, modules: DOMAIN_KIND_MODULES })
  t.teardown(() => pool.close())
  const inline = inlineChecker(nodeEd25519, foodKinds)
  for (const checker of [pool, inline]) {
    const mirrored = await checker.checkReplica(replicaJob)
    const audited = await checker.checkAudit(replicaJob)
    t.match(mirrored[0], { facts: { hashId: foodEventHashId(event) } }, "a mirror's outcome carries the event's hash ID")
    t.same(audited[0], { prev: '0'.repeat(64), type: 'food.event', actor: 'farm', keyids: [farm.keyid], verifiedKeys: [toBase64(farm.publicKey)] }, "the audit's: what its walk reads, no hash ID, no statement")
    t.match(audited[1], { refused: { code: 'EPCIS_INVALID' } }, "GS1's schema still refuses an unknown action")
    t.same(audited[1], mirrored[1])
  }
})
