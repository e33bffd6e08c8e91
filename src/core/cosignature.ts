// C2SP tlog-cosignature (c2sp.org/tlog-cosignature), the Ed25519 `cosignature/v1` type (signature type
// 0x04): witness keys and their key ids, the signed message, cosignature lines, and verifying them on a
// checkpoint note. Pure; the node, the CLI and the browser verify with this same code.
//
// API (what a node or verifier needs):
//   parseWitnessVerifierKey(vkey) / witnessKeyOf(name, publicKey) -> WitnessKey
//   formatWitnessVerifierKey(name, publicKey)    "<name>+<hex key id>+<base64(0x04 || publicKey)>"
//   cosignatureKeyHash(name, publicKey)          SHA-256(name || "\n" || 0x04 || publicKey)[:4]
//   buildCosignedMessage(checkpointText, time)   "cosignature/v1\ntime <time>\n" + checkpoint text
//   signCosignatureLine(cosigner, text, time)    "— <name> base64(key id || u64 time || signature)\n"
//   verifyCosignatures(ed, note, witnesses)      which known witnesses cosigned the note, and when
//   withSignatureLines(note, lines)              the note with lines added, replacing a signer's older line
// A cosigned checkpoint stays a valid note for the log's key alone: verifiers skip unknown keys' lines.
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from './bytes.js'
import type { Ed25519 } from './ed25519.js'
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from './ed25519-strict.js'
import { fail } from './errors.js'
import { sha256 } from './hash.js'
import { isValidKeyName, KEY_HASH_LENGTH, parseSignedNote } from './signed-note.js'

/** signed-note's type byte for timestamped Ed25519 checkpoint cosignatures (cosignature/v1). */
export const COSIGNATURE_V1_TYPE = 0x04
export const COSIGNATURE_V1_HEADER = 'cosignature/v1'
/** key id (4) || u64 timestamp (8) || Ed25519 signature (64) */
export const COSIGNATURE_V1_LENGTH = KEY_HASH_LENGTH + 8 + SIGNATURE_LENGTH
/** The spec's bound on a timestamp. */
export const MAX_COSIGNATURE_TIMESTAMP = 2n ** 63n - 1n

/** A witness (cosigner) as a verifier knows it. `keyHash` is derived, never taken from a line. */
export interface WitnessKey {
  readonly name: string
  readonly publicKey: Uint8Array
  readonly keyHash: Uint8Array
}

/** A witness's signing side: `sign` is Ed25519 with the key whose public half is `publicKey`. */
export interface Cosigner {
  readonly name: string
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
}

/** One verified cosignature: the witness's name, key id (hex) and POSIX seconds it signed at. */
export interface VerifiedCosignature {
  name: string
  keyHash: string
  timestamp: number
}

const SIGNATURE_PREFIX = '\u2014 '

function assertPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new RangeError(`"publicKey" expected ${PUBLIC_KEY_LENGTH} bytes`)
  }
}

/** SHA-256(name || "\n" || 0x04 || publicKey)[:4]. Requires a 32-byte key (RangeError). */
export function cosignatureKeyHash(name: string, publicKey: Uint8Array): Uint8Array {
  assertPublicKey(publicKey)
  return sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_V1_TYPE), publicKey)).subarray(0, KEY_HASH_LENGTH)
}

/** A witness from its name and raw 32-byte public key. Throws VERIFIER_KEY_INVALID on a name notes forbid, RangeError on a key of another length. */
export function witnessKeyOf(name: string, publicKey: Uint8Array): WitnessKey {
  if (!isValidKeyName(name)) fail('VERIFIER_KEY_INVALID', `witness name ${JSON.stringify(name)} is not allowed`)
  return { name, publicKey: publicKey.slice(), keyHash: cosignatureKeyHash(name, publicKey) }
}

/** <name>+<hex key id>+<base64(0x04 || publicKey)>, the spec's vkey for a cosigner. Throws as witnessKeyOf. */
export function formatWitnessVerifierKey(name: string, publicKey: Uint8Array): string {
  const key = witnessKeyOf(name, publicKey)
  return `${name}+${toHex(key.keyHash)}+${toBase64(concatBytes(Uint8Array.of(COSIGNATURE_V1_TYPE), publicKey))}`
}

/**
 * Parses a cosigner vkey (attacker-controlled). Throws VERIFIER_KEY_INVALID on any flaw: not
 * name+id+key, a bad name, bad base64, a type byte other than 0x04 (a log's 0x01 key included), a key
 * not 32 bytes, an id that is not this name's and key's.
 */
