// C2SP signed-note v1 (c2sp.org/signed-note) with Ed25519 keys (signature type 0x01), as
// golang.org/x/mod/sumdb/note reads and writes it: verifier keys, signing, parsing, verifying.
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from './bytes.js'
import type { Ed25519 } from './ed25519.js'
import { PUBLIC_KEY_LENGTH } from './ed25519-strict.js'
import { fail } from './errors.js'
import { sha256 } from './hash.js'

export const ED25519_SIGNATURE_TYPE = 0x01
export const KEY_HASH_LENGTH = 4
/** Go's note.Open refuses more; the spec asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100
/**
 * The longest note a reader fetches: MAX_NOTE_SIGNATURES lines of signatures as long as the post-quantum ones
 * the spec warns of (nearly 5 kB each), and the text. Ours are some 100 bytes a line.
 */
export const MAX_NOTE_BYTES = 1024 * 1024

export interface NoteSigner {
  readonly name: string
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

export interface NoteSignature {
  name: string
  keyHash: Uint8Array
  signature: Uint8Array
}

const SIGNATURE_PREFIX = '\u2014 ' // em dash, space
// Go's unicode.IsSpace (the Unicode White_Space property), which Go's isValidName excludes.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const KEY_HASH_HEX = /^[0-9a-f]{8}$/

/** Key names are non-empty, with no Unicode spaces and no "+" (which splits a verifier key). */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !FORBIDDEN_CONTROL.test(name) &&
    !LONE_SURROGATE.test(name)
  )
}

function assertPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new RangeError(`"publicKey" expected ${PUBLIC_KEY_LENGTH} bytes`)
  }
}

/** First 4 bytes of SHA-256(name || "\n" || 0x01 || publicKey). Requires a 32-byte key. */
export function noteKeyHash(name: string, publicKey: Uint8Array): Uint8Array {
  assertPublicKey(publicKey)
  return sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE), publicKey)).subarray(0, KEY_HASH_LENGTH)
}

/** <name>+<hex key hash>+<base64(0x01 || publicKey)>. Throws VERIFIER_KEY_INVALID on a bad name. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) fail('VERIFIER_KEY_INVALID', `key name ${JSON.stringify(name)} is not allowed`)
  const keyHash = noteKeyHash(name, publicKey)
  return `${name}+${toHex(keyHash)}+${toBase64(concatBytes(Uint8Array.of(ED25519_SIGNATURE_TYPE), publicKey))}`
}

/** Parses a verifier key (attacker-controlled). Throws VERIFIER_KEY_INVALID on any flaw, a wrong hash included. */
export function parseVerifierKey(vkey: string): { name: string; keyHash: Uint8Array; publicKey: Uint8Array } {
  if (typeof vkey !== 'string') fail('VERIFIER_KEY_INVALID', 'verifier key must be a string')
  // Only the first two '+' separate fields: the base64 key material may contain '+' itself.
  const first = vkey.indexOf('+')
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1)
  if (first < 0 || second < 0) fail('VERIFIER_KEY_INVALID', 'verifier key must be name+hash+key')
  const name = vkey.slice(0, first)
  const hashHex = vkey.slice(first + 1, second)
  const keyBase64 = vkey.slice(second + 1)
  if (!isValidKeyName(name)) fail('VERIFIER_KEY_INVALID', 'verifier key name is not allowed')
  if (!KEY_HASH_HEX.test(hashHex)) fail('VERIFIER_KEY_INVALID', 'verifier key hash must be 8 lowercase hex digits')
  let key: Uint8Array
  try {
    key = fromBase64(keyBase64, 'verifier key')
  } catch {
    return fail('VERIFIER_KEY_INVALID', 'verifier key material is not base64')
  }
  if (key.length === 0 || key[0] !== ED25519_SIGNATURE_TYPE) fail('VERIFIER_KEY_INVALID', 'verifier key is not an Ed25519 (0x01) key')
  if (key.length !== 1 + PUBLIC_KEY_LENGTH) fail('VERIFIER_KEY_INVALID', 'Ed25519 verifier key must hold 32 bytes')
  const publicKey = key.slice(1)
  const keyHash = noteKeyHash(name, publicKey)
  if (toHex(keyHash) !== hashHex) fail('VERIFIER_KEY_INVALID', 'verifier key hash does not match its name and key')
  return { name, keyHash, publicKey }
}

/** Notes are UTF-8 text with no control characters but newline; a JS string must be well formed to be UTF-8. */
function isValidNoteText(text: string): boolean {
  return !FORBIDDEN_CONTROL.test(text) && !LONE_SURROGATE.test(text)
}

/**
 * Signs `text` (which must end in "\n" and be valid note text) with each signer, in order.
 * Throws NOTE_MALFORMED on bad text, a bad signer name or the same key twice.
 */
