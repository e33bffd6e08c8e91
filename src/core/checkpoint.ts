// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the tree head as a signed note's text,
// "<origin>\n<size>\n<base64 root>\n" then optional extension lines, signed by the log key.
import { fromBase64, toBase64 } from './bytes.js'
import type { Ed25519 } from './ed25519.js'
import { fail } from './errors.js'
import { HASH_SIZE } from './hash.js'
import { parseSignedNote, parseVerifierKey, signNote, verifyNote, type NoteSigner } from './signed-note.js'

export type { NoteSigner }

export interface Checkpoint {
  origin: string
  size: number
  rootHash: Uint8Array
  extensions: string[]
}

const TREE_SIZE = /^(0|[1-9][0-9]{0,15})$/

/** Requires a non-empty origin and extensions without newlines, a safe integer size and a 32-byte root (RangeError otherwise). */
export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n')) throw new RangeError('"origin" must be one non-empty line')
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError(`"size" must be a safe integer >= 0, got ${c.size}`)
  if (c.rootHash.length !== HASH_SIZE) throw new RangeError(`"rootHash" expected ${HASH_SIZE} bytes, got ${c.rootHash.length}`)
  for (const line of c.extensions) {
    if (line.length === 0 || line.includes('\n')) throw new RangeError('an extension must be one non-empty line')
  }
  return [c.origin, String(c.size), toBase64(c.rootHash), ...c.extensions].map((line) => `${line}\n`).join('')
}

/**
 * Parses checkpoint text (attacker-controlled). Throws NOTE_MALFORMED unless it is at least three
 * newline-terminated lines: a non-empty origin, a decimal size without leading zeros up to
 * Number.MAX_SAFE_INTEGER, a base64 32-byte root, then non-empty extension lines.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) fail('NOTE_MALFORMED', 'checkpoint must end in a newline')
  const [origin, sizeText, rootText, ...extensions] = text.slice(0, -1).split('\n')
  if (rootText === undefined) fail('NOTE_MALFORMED', 'checkpoint needs origin, size and root lines')
  if (origin.length === 0) fail('NOTE_MALFORMED', 'checkpoint origin is empty')
  if (!TREE_SIZE.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    fail('NOTE_MALFORMED', 'checkpoint size must be a decimal without leading zeros, at most 2^53 - 1')
  }
  let rootHash: Uint8Array
  try {
    rootHash = fromBase64(rootText, 'root hash')
  } catch {
    return fail('NOTE_MALFORMED', 'checkpoint root hash is not base64')
  }
  if (rootHash.length !== HASH_SIZE) fail('NOTE_MALFORMED', `checkpoint root hash must be ${HASH_SIZE} bytes`)
  if (extensions.some((line) => line.length === 0)) fail('NOTE_MALFORMED', 'checkpoint extension lines must be non-empty')
  return { origin, size: Number(sizeText), rootHash, extensions }
}

/** The checkpoint as a signed note. Requires signer.name === c.origin (RangeError), as Go's sumdb clients expect. */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  if (signer.name !== c.origin) throw new RangeError(`signer name ${signer.name} is not the origin ${c.origin}`)
  return signNote(formatCheckpoint(c), [signer])
}

/**
 * Verifies a signed checkpoint with the log's verifier key and returns it (note attacker-controlled).
 * Throws VERIFIER_KEY_INVALID, NOTE_MALFORMED, or NOTE_SIGNATURE_INVALID when the key did not
 * sign it or its origin is not the key's name.
 */
export function verifyCheckpoint(ed: Ed25519, note: string, verifierKey: string): Checkpoint {
  const { name, publicKey } = parseVerifierKey(verifierKey)
  const { text } = verifyNote(ed, note, [{ name, publicKey }])
  const checkpoint = parseCheckpoint(text)
  if (checkpoint.origin !== name) {
    fail('NOTE_SIGNATURE_INVALID', `checkpoint origin ${checkpoint.origin} is not the key name ${name}`, {
      origin: checkpoint.origin,
      keyName: name,
    })
  }
  return checkpoint
}

/**
 * The tree size a signed checkpoint note names, its signatures not checked: for a note the caller signed, or
 * to choose which of two notes to verify. Throws NOTE_MALFORMED.
 */
export function noteTreeSize(note: string): number {
  return parseCheckpoint(parseSignedNote(note).text).size
}

/**
 * Whether a mirror keeps `offered` in place of `kept`, both checkpoints of its log whose signatures and roots it
 * verified: one of a larger tree (a catch-up cut short), or of the same tree carrying every signature line of
 * the kept one and more (the witnesses' cosignatures, which a node adds after it first serves a note). A stale
 * copy's bare note, or one with other lines, does not take them away. Throws NOTE_MALFORMED.
 */
export function supersedesCheckpoint(kept: string, offered: string): boolean {
  const keptSize = noteTreeSize(kept)
  const offeredSize = noteTreeSize(offered)
  if (offeredSize !== keptSize) return offeredSize > keptSize
  const lines = signatureLinesOf(offered)
  return offered !== kept && signatureLinesOf(kept).every((line) => lines.includes(line))
}

/** A signed note's signature lines, as written. */
function signatureLinesOf(note: string): string[] {
  return note.slice(parseSignedNote(note).text.length + 1).split('\n').filter((line) => line !== '')
}
