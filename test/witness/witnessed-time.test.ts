// Issue 15: late records flagged against witnessed time. The node's recordedAt is its own word; a witness's
// cosignature dates the tree under the witness's key. With fixed clocks and real signatures, a real witness
// on a real port and the real CLI:
// - a node whose clock runs behind (or that back-dates) records a statement signed three days earlier as if
//   an hour late: recordedAt says nothing, the witnessed checkpoint shows it, the node raises LATE_RECORD by
//   witnessed time, and the entry's bundle proves it offline to `verify --bundle --witness`;
// - a node whose clock runs ahead records after its witnesses saw the entry: the bundle fails on that entry;
// - a witnessed proof that does not hold (another leaf, a cosignature removed) fails the entry it is for.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { initialiseNode, readKeyFile } from '../../src/cli/node-dir.js'
import { toBase64 } from '../../src/core/bytes.js'
import { formatWitnessVerifierKey } from '../../src/core/cosignature.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { ProofBundle } from '../../src/core/proof-bundle.js'
import { parseSignedNote } from '../../src/core/signed-note.js'
import { parseTlogProof, formatTlogProof } from '../../src/core/tlog-proof.js'
import { DEFAULT_WITNESS_SLACK_MS, policyMetAt, witnessedTiming } from '../../src/core/witnessed-time.js'
import { listAlerts } from '../../src/ledger/alerts.js'
import { buildProofBundle } from '../../src/ledger/proof-bundle.js'
import { SLOW_RECORD_SPACE, witnessedCovering } from '../../src/ledger/witnessed.js'
import { CheckpointCosigning } from '../../src/publish/cosigning.js'
import { verifyBundle } from '../../src/web/verify-bundle.js'
import { newSigner } from '../helpers/ledger.js'
import { runCli } from '../helpers/node-process.js'
import { startWitness } from '../helpers/witnessed-node.js'
import { testDir } from '../helpers/test-dir.js'

const SIGNED = Date.parse('2026-09-01T04:00:00.000Z')
const HOUR = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()

t.test('policyMetAt and witnessedTiming', async (t) => {
  const at = (...seconds: number[]) => seconds.map((timestamp) => ({ timestamp }))
  t.equal(policyMetAt(at(30, 10, 20), 1), 10, 'one of three: the earliest')
  t.equal(policyMetAt(at(30, 10, 20), 2), 20, 'two of three: the second earliest, so one lying witness cannot move it earlier')
  t.equal(policyMetAt(at(10), 2), undefined, 'too few cosigned')
  t.equal(policyMetAt(at(10), 0), undefined)
  const day = 24 * HOUR
  const signed = iso(SIGNED)
  const seconds = (ms: number) => Math.floor(ms / 1000)
  t.same(witnessedTiming(signed, iso(SIGNED + HOUR), seconds(SIGNED + HOUR + 1000), day), { witnessedAt: iso(SIGNED + HOUR + 1000) }, 'on time by both')
  t.equal(witnessedTiming(signed, iso(SIGNED + HOUR), seconds(SIGNED + 3 * day), day).lateByWitnessed, 3 * day, 'late by witnessed time alone')
  t.equal(witnessedTiming(signed, iso(SIGNED + 2 * day), seconds(SIGNED + 3 * day), day).lateByWitnessed, undefined, 'late by recordedAt already: not twice')
  t.equal(witnessedTiming(signed, iso(SIGNED + HOUR), seconds(SIGNED + day + 5 * 60_000), day).lateByWitnessed, undefined, 'within the slack past the window: a witness delay, not a late record')
  t.equal(witnessedTiming(signed, iso(SIGNED + 3 * HOUR), seconds(SIGNED + HOUR), day).recordedAfterWitnessed, 2 * HOUR, 'recorded after the witnesses saw it')
  t.equal(witnessedTiming(signed, iso(SIGNED + HOUR), seconds(SIGNED + HOUR) - DEFAULT_WITNESS_SLACK_MS / 2000, day).recordedAfterWitnessed, undefined, 'within the slack')
  t.equal(witnessedTiming(signed, iso(SIGNED + HOUR), seconds(SIGNED + 3 * day), 0).lateByWitnessed, undefined, 'a window of 0 turns it off')
})

