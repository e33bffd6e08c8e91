// Offline proof bundles verified with the log key alone (web/verify-bundle.ts), built by a real node
// (ledger/proof-bundle.ts): what a good one proves, and a failure naming the check for each way one can be
// wrong: its shape, its key, its checkpoint, an entry, a proof, a missing registration, a signer that did not
// hold the key it signed with (a forged log, written by a sequencer that lies about signatures).

import t, { type Test } from 'tap'
import { fromBase64, fromUtf8, toBase64, utf8 } from '../../src/core/bytes.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import type { ProofBundle } from '../../src/core/proof-bundle.js'
import { formatVerifierKey } from '../../src/core/signed-note.js'
import { formatTlogProof, parseTlogProof } from '../../src/core/tlog-proof.js'
import { inlineChecker, type StatementChecker } from '../../src/ledger/checks.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { buildProofBundle } from '../../src/ledger/proof-bundle.js'
import { domainKinds } from '../../src/domains.js'
import { verifyBundle, type BundleVerification } from '../../src/web/verify-bundle.js'
import { makeNode, newSigner, type TestNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { commissioning } from '../helpers/food-events.js'

const GTIN = '06901234001037'

/** A node where farm-1 rotated its key, registered a product with the new one, co-signed by coop-1. */
async function scenario(t: Test) {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const admin = await node.register('admin-2', ['admin'])
  const first = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.register', actor: 'admin-2', body: { id: 'farm-1', name: { zh: '安吉农场', en: 'Anji farm' }, roles: ['farm'], publicKey: toBase64(first.publicKey) } }, [admin]))
  const farm = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(farm.publicKey) } }, [first]))
  const coop = await node.register('coop-1', ['farm'])
  const product = await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-1', body: { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } } }, [farm, coop]))
  return { node, product: product.seq, farm, first }
}

async function entryBundle(ledger: Ledger, seq: number, checkpoint?: string): Promise<ProofBundle> {
  return buildProofBundle(ledger, { about: { kind: 'entry', seq }, seqs: [seq], ...(checkpoint ? { checkpoint } : {}) })
}

const verify = (bundle: unknown, node: TestNode) => verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })
const copy = (bundle: ProofBundle): ProofBundle => JSON.parse(JSON.stringify(bundle)) as ProofBundle
const checks = (outcome: BundleVerification) => outcome.failures.map((f) => `${f.check}${f.seq !== undefined ? `@${f.seq}` : ''}${f.actor ? `:${f.actor}` : ''}`)

function entryOf(bundle: ProofBundle, seq: number) {
  const entry = bundle.entries.find((e) => e.seq === seq)
  if (!entry) throw new Error(`no entry ${seq}`)
  return entry
}

t.test('an entry bundle proves the entry, its signer and the keys back to entry 0, with the log key alone', async (t) => {
  const { node, product } = await scenario(t)
  const bundle = await entryBundle(node.ledger, product)
  t.same(bundle.actors.map((a) => a.id), ['admin-2', 'coop-1', 'farm-1', 'operator'], 'the signer, the co-signer, the admin who registered it, the operator')
  t.same(bundle.actors.find((a) => a.id === 'farm-1')?.seqs, [2, 3], "farm-1's registration and rotation")
  const outcome = await verify(bundle, node)
  t.same(outcome.failures, [])
  t.ok(outcome.ok)
  const account = outcome.account!
  t.same(account.about, { kind: 'entry', seq: product })
  t.equal(account.log.keyId, logKeyIdOf(node.ledger.verifierKey))
  t.equal(account.checkpoint.size, node.ledger.size)
  t.match(account.entries, [{ seq: product, ok: true, type: 'food.product', actor: 'farm-1', summary: `${GTIN} · 粽子 / Zongzi` }])
  t.match(account.entries[0].recordedAt, /^\d{4}-\d\d-\d\dT/)
  t.match(account.actors.find((a) => a.id === 'farm-1'), { name: { zh: '安吉农场', en: 'Anji farm' }, roles: ['farm'], registeredAt: 2 })
  t.equal(account.registryEntries, bundle.entries.length - 1)
  const byKeyId = await verifyBundle(bundle, nobleEd25519, { keyId: logKeyIdOf(node.ledger.verifierKey) })
  t.ok(byKeyId.ok, "the key id printed on a label is trust enough: it names the bundle's key")
  t.ok((await verifyBundle(JSON.parse(JSON.stringify(bundle)), nodeEd25519, { verifierKey: node.ledger.verifierKey })).ok, 'OpenSSL agrees with @noble')
})