export function parseWitnessVerifierKey(vkey: string): WitnessKey {
  if (typeof vkey !== 'string') fail('VERIFIER_KEY_INVALID', 'witness key must be a string')
  // Only the first two '+' separate fields: the base64 key material may hold '+' itself.
  const first = vkey.indexOf('+')
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1)
  if (first < 0 || second < 0) fail('VERIFIER_KEY_INVALID', 'witness key must be name+id+key')
  const name = vkey.slice(0, first)
  const idHex = vkey.slice(first + 1, second)
  if (!isValidKeyName(name)) fail('VERIFIER_KEY_INVALID', 'witness key name is not allowed')
  if (!/^[0-9a-f]{8}$/.test(idHex)) fail('VERIFIER_KEY_INVALID', 'witness key id must be 8 lowercase hex digits')
  let material: Uint8Array
  try {
    material = fromBase64(vkey.slice(second + 1), 'witness key')
  } catch {
    return fail('VERIFIER_KEY_INVALID', 'witness key material is not base64')
  }
  if (material[0] !== COSIGNATURE_V1_TYPE) {
    fail('VERIFIER_KEY_INVALID', `witness key type is 0x${(material[0] ?? 0).toString(16).padStart(2, '0')}, not cosignature/v1 (0x04)`)
  }
  if (material.length !== 1 + PUBLIC_KEY_LENGTH) fail('VERIFIER_KEY_INVALID', 'a cosignature/v1 key holds 32 bytes')
  const key = witnessKeyOf(name, material.slice(1))
  if (toHex(key.keyHash) !== idHex) fail('VERIFIER_KEY_INVALID', 'witness key id does not match its name and key')
  return key
}

function assertTimestamp(timestamp: number): void {
  // The spec allows up to 2^63 - 1; a JS number is exact to 2^53 - 1, some 285 million years away.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`"timestamp" expected POSIX seconds as a safe integer >= 0, got ${timestamp}`)
}

/**
 * The bytes a cosignature/v1 signs: "cosignature/v1\n", "time <decimal>\n", then the whole checkpoint
 * body (note text with its extension lines and final newline, no signature lines). Requires text ending
 * in "\n" and a safe integer timestamp >= 0 (RangeError).
 */
export function buildCosignedMessage(checkpointText: string, timestamp: number): Uint8Array {
  if (typeof checkpointText !== 'string' || !checkpointText.endsWith('\n')) throw new RangeError('"checkpointText" must end in a newline')
  assertTimestamp(timestamp)
  return utf8(`${COSIGNATURE_V1_HEADER}\ntime ${timestamp}\n${checkpointText}`)
}

/**
 * The signature line of `cosigner` on `checkpointText` at `timestamp` (POSIX seconds), newline included:
 * "— <name> base64(key id || u64 big-endian timestamp || Ed25519 signature)\n". Requires a valid name
 * (VERIFIER_KEY_INVALID) and what buildCosignedMessage requires. tlog-witness forbids a zero timestamp in
 * its answers; that is the witness's to enforce.
 */
export function signCosignatureLine(cosigner: Cosigner, checkpointText: string, timestamp: number): string {
  const key = witnessKeyOf(cosigner.name, cosigner.publicKey)
  const signature = cosigner.sign(buildCosignedMessage(checkpointText, timestamp))
  if (signature.length !== SIGNATURE_LENGTH) throw new RangeError(`the cosigner returned ${signature.length} bytes, not ${SIGNATURE_LENGTH}`)
  const time = new Uint8Array(8)
  new DataView(time.buffer).setBigUint64(0, BigInt(timestamp))
  return `${SIGNATURE_PREFIX}${cosigner.name} ${toBase64(concatBytes(key.keyHash, time, signature))}\n`
}

/**
 * Verifies the cosignatures on a signed note (attacker-controlled) by the `witnesses` a verifier trusts,
 * and returns them in note order, with the note text. Lines whose name and key id match no witness are
 * skipped (the log's own signature, other witnesses, other key types), as signed-note requires. A line
 * that matches a witness must verify, or the whole note is refused, as Go's note.Open does: throws
 * COSIGNATURE_INVALID when it is not 76 bytes, its timestamp exceeds 2^63 - 1 (or 2^53 - 1, or
 * `options.notAfter`), its signature fails, or the witness signed twice. Throws NOTE_MALFORMED from
 * parseSignedNote. Zero cosignatures is a result, not an error: the caller's policy counts them.
 * Does not verify the log's signature (checkpoint.ts verifyCheckpoint does).
 */