/** A node on `nodeClock` witnessed by one real witness on `witnessClock`; one statement signed at SIGNED. */
async function witnessedStatement(t: Test, nodeClock: number, witnessClock: number) {
  const dir = testDir(t)
  const node = await initialiseNode(join(dir, 'node'), { clock: () => new Date(nodeClock), genesisAt: new Date(SIGNED - 100 * HOUR) })
  t.teardown(() => node.close())
  const operator = readKeyFile(join(dir, 'node', 'keys', 'operator.json'))
  const witness = await startWitness(t, 'witness.test/township', node.ledger.verifierKey, () => witnessClock)
  const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses: [witness], min: 1 }, { ed: nodeEd25519 })
  t.teardown(() => cosigning.close())
  await cosigning.round()
  const statement = { type: 'actor.register', actor: 'operator', id: 'reg-late', issuedAt: iso(SIGNED), body: { id: 'farm-late', name: 'farm', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) } }
  const { seq } = await node.ledger.submit(buildStatementEnvelope(statement, [operator]))
  await cosigning.round()
  const bundle = await buildProofBundle(node.ledger, { about: { kind: 'entry', seq }, seqs: [seq], checkpoint: cosigning.checkpoint })
  const witnessKey = formatWitnessVerifierKey(witness.key.name, witness.key.publicKey)
  const file = join(dir, 'entry.bundle.json')
  writeFileSync(file, JSON.stringify(bundle))
  return { node, seq, bundle, file, witnessKey, policy: { keys: [witness.key], min: 1 } }
}

