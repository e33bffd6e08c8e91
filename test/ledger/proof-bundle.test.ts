// Building proof bundles from a real ledger (ledger/proof-bundle.ts): the actors back to entry 0, one note
// verbatim in every tlog-proof, an older checkpoint when asked; the bundle matches schemas/proof-bundle.json,
// and core/proof-bundle.ts's parser refuses what the schema refuses, and what only order and reference show.

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { parseProofBundle, type ProofBundle } from '../../src/core/proof-bundle.js'
import { parseTlogProof } from '../../src/core/tlog-proof.js'
import { buildProofBundle } from '../../src/ledger/proof-bundle.js'
import { loadSchemas } from '../../src/ledger/schemas.js'
import { verifyBundle } from '../../src/web/verify-bundle.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const validate = loadSchemas().validator('proof-bundle')!

t.test('the actors back to entry 0, each proof against the one note, the schema met', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  const admin = await node.register('admin-2', ['admin'])
  const farm = newSigner()
  await node.ledger.submit(node.statement({ type: 'actor.register', actor: 'admin-2', body: { id: 'farm-1', name: 'farm', roles: ['farm'], publicKey: toBase64(farm.publicKey) } }, [admin]))
  await node.register('shop-1', ['retailer'])
  const product = await node.ledger.submit(node.statement({ type: 'food.product', actor: 'farm-1', body: { gtin: '06901234001037', name: 'Zongzi' } }, [farm]))
  const bundle = await buildProofBundle(node.ledger, { about: { kind: 'entry', seq: product.seq }, seqs: [product.seq], actors: ['shop-1', 'nobody'] })
  t.same(bundle.actors, [
    { id: 'admin-2', seqs: [1] },
    { id: 'farm-1', seqs: [2] },
    { id: 'operator', seqs: [0] },
    { id: 'shop-1', seqs: [3] },
  ], 'the signer, the actor asked for, their admins; an unknown actor is left out')
  t.same(bundle.entries.map((e) => e.seq), [0, 1, 2, 3, 4])
  for (const entry of bundle.entries) {
    const proof = parseTlogProof(entry.proof)
    t.equal(proof.index, entry.seq)
    t.equal(proof.checkpoint, node.ledger.checkpoint, `entry ${entry.seq}: the note verbatim`)
  }
  t.ok(validate(bundle), JSON.stringify(validate.errors))
  t.same(parseProofBundle(JSON.parse(JSON.stringify(bundle))), bundle, 'the parser reads back what was built')
  t.ok((await verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })).ok)
})

t.test('against an older checkpoint: proofs at its size; a seq beyond it is refused', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await node.register('farm-1', ['farm'])
  const old = node.ledger.checkpoint
  await node.register('farm-2', ['farm'])
  const bundle = await buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 1 }, seqs: [1], checkpoint: old })
  t.equal(bundle.checkpoint, old)
  t.ok((await verifyBundle(bundle, nobleEd25519, { verifierKey: node.ledger.verifierKey })).ok, 'verifies against the tree of size 2')
  await t.rejects(buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 2 }, seqs: [2], checkpoint: old }), { code: 'RANGE_INVALID' })
  await t.rejects(buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 9 }, seqs: [9] }), { code: 'RANGE_INVALID' })
  await t.rejects(buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 1 }, seqs: [1], checkpoint: 'not a note' }), { code: 'NOTE_MALFORMED' })
})

t.test('the parser refuses what the schema refuses, and what only order and reference show', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await node.register('farm-1', ['farm'])
  const bundle = await buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 1 }, seqs: [1] })
  const mutate = (change: (b: Record<string, any>) => void): Record<string, unknown> => {
    const copy = JSON.parse(JSON.stringify(bundle)) as Record<string, any>
    change(copy)
    return copy
  }
  const bySchemaToo: [string, Record<string, unknown>][] = [
    ['format', mutate((b) => (b.format = 'tracechain.bundle/v0'))],
    ['extra field', mutate((b) => (b.note = 'hi'))],
    ['missing checkpoint', mutate((b) => delete b.checkpoint)],
    ['kind', mutate((b) => (b.about.kind = 'product'))],
    ['about field', mutate((b) => (b.about.gtin = '06901234001037'))],
    ['negative seq', mutate((b) => (b.entries[0].seq = -1))],
    ['fractional seq', mutate((b) => (b.entries[0].seq = 0.5))],
    ['leaf not a string', mutate((b) => (b.entries[0].leaf = 7))],
    ['entry field', mutate((b) => (b.entries[0].leafHash = 'ab'))],
    ['actor id', mutate((b) => (b.actors[0].id = 'a b'))],
    ['actor without seqs', mutate((b) => (b.actors[0].seqs = []))],
    ['bad gtin', mutate((b) => (b.about = { kind: 'lot', gtin: '12', lot: 'L', digitalLink: 'https://id.gs1.org/01/12/10/L', seqs: [1] }))],
  ]
  for (const [name, value] of bySchemaToo) {
    t.notOk(validate(value), `schema: ${name}`)
    t.throws(() => parseProofBundle(value), { code: 'BUNDLE_INVALID' }, `parser: ${name}`)
  }
  const beyondSchema: [string, Record<string, unknown>][] = [
    ['entries out of order', mutate((b) => b.entries.reverse())],
    ['an entry twice', mutate((b) => b.entries.push(b.entries[0]))],
    ['seqs of an entry bundle', mutate((b) => (b.about.seqs = [0]))],
    ['about a seq not carried', mutate((b) => (b.about = { kind: 'entry', seq: 5, seqs: [5] }))],
    ['an actor seq not carried', mutate((b) => b.actors[0].seqs.push(7))],
    ['an entry nobody names', mutate((b) => (b.actors = b.actors.filter((a: { id: string }) => a.id !== 'operator')))],
    ['an actor twice', mutate((b) => b.actors.push(b.actors[0]))],
  ]
  for (const [name, value] of beyondSchema) t.throws(() => parseProofBundle(value), { code: 'BUNDLE_INVALID' }, name)
  const refused = (() => {
    try {
      parseProofBundle(mutate((b) => (b.entries[1].proof = '')))
    } catch (error) {
      return error as { details?: { path?: string } }
    }
  })()
  t.equal(refused?.details?.path, 'entries[1].proof', 'details.path names the field')
})

t.test('a bundle as a file: JSON round trip keeps every byte that is proved', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  await node.register('farm-1', ['farm'], { name: { zh: '安吉 "农场"\u2028', en: 'Anji' } })
  const bundle: ProofBundle = await buildProofBundle(node.ledger, { about: { kind: 'entry', seq: 1 }, seqs: [1], actors: ['farm-1'] })
  const read = JSON.parse(JSON.stringify(bundle, null, 2)) as unknown
  const outcome = await verifyBundle(read, nobleEd25519, { verifierKey: node.ledger.verifierKey })
  t.ok(outcome.ok, 'leaf bytes travel as base64: indentation and escapes of the file change nothing proved')
  t.match(outcome.account?.actors.find((a) => a.id === 'farm-1')?.name, { zh: '安吉 "农场"\u2028' })
})
