// C2SP tlog-cosignature, Ed25519 cosignature/v1: our own fixed vectors (test/fixtures/cosignature, made
// from the spec with Python and OpenSSL, not with this code), the spec example's framing, and refusals.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from '../../src/core/bytes.js'
import { verifyCheckpoint } from '../../src/core/checkpoint.js'
import {
  buildCosignedMessage,
  cosignatureKeyHash,
  formatWitnessVerifierKey,
  parseWitnessVerifierKey,
  signCosignatureLine,
  verifyCosignatures,
  withSignatureLines,
  witnessKeyOf,
  type Cosigner,
} from '../../src/core/cosignature.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { Ed25519 } from '../../src/core/ed25519.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { formatVerifierKey, parseSignedNote, signNote } from '../../src/core/signed-note.js'

const FIXTURE = new URL('../fixtures/cosignature/', import.meta.url)
const backends: Ed25519[] = [nobleEd25519, nodeEd25519]

interface Vector {
  label: string
  witnessSeed: string
  witnessName: string
  witnessPublicKey: string
  witnessKeyId: string
  witnessVerifierKey: string
  checkpointText: string
  timestamp: number
  signedMessageHex: string
  cosignatureLine: string
  logSeed: string
  logVerifierKey: string
  cosignedNote: string
}

const fixtureText = readFileSync(new URL('vectors.json', FIXTURE), 'utf8')
const { vectors } = JSON.parse(fixtureText) as { vectors: Vector[] }

function cosignerOf(seed: Uint8Array, name: string, ed: Ed25519 = nodeEd25519): Cosigner {
  const signer = signerFromSeed(ed, seed)
  return { name, publicKey: signer.publicKey, sign: signer.sign }
}

t.test('our fixed vectors: key id, vkey, message, line, verification', async (t) => {
  t.equal(vectors.length, 3)
  for (const v of vectors) {
    const cosigner = cosignerOf(fromHex(v.witnessSeed), v.witnessName)
    t.equal(toBase64(cosigner.publicKey), v.witnessPublicKey, `${v.label}: public key`)
    t.equal(toHex(cosignatureKeyHash(v.witnessName, cosigner.publicKey)), v.witnessKeyId, `${v.label}: key id`)
    t.equal(formatWitnessVerifierKey(v.witnessName, cosigner.publicKey), v.witnessVerifierKey, `${v.label}: vkey`)
    const parsed = parseWitnessVerifierKey(v.witnessVerifierKey)
    t.equal(toBase64(parsed.publicKey), v.witnessPublicKey)
    t.equal(toHex(buildCosignedMessage(v.checkpointText, v.timestamp)), v.signedMessageHex, `${v.label}: signed message`)
    for (const ed of backends) {
      t.equal(signCosignatureLine(cosignerOf(fromHex(v.witnessSeed), v.witnessName, ed), v.checkpointText, v.timestamp), v.cosignatureLine, `${v.label}: line (${ed.name})`)
      const { text, cosignatures } = verifyCosignatures(ed, v.cosignedNote, [parsed])
      t.equal(text, v.checkpointText)
      t.same(cosignatures, [{ name: v.witnessName, keyHash: v.witnessKeyId, timestamp: v.timestamp }], `${v.label}: verifies (${ed.name})`)
      // The log's key alone still accepts the cosigned note: the cosignature is an unknown key's line to it.
      t.equal(verifyCheckpoint(ed, v.cosignedNote, v.logVerifierKey).size, Number(v.checkpointText.split('\n')[1]))
    }
    t.equal(formatVerifierKey(v.logVerifierKey.split('+')[0], signerFromSeed(nodeEd25519, fromHex(v.logSeed)).publicKey), v.logVerifierKey)
  }
})

t.test('the vectors are what the Python generator makes (where Python and cryptography are installed)', async (t) => {
  const script = new URL('make-vectors.py', FIXTURE).pathname
  const run = spawnSync('python3', [script], { encoding: 'utf8' })
  if (run.error || run.status !== 0) {
    t.plan(0, `skipped: python3 with the cryptography package is needed to regenerate (${(run.error?.message ?? run.stderr).trim().split('\n').pop()})`)
    return
  }
  t.equal(run.stdout, fixtureText)
})