t.test('a node whose clock runs behind: late by witnessed time, raised by the node and proved offline', async (t) => {
  const { node, seq, bundle, file, witnessKey, policy } = await witnessedStatement(t, SIGNED + HOUR, SIGNED + 72 * HOUR)
  const kept = await witnessedCovering(node.ledger.records, seq)
  t.equal(kept?.size, seq + 1, 'the first witnessed checkpoint holding the entry is kept')
  const alerts = (await listAlerts(node.ledger, { kind: 'LATE_RECORD' }, [], new Date(SIGNED + 72 * HOUR))).alerts
  t.same(alerts.map((a) => a.seqs), [[seq]], 'LATE_RECORD by witnessed time, once')
  t.match(alerts[0].message, /recorded 2026-09-01T05:00:00.000Z by the node's clock, first witnessed 2026-09-04T04:00:00.000Z: 3 days after signing by witnessed time/)
  t.equal(alerts[0].at, iso(SIGNED + 72 * HOUR))

  t.ok(bundle.entries.find((e) => e.seq === seq)?.witnessed, 'the bundle carries the entry\'s witnessed proof')
  const outcome = await verifyBundle(bundle, nodeEd25519, { verifierKey: node.ledger.verifierKey }, policy)
  t.same(outcome.failures, [])
  const entry = outcome.account?.entries.find((e) => e.seq === seq)
  t.same({ witnessedAt: entry?.witnessedAt, late: entry?.late }, { witnessedAt: iso(SIGNED + 72 * HOUR), late: { days: 3, by: 'witnessed' } })
  const withoutPolicy = await verifyBundle(bundle, nodeEd25519, { verifierKey: node.ledger.verifierKey })
  t.equal(withoutPolicy.account?.entries[0].late, undefined, 'without a witness policy, only the log\'s own times speak')

  const cli = await runCli(['verify', '--bundle', file, '--key', node.ledger.verifierKey, '--witness', witnessKey])
  t.equal(cli.code, 0, cli.stdout + cli.stderr)
  t.match(cli.stdout, /recorded 2026-09-01T05:00:00.000Z, witnessed by 2026-09-04T04:00:00.000Z\n\s+LATE RECORD: recorded 3 days after signing, by witnessed time/)
  const laxer = await runCli(['verify', '--bundle', file, '--key', node.ledger.verifierKey, '--witness', witnessKey, '--late-record-hours', '100'])
  t.notMatch(laxer.stdout, /LATE RECORD/, 'the verifier\'s own window')
  const bad = await runCli(['verify', '--bundle', file, '--key', node.ledger.verifierKey, '--late-record-hours', 'soon'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /BAD_REQUEST: --late-record-hours/)
})

t.test('witnesses half a day behind: only the records already slow are read, and one is late by witnessed time', async (t) => {
  // Recorded 13 h after signing (not late by the node's 24 h), first witnessed 25 h after: the slow-record index finds it.
  const { node, seq } = await witnessedStatement(t, SIGNED + 13 * HOUR, SIGNED + 25 * HOUR)
  t.same(
    (await node.ledger.records.range(SLOW_RECORD_SPACE, {})).map(([key]) => parseInt(key, 16)),
    [seq],
    'only the statement recorded more than half the window after signing is indexed',
  )
  const alerts = (await listAlerts(node.ledger, { kind: 'LATE_RECORD' }, [], new Date(SIGNED + 26 * HOUR))).alerts
  t.same(alerts.map((a) => a.seqs), [[seq]])
  t.match(alerts[0].message, /1 days after signing by witnessed time/)
})

t.test('a node whose clock runs ahead: recorded after its witnesses saw the entry, the bundle fails there', async (t) => {
  const { node, seq, bundle, file, witnessKey, policy } = await witnessedStatement(t, SIGNED + 3 * HOUR, SIGNED + HOUR)
  const outcome = await verifyBundle(bundle, nodeEd25519, { verifierKey: node.ledger.verifierKey }, policy)
  t.same(outcome.failures.map((f) => [f.check, f.seq]), [['witnessed-time', seq]])
  t.match(outcome.failures[0].detail, /recorded entry \d+ at 2026-09-01T07:00:00.000Z, after its witnesses had seen it at 2026-09-01T05:00:00.000Z/)
  const cli = await runCli(['verify', '--bundle', file, '--key', node.ledger.verifierKey, '--witness', witnessKey])
  t.equal(cli.code, 1)
  t.match(cli.stdout, /witnessed-time \(entry \d+\): the log says it recorded/)
})

t.test('a witnessed proof that does not hold fails its entry', async (t) => {
  const { node, seq, bundle, policy } = await witnessedStatement(t, SIGNED + HOUR, SIGNED + 2 * HOUR)
  const trust = { verifierKey: node.ledger.verifierKey }
  const carried = bundle.entries.find((e) => e.seq === seq)
  t.ok(carried?.witnessed)
  const proof = parseTlogProof(carried?.witnessed as string)
  const withWitnessed = (witnessed: string): ProofBundle => ({ ...bundle, entries: bundle.entries.map((e) => (e.seq === seq ? { ...e, witnessed } : e)) })
  const cases: [string, string, RegExp][] = [
    ['another index', formatTlogProof({ ...proof, index: seq - 1 }), /is for index/],
    ['cosignature removed', formatTlogProof({ ...proof, checkpoint: `${parseSignedNote(proof.checkpoint).text}\n${proof.checkpoint.split('\n\n')[1].split('\n')[0]}\n` }), /cosigned by 0 of the 1/],
    ['a proof hash changed', formatTlogProof({ ...proof, proof: proof.proof.map((hash, i) => (i === 0 ? hash.map((b) => b ^ 1) : hash)) }), /./],
  ]
  for (const [name, witnessed, detail] of cases) {
    const outcome = await verifyBundle(withWitnessed(witnessed), nodeEd25519, trust, policy)
    t.same(outcome.failures.map((f) => [f.check, f.seq]), [['witnessed-time', seq]], name)
    t.match(outcome.failures[0]?.detail, detail, name)
  }
})