t.test('a checkpoint with witness cosignature lines after the log signature verifies with the log key alone', async (t) => {
  const { node, product } = await scenario(t)
  const witness = newSigner()
  // A cosignature/v1 line: key id (4) || timestamp (8) || signature (64), by a key this verifier does not know.
  const line = `— witness.example/w1 ${toBase64(new Uint8Array([...witness.publicKey.slice(0, 4), ...new Uint8Array(8), ...new Uint8Array(64).fill(7)]))}\n`
  const cosigned = node.ledger.checkpoint + line
  const bundle = await entryBundle(node.ledger, product, cosigned)
  t.equal(bundle.checkpoint, cosigned, 'kept verbatim')
  t.equal(parseTlogProof(bundle.entries[0].proof).checkpoint, cosigned, 'each tlog-proof carries it verbatim')
  t.same((await verify(bundle, node)).failures, [])
})

t.test('the wrong key, or a checkpoint it did not sign, fails before anything else is believed', async (t) => {
  const { node, product } = await scenario(t)
  const bundle = await entryBundle(node.ledger, product)
  const other = formatVerifierKey(node.config.origin, newSigner().publicKey)
  const wrongKey = await verifyBundle(bundle, nobleEd25519, { verifierKey: other })
  t.same(checks(wrongKey), ['bundle-key'])
  t.equal(wrongKey.account, undefined, 'nothing is reported as proved')
  t.same(checks(await verifyBundle(bundle, nobleEd25519, { keyId: 'deadbeef' })), ['bundle-key'], 'a key id that is not its key')
  t.same(checks(await verifyBundle(bundle, nobleEd25519, { keyId: 'not hex' })), ['bundle-key'])

  const swapped = copy(bundle)
  swapped.verifierKey = other
  t.same(checks(await verifyBundle(swapped, nobleEd25519, { verifierKey: other })), ['checkpoint-signature'], 'a bundle naming another key whose checkpoint that key did not sign')
  const grown = copy(bundle)
  grown.checkpoint = grown.checkpoint.replace(`\n${node.ledger.size}\n`, `\n${node.ledger.size + 1}\n`)
  t.same(checks(await verify(grown, node)), ['checkpoint-signature'], 'a checkpoint whose text was changed')
  const unsigned = copy(bundle)
  unsigned.checkpoint = unsigned.checkpoint.split('\n\n')[0] + '\n\n'
  t.same(checks(await verify(unsigned, node)), ['checkpoint-signature'])
})

