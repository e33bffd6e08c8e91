// C2SP signed notes: the spec's example key and note, golang.org/x/mod/sumdb/note's own vectors and
// Open semantics, and malformed or tampered notes.
import t from 'tap'
import { fromBase64, toHex } from '../../src/core/bytes.js'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import {
  formatVerifierKey,
  MAX_NOTE_SIGNATURES,
  noteKeyHash,
  parseSignedNote,
  parseVerifierKey,
  signNote,
  verifyNote,
  type NoteSigner,
} from '../../src/core/signed-note.js'

const backends = [nobleEd25519, nodeEd25519]

// c2sp.org/signed-note, "Verifier keys", Example: this key verifies this note.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n'
// c2sp.org/signed-note, the opening example: a text with empty lines, signed by a key we do not know.
const SPEC_POEM =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n'

// golang.org/x/mod/sumdb/note note_test.go: keys, text and signatures.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
const PETER_SKEY_MATERIAL = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz' // from PRIVATE+KEY+PeterNeumann+c74f20a3+...
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop'
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n'
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n'

const peter = parseVerifierKey(PETER_VKEY)
const enoch = parseVerifierKey(ENOCH_VKEY)

t.test('the signed-note spec example: key hash, verifier key, signature', async (t) => {
  const key = parseVerifierKey(SPEC_VKEY)
  t.equal(key.name, 'example.com/foo')
  t.equal(toHex(key.keyHash), '530d903a')
  t.equal(toHex(noteKeyHash(key.name, key.publicKey)), '530d903a')
  t.equal(formatVerifierKey(key.name, key.publicKey), SPEC_VKEY)
  for (const ed of backends) {
    t.same(verifyNote(ed, SPEC_NOTE, [key]), { text: 'This is an example message.\n', verifiedBy: ['example.com/foo'] })
    t.throws(() => verifyNote(ed, SPEC_NOTE.replace('example message', 'example massage'), [key]), { code: 'NOTE_SIGNATURE_INVALID' })
  }
  const poem = parseSignedNote(SPEC_POEM)
  t.equal(poem.text, 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n', 'split at the last blank line')
  t.equal(poem.signatures[0].name, 'quasimodo.example/salvatore')
  t.equal(poem.signatures[0].signature.length, 64)
  t.throws(() => verifyNote(nodeEd25519, SPEC_POEM, [key]), { code: 'NOTE_SIGNATURE_INVALID' }, 'only unknown keys signed it')
})

t.test('signNote reproduces Go sumdb/note byte for byte (Ed25519 is deterministic)', async (t) => {
  const seed = fromBase64(PETER_SKEY_MATERIAL).subarray(1)
  for (const ed of backends) {
    const signer: NoteSigner = { name: 'PeterNeumann', publicKey: ed.publicKeyFromSeed(seed), sign: (m) => ed.sign(seed, m) }
    t.same(signer.publicKey, peter.publicKey)
    t.equal(signNote(TEXT, [signer]), `${TEXT}\n${PETER_SIG}`)
  }
})

t.test("Go's Open semantics: unknown keys ignored, known keys verified, repeats once", async (t) => {
  const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`
  for (const ed of backends) {
    t.same(verifyNote(ed, note, [peter]), { text: TEXT, verifiedBy: ['PeterNeumann'] })
    t.same(verifyNote(ed, note, [peter, enoch]).verifiedBy, ['PeterNeumann', 'EnochRoot'])
    t.throws(() => verifyNote(ed, note, []), { code: 'NOTE_SIGNATURE_INVALID' })
    t.same(verifyNote(ed, `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`, [peter]).verifiedBy, ['PeterNeumann'])
    t.same(verifyNote(ed, `${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verifiedBy, ['PeterNeumann'])
    // Same name with another key hash, or another name with the same hash: unknown, so ignored.
    t.throws(() => verifyNote(ed, `${TEXT}\n${PETER_SIG}`, [{ name: 'PeterNeumann', publicKey: enoch.publicKey }]), {
      code: 'NOTE_SIGNATURE_INVALID',
    })
    t.throws(() => verifyNote(ed, `${TEXT}\n${PETER_SIG}`, [{ name: 'PeterNeuman', publicKey: peter.publicKey }]), {
      code: 'NOTE_SIGNATURE_INVALID',
    })
    // A known key whose signature fails rejects the whole note, even beside a good one.
    const corrupt = PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60)
    t.throws(() => verifyNote(ed, `${TEXT}\n${corrupt}`, [peter]), { code: 'NOTE_SIGNATURE_INVALID' })
    t.throws(() => verifyNote(ed, `${TEXT}\n${ENOCH_SIG}${corrupt}`, [peter, enoch]), { code: 'NOTE_SIGNATURE_INVALID' })
    t.throws(() => verifyNote(ed, `${TEXT.replace('answer', 'Answer')}\n${PETER_SIG}`, [peter]), { code: 'NOTE_SIGNATURE_INVALID' })
  }
  t.equal(parseSignedNote(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES)}`).signatures.length, MAX_NOTE_SIGNATURES)
  t.throws(() => verifyNote(nodeEd25519, `${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`, [peter]), { code: 'NOTE_MALFORMED' })
})

t.test("malformed notes (Go's badMsgs, and more) are NOTE_MALFORMED", async (t) => {
  const bad = [
    TEXT,
    `${TEXT}\n`,
    `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
    `\u0001${TEXT}\n${PETER_SIG}`,
    `\ud800${TEXT}\n${PETER_SIG}`, // a lone surrogate: not UTF-8 (Go's "\xff")
    `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    `${TEXT}\r\n${PETER_SIG}`,
    `${TEXT}\n${PETER_SIG.replace('— ', '-- ')}`,
    `${TEXT}\n${PETER_SIG.replace('— ', '—')}`,
    `${TEXT}\n— PeterNeumann\n`,
    `${TEXT}\n— PeterNeumann \n`,
    `${TEXT}\n— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n`,
    `${TEXT}\n— PeterNeumann x08g\n`, // 3 bytes: no room for a key hash and a signature
    `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= extra\n`,
    `${TEXT}\n${PETER_SIG}\t`,
  ]
  for (const note of bad) {
    t.throws(() => parseSignedNote(note), { code: 'NOTE_MALFORMED' }, JSON.stringify(note.slice(-40)))
    t.throws(() => verifyNote(nodeEd25519, note, [peter]), { code: 'NOTE_MALFORMED' })
  }
})

t.test('verifier keys: every mangling of a good key is VERIFIER_KEY_INVALID (as Go tests it)', async (t) => {
  let mangled = 0
  for (let i = 0; i <= PETER_VKEY.length; i++) {
    for (let j = i + 1; j <= PETER_VKEY.length; j++) {
      if (i === 0 && j === PETER_VKEY.length) continue
      t.throws(() => parseVerifierKey(PETER_VKEY.slice(i, j)), { code: 'VERIFIER_KEY_INVALID' })
      mangled++
    }
  }
  for (let i = 0; i < PETER_VKEY.length; i++) {
    const changed = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1)
    t.throws(() => parseVerifierKey(changed), { code: 'VERIFIER_KEY_INVALID' })
    mangled++
  }
  t.ok(mangled > 2000)
  // Go's note_test.go: a key of the wrong length, and an unknown algorithm, each with a matching hash.
  t.throws(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='), { code: 'VERIFIER_KEY_INVALID' })
  t.throws(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), { code: 'VERIFIER_KEY_INVALID' })
  t.throws(() => parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')), { code: 'VERIFIER_KEY_INVALID' })
  for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u3000b', 'a\tb', 'a\u0085b']) {
    t.throws(() => formatVerifierKey(name, peter.publicKey), { code: 'VERIFIER_KEY_INVALID' }, JSON.stringify(name))
  }
  t.throws(() => formatVerifierKey('ok', peter.publicKey.subarray(1)), RangeError)
})

t.test('signNote refuses what it could not parse back', async (t) => {
  const seed = fromBase64(PETER_SKEY_MATERIAL).subarray(1)
  const signer: NoteSigner = { name: 'PeterNeumann', publicKey: peter.publicKey, sign: (m) => nodeEd25519.sign(seed, m) }
  t.throws(() => signNote('no newline', [signer]), { code: 'NOTE_MALFORMED' })
  t.throws(() => signNote('bell\u0007\n', [signer]), { code: 'NOTE_MALFORMED' })
  t.throws(() => signNote('half \udc00\n', [signer]), { code: 'NOTE_MALFORMED' })
  t.throws(() => signNote(TEXT, [{ ...signer, name: 'bad name' }]), { code: 'NOTE_MALFORMED' })
  t.throws(() => signNote(TEXT, [signer, signer]), { code: 'NOTE_MALFORMED' })
  t.throws(() => signNote(TEXT, []), RangeError)
  // Texts with blank lines, or ending in one, round trip.
  for (const text of ['a\n\nb\n', 'a\n\n', '\n', `x\n\n${PETER_SIG}`]) {
    const note = signNote(text, [signer])
    t.same(verifyNote(nobleEd25519, note, [peter]), { text, verifiedBy: ['PeterNeumann'] }, JSON.stringify(text))
  }
})