export function signNote(text: string, signers: NoteSigner[]): string {
  if (typeof text !== 'string' || !text.endsWith('\n') || !isValidNoteText(text)) {
    fail('NOTE_MALFORMED', 'note text must be UTF-8 without control characters and end in a newline')
  }
  if (signers.length === 0) throw new RangeError('"signers" must name at least one signer')
  const message = utf8(text)
  const seen = new Set<string>()
  let lines = ''
  for (const signer of signers) {
    if (!isValidKeyName(signer.name)) fail('NOTE_MALFORMED', `signer name ${JSON.stringify(signer.name)} is not allowed`)
    const keyHash = noteKeyHash(signer.name, signer.publicKey)
    const id = `${signer.name}+${toHex(keyHash)}`
    if (seen.has(id)) fail('NOTE_MALFORMED', `two signatures by ${id}`)
    seen.add(id)
    lines += `${SIGNATURE_PREFIX}${signer.name} ${toBase64(concatBytes(keyHash, signer.sign(message)))}\n`
  }
  return `${text}\n${lines}`
}

/**
 * Splits a signed note into its text and signature lines without verifying anything
 * (attacker-controlled). Throws NOTE_MALFORMED on anything the spec forbids: control characters,
 * no blank line before the signatures, a line not "— name base64", a bad name or base64, fewer
 * than 5 signature bytes, more than MAX_NOTE_SIGNATURES lines.
 */
export function parseSignedNote(note: string): { text: string; signatures: NoteSignature[] } {
  if (typeof note !== 'string' || !isValidNoteText(note)) fail('NOTE_MALFORMED', 'note must be UTF-8 without control characters')
  // The text is separated from the signatures by the last empty line.
  const split = note.lastIndexOf('\n\n')
  if (split < 0) fail('NOTE_MALFORMED', 'note has no blank line before its signatures')
  const text = note.slice(0, split + 1)
  const block = note.slice(split + 2)
  if (block.length === 0 || !block.endsWith('\n')) fail('NOTE_MALFORMED', 'note signatures must end in a newline')
  const lines = block.slice(0, -1).split('\n')
  if (lines.length > MAX_NOTE_SIGNATURES) fail('NOTE_MALFORMED', `note has more than ${MAX_NOTE_SIGNATURES} signatures`)
  const signatures = lines.map((line) => {
    if (!line.startsWith(SIGNATURE_PREFIX)) fail('NOTE_MALFORMED', 'a signature line must start with an em dash and a space')
    const rest = line.slice(SIGNATURE_PREFIX.length)
    const space = rest.indexOf(' ')
    const name = space < 0 ? rest : rest.slice(0, space)
    const encoded = space < 0 ? '' : rest.slice(space + 1)
    if (!isValidKeyName(name) || encoded === '') fail('NOTE_MALFORMED', 'a signature line must be "— name signature"')
    let bytes: Uint8Array
    try {
      bytes = fromBase64(encoded, 'note signature')
    } catch {
      return fail('NOTE_MALFORMED', 'a note signature is not base64')
    }
    if (bytes.length < KEY_HASH_LENGTH + 1) fail('NOTE_MALFORMED', 'a note signature is too short')
    return { name, keyHash: bytes.slice(0, KEY_HASH_LENGTH), signature: bytes.slice(KEY_HASH_LENGTH) }
  })
  return { text, signatures }
}

/**
 * Verifies a signed note against known keys (the note is attacker-controlled). Signatures by
 * unknown keys are ignored, as the spec requires; a repeat by the same key is checked once.
 * Throws NOTE_MALFORMED from parseSignedNote, NOTE_SIGNATURE_INVALID when a known key's signature
 * fails or no known key signed. Returns the text and the names that verified, in note order.
 */
export function verifyNote(
  ed: Ed25519,
  note: string,
  verifiers: { name: string; publicKey: Uint8Array }[],
): { text: string; verifiedBy: string[] } {
  const known = verifiers.map((verifier) => ({ ...verifier, keyHash: noteKeyHash(verifier.name, verifier.publicKey) }))
  const { text, signatures } = parseSignedNote(note)
  const message = utf8(text)
  const verifiedBy: string[] = []
  const checked = new Set<string>()
  for (const signature of signatures) {
    const matches = known.filter((k) => k.name === signature.name && bytesEqual(k.keyHash, signature.keyHash))
    if (matches.length === 0) continue
    const id = `${signature.name}+${toHex(signature.keyHash)}`
    if (checked.has(id)) continue
    checked.add(id)
    // Two different keys sharing a name and hash would make the note ambiguous (Go refuses it too).
    if (matches.some((k) => !bytesEqual(k.publicKey, matches[0].publicKey))) {
      throw new RangeError(`"verifiers" holds two keys for ${id}`)
    }
    if (!ed.verify(matches[0].publicKey, message, signature.signature)) {
      fail('NOTE_SIGNATURE_INVALID', `invalid signature by ${id}`, { name: signature.name, keyHash: toHex(signature.keyHash) })
    }
    verifiedBy.push(signature.name)
  }
  if (verifiedBy.length === 0) fail('NOTE_SIGNATURE_INVALID', 'no signature by a known key')
  return { text, verifiedBy }
}