t.test('a tampered entry, a wrong proof, a proof against another checkpoint: that entry fails its inclusion', async (t) => {
  const { node, product } = await scenario(t)
  const bundle = await entryBundle(node.ledger, product)
  const older = await entryBundle(node.ledger, product, undefined)

  const tampered = copy(bundle)
  const entry = JSON.parse(fromUtf8(fromBase64(entryOf(tampered, product).leaf))) as { recordedAt: string }
  entry.recordedAt = '2020-01-01T00:00:00.000Z'
  entryOf(tampered, product).leaf = toBase64(canonicalBytes(entry))
  const outcome = await verify(tampered, node)
  t.same(checks(outcome), [`inclusion@${product}`], 'a back-dated entry is not the one in the tree')
  t.match(outcome.account?.entries, [{ seq: product, ok: false }], 'the account says it did not hold')

  const pretty = copy(bundle)
  pretty.entries[pretty.entries.length - 1].leaf = toBase64(utf8(JSON.stringify(JSON.parse(fromUtf8(fromBase64(entryOf(bundle, product).leaf))), null, 1)))
  t.same(checks(await verify(pretty, node)), [`leaf-hash@${product}`], 'bytes that are not the JCS form of the entry they hold')

  const flipped = copy(bundle)
  const proof = parseTlogProof(entryOf(flipped, product).proof)
  proof.proof[0][0] ^= 1
  entryOf(flipped, product).proof = formatTlogProof(proof)
  t.same(checks(await verify(flipped, node)), [`inclusion@${product}`], 'a proof hash flipped')

  const shifted = copy(bundle)
  entryOf(shifted, product).proof = entryOf(bundle, 3).proof
  t.same(checks(await verify(shifted, node)), [`inclusion@${product}`], "another entry's proof")

  const otherNote = copy(bundle)
  const moved = parseTlogProof(entryOf(otherNote, product).proof)
  entryOf(otherNote, product).proof = formatTlogProof({ ...moved, checkpoint: moved.checkpoint + `— witness.example/w1 ${toBase64(new Uint8Array(76))}\n` })
  t.same(checks(await verify(otherNote, node)), [`inclusion@${product}`], 'a proof against another note than the bundle\'s')

  const registration = copy(older)
  const rotation = parseTlogProof(entryOf(registration, 3).proof)
  rotation.proof.pop()
  entryOf(registration, 3).proof = formatTlogProof(rotation)
  const broken = await verify(registration, node)
  t.ok(checks(broken).includes('inclusion@3'), `a registry entry's proof cut short is named: ${checks(broken)}`)
  t.notOk(broken.ok)
})

t.test("a missing registration, or a signer's history cut short: the signer's keys are not established", async (t) => {
  const { node, product } = await scenario(t)
  const bundle = await entryBundle(node.ledger, product)

  const withoutFarm = copy(bundle)
  withoutFarm.actors = withoutFarm.actors.filter((a) => a.id !== 'farm-1')
  withoutFarm.entries = withoutFarm.entries.filter((e) => e.seq !== 2 && e.seq !== 3)
  t.same(checks(await verify(withoutFarm, node)), [`key-registration@${product}:farm-1`], "no registration of the signer: its key is nobody's")

  const withoutAdmin = copy(bundle)
  withoutAdmin.actors = withoutAdmin.actors.filter((a) => a.id !== 'admin-2')
  withoutAdmin.entries = withoutAdmin.entries.filter((e) => e.seq !== 1)
  const orphan = await verify(withoutAdmin, node)
  t.ok(checks(orphan).includes('key-registration:farm-1'), `the admin who registered the signer must be established too: ${checks(orphan)}`)
  t.match(orphan.failures.find((f) => f.actor === 'farm-1')?.detail, /no registration of admin-2/, 'naming the admin whose registration is missing')

  const noRotation = copy(bundle)
  noRotation.actors = noRotation.actors.map((a) => (a.id === 'farm-1' ? { ...a, seqs: [2] } : a))
  noRotation.entries = noRotation.entries.filter((e) => e.seq !== 3)
  t.same(checks(await verify(noRotation, node)), [`actor-key@${product}:farm-1`], 'without the rotation, the key it signed with is not one it is shown to hold')

  const wrongHistory = copy(bundle)
  wrongHistory.actors = wrongHistory.actors.map((a) => (a.id === 'farm-1' ? { ...a, seqs: [1, 2, 3] } : a))
  t.ok(checks(await verify(wrongHistory, node)).some((c) => c.startsWith('key-registration')), "another actor's entry listed as farm-1's")
})