t.test("the spec's example cosignature: framing only (its key is not published)", async (t) => {
  const example = readFileSync(new URL('../fixtures/c2sp/tlog-cosignature.md', import.meta.url), 'utf8')
  const note = /```\n(example\.com\/behind-the-sofa\n[\s\S]*?)```/.exec(example)?.[1] as string
  const { signatures } = parseSignedNote(note)
  const line = signatures.find((s) => s.name === 'witness.example.com/w1')
  t.ok(line)
  t.equal(toHex(line!.keyHash), '8d66cf3f')
  t.equal(line!.signature.length, 72)
  t.equal(new DataView(line!.signature.buffer, line!.signature.byteOffset).getBigUint64(0), 1679315147n)
  // A verifier that trusts another key under that name skips the line: its key id differs.
  const other = witnessKeyOf('witness.example.com/w1', cosignerOf(new Uint8Array(32).fill(9), 'x').publicKey)
  t.same(verifyCosignatures(nodeEd25519, note, [other]).cosignatures, [])
})

const v1 = vectors[0]
const witness = parseWitnessVerifierKey(v1.witnessVerifierKey)
const cosigner = cosignerOf(fromHex(v1.witnessSeed), v1.witnessName)
const [logLine] = v1.cosignedNote.slice(v1.checkpointText.length + 1).split('\n')

/** The cosignature line with its 76 bytes changed by `edit`. */
function editedLine(line: string, edit: (bytes: Uint8Array) => Uint8Array): string {
  const [dash, name, encoded] = line.trimEnd().split(' ')
  return `${dash} ${name} ${toBase64(edit(fromBase64(encoded)))}\n`
}

function noteWith(text: string, ...lines: string[]): string {
  return `${text}\n${logLine}\n${lines.join('')}`
}

t.test('wrong key type: a log key is no witness key, and a plain note signature is no cosignature', async (t) => {
  t.throws(() => parseWitnessVerifierKey(v1.logVerifierKey), { code: 'VERIFIER_KEY_INVALID' })
  const relabelled = `${v1.witnessName}+${v1.witnessKeyId}+${toBase64(concatBytes(Uint8Array.of(0x01), witness.publicKey))}`
  t.throws(() => parseWitnessVerifierKey(relabelled), { code: 'VERIFIER_KEY_INVALID' }, '0x01 material under a 0x04 id')
  t.throws(() => parseWitnessVerifierKey(v1.witnessVerifierKey.replace(v1.witnessKeyId, '00000000')), { code: 'VERIFIER_KEY_INVALID' })
  t.throws(() => parseWitnessVerifierKey(`${v1.witnessVerifierKey}AAAA`), { code: 'VERIFIER_KEY_INVALID' })
  t.throws(() => parseWitnessVerifierKey('no-plus'), { code: 'VERIFIER_KEY_INVALID' })
  t.throws(() => witnessKeyOf('has space', witness.publicKey), { code: 'VERIFIER_KEY_INVALID' })
  // The witness key signing the checkpoint as an ordinary 0x01 note signature: another key id, so skipped.
  const plain = signNote(v1.checkpointText, [{ name: v1.witnessName, publicKey: cosigner.publicKey, sign: cosigner.sign }])
  t.same(verifyCosignatures(nodeEd25519, plain, [witness]).cosignatures, [])
})

t.test('a line by a key the verifier does not know is skipped', async (t) => {
  const stranger = cosignerOf(new Uint8Array(32).fill(5), 'witness.example.com/other')
  const sameNameOtherKey = cosignerOf(new Uint8Array(32).fill(6), v1.witnessName)
  const note = noteWith(
    v1.checkpointText,
    signCosignatureLine(stranger, v1.checkpointText, 10),
    signCosignatureLine(sameNameOtherKey, v1.checkpointText, 11),
    v1.cosignatureLine,
  )
  t.same(verifyCosignatures(nodeEd25519, note, [witness]).cosignatures.map((c) => c.name), [v1.witnessName])
  t.same(verifyCosignatures(nodeEd25519, note, []).cosignatures, [], 'no witnesses known: nothing verified, no error')
  // An unknown key's line may even be garbage of any length.
  const garbage = `\u2014 witness.example.com/other ${toBase64(new Uint8Array(5))}\n`
  t.same(verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, garbage), [witness]).cosignatures, [])
})

t.test('wrong origin: a cosignature moved onto another log with the same size and root does not verify', async (t) => {
  const otherText = v1.checkpointText.replace('example.com/behind-the-sofa', 'example.com/under-the-rug')
  for (const ed of backends) {
    t.throws(() => verifyCosignatures(ed, noteWith(otherText, v1.cosignatureLine), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'signature' } })
  }
  const otherSize = v1.checkpointText.replace('20852163', '20852164')
  t.throws(() => verifyCosignatures(nodeEd25519, noteWith(otherSize, v1.cosignatureLine), [witness]), { code: 'COSIGNATURE_INVALID' })
})

