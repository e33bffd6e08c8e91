// C2SP tlog-checkpoint: the spec's example, strict parsing, signing and verifying with the log key.
import t from 'tap'
import { fromBase64, fromHex, toBase64 } from '../../src/core/bytes.js'
import { formatCheckpoint, parseCheckpoint, signCheckpoint, verifyCheckpoint, type Checkpoint } from '../../src/core/checkpoint.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { formatVerifierKey, parseSignedNote, signNote, type NoteSigner } from '../../src/core/signed-note.js'

const backends = [nobleEd25519, nodeEd25519]

// c2sp.org/tlog-checkpoint, the opening example.
const SPEC_CHECKPOINT = `example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
`
// RFC 9162 section 2.1.1: the hash of an empty tree is SHA-256 of the empty string.
const EMPTY_ROOT = fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')

const ORIGIN = 'tracechain.local/test-node'
function logSigner(name = ORIGIN, seedByte = 3): NoteSigner {
  const key = signerFromSeed(nodeEd25519, new Uint8Array(32).fill(seedByte))
  return { name, publicKey: key.publicKey, sign: key.sign }
}

t.test('the tlog-checkpoint spec example parses', async (t) => {
  const { text, signatures } = parseSignedNote(SPEC_CHECKPOINT)
  const checkpoint = parseCheckpoint(text)
  t.equal(checkpoint.origin, 'example.com/behind-the-sofa')
  t.equal(checkpoint.size, 20852163)
  t.equal(toBase64(checkpoint.rootHash), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=')
  t.same(checkpoint.extensions, [])
  t.equal(formatCheckpoint(checkpoint), text)
  t.equal(signatures[0].name, checkpoint.origin)
})

t.test('format and parse round trip, extensions included', async (t) => {
  const checkpoints: Checkpoint[] = [
    { origin: ORIGIN, size: 0, rootHash: EMPTY_ROOT, extensions: [] },
    { origin: ORIGIN, size: Number.MAX_SAFE_INTEGER, rootHash: new Uint8Array(32).fill(0xff), extensions: ['ext one', '— two'] },
    { origin: 'origin with spaces is allowed by the checkpoint spec', size: 1, rootHash: EMPTY_ROOT, extensions: [] },
  ]
  for (const c of checkpoints) t.same(parseCheckpoint(formatCheckpoint(c)), c)
  t.equal(formatCheckpoint(checkpoints[0]), `${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n`)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], size: -1 }), RangeError)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], size: 1.5 }), RangeError)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], size: 2 ** 53 }), RangeError)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], rootHash: new Uint8Array(31) }), RangeError)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], origin: '' }), RangeError)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], origin: 'a\nb' }), RangeError)
  t.throws(() => formatCheckpoint({ ...checkpoints[0], extensions: [''] }), RangeError)
})

t.test('parseCheckpoint is strict (NOTE_MALFORMED)', async (t) => {
  const root = toBase64(EMPTY_ROOT)
  const bad = [
    '',
    `${ORIGIN}\n0\n${root}`, // no final newline
    `${ORIGIN}\n0\n`,
    `\n0\n${root}\n`,
    `${ORIGIN}\n00\n${root}\n`,
    `${ORIGIN}\n01\n${root}\n`,
    `${ORIGIN}\n-1\n${root}\n`,
    `${ORIGIN}\n+1\n${root}\n`,
    `${ORIGIN}\n 1\n${root}\n`,
    `${ORIGIN}\n1.0\n${root}\n`,
    `${ORIGIN}\n1e3\n${root}\n`,
    `${ORIGIN}\n0x10\n${root}\n`,
    `${ORIGIN}\n9007199254740992\n${root}\n`,
    `${ORIGIN}\n18446744073709551615\n${root}\n`,
    `${ORIGIN}\n\n${root}\n`,
    `${ORIGIN}\n0\n${toBase64(new Uint8Array(31))}\n`,
    `${ORIGIN}\n0\n${toBase64(new Uint8Array(33))}\n`,
    `${ORIGIN}\n0\n${root.replace('=', '')}\n`,
    `${ORIGIN}\n0\n${root}\n\n`, // an empty extension line
    `${ORIGIN}\n0\n${root}\next\n\n`,
  ]
  for (const text of bad) t.throws(() => parseCheckpoint(text), { code: 'NOTE_MALFORMED' }, JSON.stringify(text))
  t.equal(parseCheckpoint(`${ORIGIN}\n9007199254740991\n${root}\n`).size, Number.MAX_SAFE_INTEGER)
})

t.test('sign and verify with the log key; tampering and wrong keys fail', async (t) => {
  const signer = logSigner()
  const vkey = formatVerifierKey(ORIGIN, signer.publicKey)
  const checkpoint: Checkpoint = { origin: ORIGIN, size: 42, rootHash: fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='), extensions: [] }
  const note = signCheckpoint(checkpoint, signer)
  t.equal(note.split('\n\n')[0] + '\n', formatCheckpoint(checkpoint))
  const other = logSigner(ORIGIN, 4)
  const witness = logSigner('witness.example/w1', 5)
  const cosigned = signNote(formatCheckpoint(checkpoint), [signer, witness])
  for (const ed of backends) {
    t.same(verifyCheckpoint(ed, note, vkey), checkpoint)
    t.same(verifyCheckpoint(ed, cosigned, vkey), checkpoint, 'a witness cosignature by an unknown key is ignored')
    t.throws(() => verifyCheckpoint(ed, note.replace('\n42\n', '\n43\n'), vkey), { code: 'NOTE_SIGNATURE_INVALID' })
    t.throws(() => verifyCheckpoint(ed, note, formatVerifierKey(ORIGIN, other.publicKey)), { code: 'NOTE_SIGNATURE_INVALID' })
    t.throws(() => verifyCheckpoint(ed, note, formatVerifierKey('tracechain.local/other', signer.publicKey)), { code: 'NOTE_SIGNATURE_INVALID' })
    t.throws(() => verifyCheckpoint(ed, note, vkey.slice(0, -2)), { code: 'VERIFIER_KEY_INVALID' })
    t.throws(() => verifyCheckpoint(ed, note.slice(0, -1), vkey), { code: 'NOTE_MALFORMED' })
    // Validly signed, but its origin line is not the key's name.
    const misnamed = signNote(formatCheckpoint({ ...checkpoint, origin: 'tracechain.local/elsewhere' }), [signer])
    t.throws(() => verifyCheckpoint(ed, misnamed, vkey), { code: 'NOTE_SIGNATURE_INVALID' })
    // Validly signed, but not a checkpoint.
    t.throws(() => verifyCheckpoint(ed, signNote('just a note\n', [signer]), vkey), { code: 'NOTE_MALFORMED' })
  }
  t.throws(() => signCheckpoint({ ...checkpoint, origin: 'tracechain.local/elsewhere' }, signer), RangeError)
})
