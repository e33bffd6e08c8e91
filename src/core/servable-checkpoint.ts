// A log's checkpoint note (c2sp.org/tlog-checkpoint) cut down to the signature lines its reader verified: the
// log's own and each trusted witness's cosignature/v1 (c2sp.org/tlog-cosignature). What a mirror serves of a
// note that an untrusted copy sent: a line it could not check, served on, would be the copy's word in its mouth.
import { bytesEqual, toHex, utf8 } from './bytes.js'
import { parseCheckpoint, type Checkpoint } from './checkpoint.js'
import { verifyCosignatures, type WitnessKey } from './cosignature.js'
import type { Ed25519 } from './ed25519.js'
import { fail } from './errors.js'
import { parseSignedNote, parseVerifierKey } from './signed-note.js'

/** A signature line left out, and why: `unknown` (no key given for its name and key id), `invalid`, `repeated`. */
export interface DroppedSignature {
  name: string
  keyHash: string
  reason: 'unknown' | 'invalid' | 'repeated'
}

/**
 * Verifies `note` (attacker-controlled) as the checkpoint of the log `verifierKey` names, and returns it with only
 * the signature lines that verified, in their order: the log's signature (its first line under the log's key;
 * a repeat is dropped, never trusted unread) and one cosignature by each of `witnesses` that verifies. Lines
 * under any other key, and a witness's line that does not verify, are dropped and listed: a signed-note reader
 * refuses a note whose line under a key it knows fails, so serving one would let a copy break every reader
 * that requires that witness. With every line verified the note comes back byte for byte.
 * Throws VERIFIER_KEY_INVALID, NOTE_MALFORMED, NOTE_SIGNATURE_INVALID (no valid line by the log's key, or an
 * origin that is not the key's name).
 */
export function verifyServableCheckpoint(
  ed: Ed25519,
  note: string,
  verifierKey: string,
  witnesses: readonly WitnessKey[],
): { checkpoint: Checkpoint; note: string; dropped: DroppedSignature[] } {
  const log = parseVerifierKey(verifierKey)
  const { text, signatures } = parseSignedNote(note)
  const lines = note.slice(text.length + 1, -1).split('\n')
  const kept: string[] = []
  const dropped: DroppedSignature[] = []
  const seen = new Set<string>()
  let logSigned = false
  signatures.forEach((signature, index) => {
    const id = `${signature.name}+${toHex(signature.keyHash)}`
    const drop = (reason: DroppedSignature['reason']) => dropped.push({ name: signature.name, keyHash: toHex(signature.keyHash), reason })
    const isLog = signature.name === log.name && bytesEqual(signature.keyHash, log.keyHash)
    const witness = witnesses.find((w) => w.name === signature.name && bytesEqual(w.keyHash, signature.keyHash))
    if (!isLog && witness === undefined) return drop('unknown')
    if (seen.has(id)) return drop('repeated')
    if (isLog) {
      if (!ed.verify(log.publicKey, utf8(text), signature.signature)) fail('NOTE_SIGNATURE_INVALID', `invalid signature by ${id}`, { name: signature.name, keyHash: toHex(signature.keyHash) })
      logSigned = true
    } else {
      try {
        verifyCosignatures(ed, `${text}\n${lines[index]}\n`, [witness as WitnessKey])
      } catch {
        return drop('invalid')
      }
    }
    seen.add(id)
    kept.push(lines[index])
  })
  if (!logSigned) fail('NOTE_SIGNATURE_INVALID', `no signature by the log's key ${log.name}+${toHex(log.keyHash)}`)
  const checkpoint = parseCheckpoint(text)
  if (checkpoint.origin !== log.name) {
    fail('NOTE_SIGNATURE_INVALID', `checkpoint origin ${checkpoint.origin} is not the key name ${log.name}`, { origin: checkpoint.origin, keyName: log.name })
  }
  return { checkpoint, note: `${text}\n${kept.map((line) => `${line}\n`).join('')}`, dropped }
}