t.test('bad timestamps', async (t) => {
  const later = editedLine(v1.cosignatureLine, (bytes) => {
    const copy = bytes.slice()
    copy[11] ^= 1 // the timestamp's last byte: the signature was over another time line
    return copy
  })
  t.throws(() => verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, later), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'signature' } })

  // Validly signed over "time 2^63": over the spec's bound, refused before any signature check.
  const overBound = (time: bigint) => {
    const message = utf8(`cosignature/v1\ntime ${time}\n${v1.checkpointText}`)
    const stamp = new Uint8Array(8)
    new DataView(stamp.buffer).setBigUint64(0, time)
    return `\u2014 ${v1.witnessName} ${toBase64(concatBytes(witness.keyHash, stamp, cosigner.sign(message)))}\n`
  }
  t.throws(() => verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, overBound(2n ** 63n)), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'timestamp' } })
  t.throws(() => verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, overBound(2n ** 64n - 1n)), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'timestamp' } })
  // Within the spec's bound but past what a JS number holds exactly: in the future, which verifiers may refuse.
  t.throws(() => verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, overBound(2n ** 53n)), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'timestamp' } })
  // A verifier's own clock bound.
  t.throws(() => verifyCosignatures(nodeEd25519, v1.cosignedNote, [witness], { notAfter: v1.timestamp - 1 }), { code: 'COSIGNATURE_INVALID', details: { check: 'timestamp' } })
  t.equal(verifyCosignatures(nodeEd25519, v1.cosignedNote, [witness], { notAfter: v1.timestamp }).cosignatures.length, 1)

  for (const time of [-1, 1.5, 2 ** 53, Number.NaN]) {
    t.throws(() => signCosignatureLine(cosigner, v1.checkpointText, time), RangeError, `timestamp ${time}`)
  }
  t.throws(() => buildCosignedMessage('no newline', 1), RangeError)
  t.equal(signCosignatureLine(cosigner, v1.checkpointText, 0).length > 0, true, 'zero is a valid cosignature/v1 time (tlog-witness forbids it in answers)')
})

t.test('truncated, padded and repeated signatures', async (t) => {
  const truncated = editedLine(v1.cosignatureLine, (bytes) => bytes.subarray(0, 75))
  const padded = editedLine(v1.cosignatureLine, (bytes) => concatBytes(bytes, Uint8Array.of(0)))
  const idOnly = editedLine(v1.cosignatureLine, (bytes) => bytes.subarray(0, 12))
  for (const line of [truncated, padded, idOnly]) {
    t.throws(() => verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, line), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'length' } })
  }
  const again = signCosignatureLine(cosigner, v1.checkpointText, v1.timestamp + 1)
  t.throws(() => verifyCosignatures(nodeEd25519, noteWith(v1.checkpointText, v1.cosignatureLine, again), [witness]), { code: 'COSIGNATURE_INVALID', details: { check: 'repeated' } })
  t.throws(() => verifyCosignatures(nodeEd25519, 'not a note', [witness]), { code: 'NOTE_MALFORMED' })
})

t.test('withSignatureLines appends after the log signature and replaces a witness\'s older line', async (t) => {
  const logOnly = `${v1.checkpointText}\n${logLine}\n`
  const first = withSignatureLines(logOnly, [v1.cosignatureLine])
  t.equal(first, v1.cosignedNote)
  const newer = signCosignatureLine(cosigner, v1.checkpointText, v1.timestamp + 60)
  const second = withSignatureLines(first, [newer.trimEnd()])
  t.equal(second, `${logOnly}${newer}`, 'one line per witness, the newer one')
  t.same(verifyCosignatures(nodeEd25519, second, [witness]).cosignatures[0].timestamp, v1.timestamp + 60)
  const other = cosignerOf(new Uint8Array(32).fill(7), 'witness.example/w3')
  const otherLine = signCosignatureLine(other, v1.checkpointText, 5)
  const both = withSignatureLines(first, [otherLine, newer])
  t.same(
    verifyCosignatures(nodeEd25519, both, [witness, witnessKeyOf(other.name, other.publicKey)]).cosignatures.map((c) => c.name),
    ['witness.example/w3', v1.witnessName],
  )
  t.equal(verifyCheckpoint(nodeEd25519, both, v1.logVerifierKey).origin, 'example.com/behind-the-sofa')
  t.equal(withSignatureLines(first, []), first)
  t.throws(() => withSignatureLines(first, ['not a signature line']), { code: 'NOTE_MALFORMED' })
  t.throws(() => withSignatureLines(first, [`${newer}${otherLine}`]), { code: 'NOTE_MALFORMED' })
  t.throws(() => withSignatureLines('no blank line\n', [newer]), { code: 'NOTE_MALFORMED' })
})