t.test('a signer that did not hold the key at that seq: a forged log fails actor-key', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const first = await node.register('farm-1', ['farm'])
  const current = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: 'farm-1', body: { publicKey: toBase64(current.publicKey) } }, [first]))
  await node.ledger.close()
  // A sequencer whose checker reports the current key verified, whatever key signed: what a node could write.
  const inline = inlineChecker(nodeEd25519, domainKinds())
  const lying: StatementChecker = {
    check: async (job) => (await inline.check(job)).map((o) => ('refused' in o ? o : { ...o, verifiedKeys: o.verifiedKeys.map(() => toBase64(current.publicKey)) })),
    checkReplica: (job) => inline.checkReplica(job),
    checkAudit: (job) => inline.checkAudit(job),
  }
  const forged = await Ledger.open({ store: node.store, nodeSigner: node.nodeSigner, origin: node.config.origin, ed: nodeEd25519, checker: lying, kinds: domainKinds() })
  t.teardown(() => forged.close())
  const stale = await forged.submit(node.statement({ type: 'food.product', actor: 'farm-1', body: { gtin: GTIN, name: 'Zongzi' } }, [first]))
  t.equal(stale.seq, 3, 'the forged log took it')
  const outcome = await verifyBundle(await entryBundle(forged, stale.seq), nobleEd25519, { verifierKey: forged.verifierKey })
  t.same(checks(outcome), [`actor-key@${stale.seq}:farm-1`], 'signed with a key farm-1 had rotated out')
  t.match(outcome.account?.entries, [{ seq: stale.seq, ok: false }])
})

t.test('a file that is not a bundle fails its shape, naming the field', async (t) => {
  const { node, product } = await scenario(t)
  const bundle = await entryBundle(node.ledger, product)
  const cases: [string, unknown][] = [
    ['not an object', 'hello'],
    ['another format', { ...copy(bundle), format: 'tracechain.bundle/v2' }],
    ['an unknown field', { ...copy(bundle), witnesses: [] }],
    ['no entries', { ...copy(bundle), entries: [] }],
    ['about a seq it does not carry', { ...copy(bundle), about: { kind: 'entry', seq: 0, seqs: [0] } }],
    ['entries out of order', { ...copy(bundle), entries: [...bundle.entries].reverse() }],
    ['an entry nobody names', { ...copy(bundle), actors: bundle.actors.filter((a) => a.id !== 'coop-1') }],
  ]
  for (const [name, value] of cases) {
    const outcome = await verify(value, node)
    t.same(checks(outcome), ['bundle'], name)
    t.match(outcome.failures[0].detail, /^BUNDLE_INVALID: proof bundle: /, name)
  }
})

t.test('a lot bundle whose Digital Link is not its GTIN and lot, or whose entries never name its lot, fails "about"', async (t) => {
  const { node, product, farm } = await scenario(t)
  const event = await node.ledger.submit(
    node.statement({
      type: 'food.event',
      actor: 'farm-1',
      body: commissioning({ quantityList: [{ epcClass: `urn:epc:class:lgtin:6901234.000103.Z1`, quantity: 10, uom: 'KGM' }] }),
    }, [farm]),
  )
  const about = { kind: 'lot' as const, gtin: GTIN, lot: 'Z1', digitalLink: `https://id.gs1.org/01/${GTIN}/10/Z1` }
  const good = await buildProofBundle(node.ledger, { about, seqs: [product, event.seq] })
  t.same((await verify(good, node)).failures, [], 'its event names the lot by its EPC URN')
  const relabelled = await buildProofBundle(node.ledger, { about: { ...about, digitalLink: `https://id.gs1.org/01/${GTIN}/10/Z2` }, seqs: [product, event.seq] })
  t.same(checks(await verify(relabelled, node)), ['about'])
  const otherLot = await buildProofBundle(node.ledger, { about: { ...about, lot: 'Z2', digitalLink: `https://id.gs1.org/01/${GTIN}/10/Z2` }, seqs: [product, event.seq] })
  t.same(checks(await verify(otherLot, node)), ['about'], 'the entries of lot Z1 under the name of lot Z2')
  const productOnly = await buildProofBundle(node.ledger, { about, seqs: [product] })
  t.same(checks(await verify(productOnly, node)), ['about'], 'a product names no lot')
})