export function verifyCosignatures(
  ed: Ed25519,
  note: string,
  witnesses: readonly WitnessKey[],
  options: { notAfter?: number } = {},
): { text: string; cosignatures: VerifiedCosignature[] } {
  const known = witnesses.map((witness) => witnessKeyOf(witness.name, witness.publicKey))
  const { text, signatures } = parseSignedNote(note)
  const cosignatures: VerifiedCosignature[] = []
  const seen = new Set<string>()
  for (const line of signatures) {
    const matches = known.filter((k) => k.name === line.name && bytesEqual(k.keyHash, line.keyHash))
    if (matches.length === 0) continue
    if (matches.some((k) => !bytesEqual(k.publicKey, matches[0].publicKey))) {
      throw new RangeError(`"witnesses" holds two keys for ${line.name}+${toHex(line.keyHash)}`)
    }
    const id = `${line.name}+${toHex(line.keyHash)}`
    const evidence = { name: line.name, keyHash: toHex(line.keyHash) }
    if (seen.has(id)) fail('COSIGNATURE_INVALID', `two cosignatures by ${id}`, { ...evidence, check: 'repeated' })
    seen.add(id)
    const rest = line.signature // the bytes after the key id
    if (rest.length !== COSIGNATURE_V1_LENGTH - KEY_HASH_LENGTH) {
      fail('COSIGNATURE_INVALID', `cosignature by ${id} is ${rest.length + KEY_HASH_LENGTH} bytes, not ${COSIGNATURE_V1_LENGTH}`, { ...evidence, check: 'length' })
    }
    const time = new DataView(rest.buffer, rest.byteOffset, 8).getBigUint64(0)
    if (time > MAX_COSIGNATURE_TIMESTAMP) fail('COSIGNATURE_INVALID', `cosignature by ${id} has a timestamp over 2^63 - 1`, { ...evidence, check: 'timestamp' })
    if (time > BigInt(Number.MAX_SAFE_INTEGER) || (options.notAfter !== undefined && Number(time) > options.notAfter)) {
      fail('COSIGNATURE_INVALID', `cosignature by ${id} is dated in the future (${time})`, { ...evidence, check: 'timestamp', timestamp: time.toString() })
    }
    const timestamp = Number(time)
    if (!ed.verify(matches[0].publicKey, buildCosignedMessage(text, timestamp), rest.subarray(8))) {
      fail('COSIGNATURE_INVALID', `cosignature by ${id} does not verify`, { ...evidence, check: 'signature' })
    }
    cosignatures.push({ name: line.name, keyHash: toHex(line.keyHash), timestamp })
  }
  return { text, cosignatures }
}

/**
 * `note` (a signed note) with signature `lines` ("— name base64\n" each, e.g. a witness's answer) added
 * after its own. A line by a signer (name and key id) already on the note replaces that signer's line,
 * so a note never carries two by one key (Go's note.Open refuses that). Verifies nothing. Throws
 * NOTE_MALFORMED when the note or a line does not parse.
 */
export function withSignatureLines(note: string, lines: readonly string[]): string {
  const { text, signatures } = parseSignedNote(note)
  const block = note.slice(text.length + 1)
  const added = lines.map((line) => {
    const withNewline = line.endsWith('\n') ? line : `${line}\n`
    const parsed = parseSignedNote(`x\n\n${withNewline}`).signatures
    if (parsed.length !== 1) fail('NOTE_MALFORMED', 'each added line must be one signature line')
    return { line: withNewline, id: `${parsed[0].name}+${toHex(parsed[0].keyHash)}` }
  })
  const replaced = new Set(added.map((a) => a.id))
  const kept = block
    .slice(0, -1)
    .split('\n')
    .filter((_, i) => !replaced.has(`${signatures[i].name}+${toHex(signatures[i].keyHash)}`))
    .map((line) => `${line}\n`)
  // Of two added lines by one signer, the later one stays.
  const latest = new Map(added.map((a) => [a.id, a.line]))
  const result = `${text}\n${[...kept, ...latest.values()].join('')}`
  parseSignedNote(result) // the same limits as any note (at most 100 signatures)
  return result
}
