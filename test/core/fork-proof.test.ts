// Fork proofs (core/fork-proof.ts): two checkpoints of one log that disagree, proven from the larger tree's tiles
// alone; checked on in-memory logs whose histories part at entry 15, for old sizes that are and are not a power
// of two (a consistency proof from a perfect subtree leaves its root out).

import t from 'tap'
import { toBase64 } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { formatVerifierKey } from '../../src/core/signed-note.js'
import { FORK_PROOF_HEADER, buildForkProof, formatForkProof, parseForkProof, verifyForkEvidence, type ForkProof } from '../../src/core/fork-proof.js'
import { ORIGIN, VERIFIER_KEY, buildStaticLog, fetchFrom, madeUpEntry, withFlippedByte, type StaticLog } from '../helpers/static-log.js'

const forkedEntry = (seq: number) => (seq < 15 ? madeUpEntry(seq) : new TextEncoder().encode(JSON.stringify({ seq, forked: true })))
const honest = (size: number) => buildStaticLog(size)
const forked = (size: number) => buildStaticLog(size, Array.from({ length: size }, (_, i) => forkedEntry(i)))
const note = (log: StaticLog) => new TextDecoder().decode(log.resources.get('checkpoint'))
const material = (accepted: StaticLog, offered: StaticLog, tiles: StaticLog) => ({
  ed: nodeEd25519,
  verifierKey: VERIFIER_KEY,
  accepted: note(accepted),
  offered: note(offered),
  tiles: fetchFrom(tiles.resources),
})

t.test('a proof text round-trips; anything but its exact form is refused with the check that failed', async (t) => {
  const proof: ForkProof = { larger: 'offered', size: 20, root: new Uint8Array(32).fill(1), proof: [new Uint8Array(32).fill(2)], tiles: ['tile/0/000', 'tile/1/000.p/2'] }
  const text = formatForkProof(proof)
  t.equal(text, `${FORK_PROOF_HEADER}\nlarger offered\nsize 20\nroot ${toBase64(proof.root)}\n${toBase64(proof.proof[0])}\n\ntile/0/000\ntile/1/000.p/2\n`)
  t.same(parseForkProof(text), proof)
  const cases: [string, string][] = [
    [text.replace(FORK_PROOF_HEADER, 'c2sp.org/tlog-proof@v1'), 'header'],
    [text.slice(0, -1), 'header'],
    [text.replace('larger offered', 'larger mine'), 'larger'],
    [text.replace('size 20', 'size 020'), 'size'],
    [text.replace('size 20', 'size 0'), 'size'],
    [text.replace(`root ${toBase64(proof.root)}`, 'root AAAA'), 'hash'],
    [text.replace(`${toBase64(proof.proof[0])}\n`, 'not base64!\n'), 'hash'],
    [text.replace('\n\ntile', '\ntile'), 'tiles'],
    [text.replace('tile/0/000\n', 'tile/entries/000\n'), 'tiles'],
    [text.replace('tile/0/000\n', '../../etc/passwd\n'), 'tiles'],
  ]
  for (const [bad, check] of cases) t.throws(() => parseForkProof(bad), { code: 'PROOF_INVALID', details: { check } }, JSON.stringify(bad.slice(0, 90)))
})

for (const size of [16, 20]) {
  t.test(`a fork at size ${size} shown a larger tree, and the reverse: proven from the larger tree's tiles`, async (t) => {
    const accepted = honest(size)
    const offered = forked(600)
    const { finding, tiles } = await buildForkProof(material(accepted, offered, offered))
    t.equal(finding.proof.larger, 'offered')
    t.equal(finding.proof.size, size)
    t.ok(tiles.size >= 2 && [...tiles.keys()].every((path) => path.startsWith('tile/') && !path.startsWith('tile/entries/')), [...tiles.keys()].join(', '))
    const kept = new Map([...tiles])
    const checked = await verifyForkEvidence({ ...material(accepted, offered, offered), tiles: fetchFrom(kept), proofText: formatForkProof(finding.proof) })
    t.same(checked.proof.root, forked(size).root, "the offered tree's root at the accepted size")

    // One byte of any kept tile flipped, or the honest tree's tiles in their place: not proven.
    for (const path of tiles.keys()) {
      await t.rejects(verifyForkEvidence({ ...material(accepted, offered, offered), tiles: fetchFrom(withFlippedByte(kept, path, 33)), proofText: formatForkProof(finding.proof) }), { code: 'TILE_INVALID' }, path)
    }
    await t.rejects(verifyForkEvidence({ ...material(accepted, offered, honest(600)), proofText: formatForkProof(finding.proof) }), { code: 'TILE_INVALID' })
    await t.rejects(verifyForkEvidence({ ...material(accepted, offered, offered) }), { code: 'PROOF_INVALID', details: { check: 'missing' } })
    const otherRoot = formatForkProof({ ...finding.proof, root: honest(size).root })
    await t.rejects(verifyForkEvidence({ ...material(accepted, offered, offered), proofText: otherRoot }), { code: 'PROOF_INVALID', details: { check: 'stated' } })
    const otherSide = formatForkProof({ ...finding.proof, larger: 'accepted' })
    await t.rejects(verifyForkEvidence({ ...material(accepted, offered, offered), proofText: otherSide }), { code: 'PROOF_INVALID', details: { check: 'stated' } })

    // The reverse: the mirror holds the larger tree and is offered a smaller one that is not of it.
    const reverse = await buildForkProof(material(honest(600), forked(size), honest(600)))
    t.equal(reverse.finding.proof.larger, 'accepted')
    await verifyForkEvidence({ ...material(honest(600), forked(size), honest(600)), proofText: formatForkProof(reverse.finding.proof) })
  })
}

t.test('no fork: a larger tree that extends the smaller, or one checkpoint twice, proves nothing', async (t) => {
  await t.rejects(buildForkProof(material(honest(20), honest(600), honest(600))), { code: 'PROOF_INVALID', details: { check: 'consistent' } })
  await t.rejects(buildForkProof(material(honest(600), honest(20), honest(600))), { code: 'PROOF_INVALID', details: { check: 'consistent' } })
  await t.rejects(verifyForkEvidence(material(honest(20), honest(20), honest(20))), { code: 'PROOF_INVALID', details: { check: 'consistent' } })
  const sameSize = await verifyForkEvidence(material(honest(20), forked(20), honest(20)))
  t.equal(sameSize.proof.size, 20, 'one size, two roots: proven by the checkpoints alone')
  await verifyForkEvidence({ ...material(honest(20), forked(20), honest(20)), proofText: 'garbled' })
  const otherKey = formatVerifierKey(ORIGIN, signerFromSeed(nodeEd25519, new Uint8Array(32).fill(8)).publicKey)
  await t.rejects(buildForkProof({ ...material(honest(20), forked(600), forked(600)), verifierKey: otherKey }), { code: 'NOTE_SIGNATURE_INVALID' })
})
