// A C2SP tlog-witness (c2sp.org/tlog-witness): checks that a log's new checkpoint is signed by the log and
// extends the last one it cosigned for that origin, records it durably, then cosigns it (cosignature/v1).
//
// The spec's atomicity ("checking the old size against the latest checkpoint and persisting the new
// checkpoint must be performed atomically") holds because addCheckpoint is synchronous from reading the
// record to writing it: no other request runs in between in this process, and the directory lock
// (cli/witness-dir.ts) keeps other processes out. The order is check, sign, write, answer: a crash
// before the write returns leaves the old record and no answer; after it, the record already covers
// what is answered. So no crash lets the witness cosign two checkpoints of one log that disagree.
import { bytesEqual, toHex } from '../core/bytes.js'
import { parseCheckpoint, type Checkpoint } from '../core/checkpoint.js'
import { formatWitnessVerifierKey, signCosignatureLine, type Cosigner } from '../core/cosignature.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fail, isTracechainError, TracechainError } from '../core/errors.js'
import { EMPTY_ROOT, verifyConsistency } from '../core/merkle.js'
import { parseSignedNote, parseVerifierKey, verifyNote, type NoteSignature } from '../core/signed-note.js'
import type { AddCheckpointRequest } from './protocol.js'
import type { WitnessState } from './state.js'

export interface WitnessOptions {
  /** the witness's own key and name */
  cosigner: Cosigner
  /** the logs it witnesses: their note verifier keys (Ed25519, 0x01); the key's name is the log's origin */
  logs: readonly string[]
  state: WitnessState
  ed: Ed25519
  /** milliseconds since the epoch (default Date.now); cosignatures carry it in whole seconds */
  clock?: () => number
}

interface LogKey {
  name: string
  publicKey: Uint8Array
  keyHash: Uint8Array
}

export class Witness {
  /** the witness's cosignature/v1 verifier key, "<name>+<key id>+<base64(0x04 || key)>" */
  readonly verifierKey: string
  private readonly logs = new Map<string, LogKey[]>()
  private readonly cosigner: Cosigner
  private readonly state: WitnessState
  private readonly ed: Ed25519
  private readonly clock: () => number

  /** Throws VERIFIER_KEY_INVALID for a bad log key or two keys of one log sharing a key id, or a bad witness name. */
  constructor(options: WitnessOptions) {
    this.cosigner = options.cosigner
    this.verifierKey = formatWitnessVerifierKey(options.cosigner.name, options.cosigner.publicKey)
    this.state = options.state
    this.ed = options.ed
    this.clock = options.clock ?? Date.now
    for (const vkey of options.logs) {
      const key = parseVerifierKey(vkey)
      const keys = this.logs.get(key.name) ?? []
      const sameId = keys.find((k) => bytesEqual(k.keyHash, key.keyHash))
      if (sameId && !bytesEqual(sameId.publicKey, key.publicKey)) fail('VERIFIER_KEY_INVALID', `two keys of ${key.name} share the key id ${toHex(key.keyHash)}`)
      if (!sameId) keys.push(key)
      this.logs.set(key.name, keys)
    }
  }

  /** The origins witnessed, in the order configured. */
  get origins(): string[] {
    return [...this.logs.keys()]
  }

  /**
   * tlog-witness add-checkpoint (request attacker-controlled). Returns the cosignature line ("— name
   * base64\n") once the checkpoint is recorded durably. Throws, in the spec's order:
   * BAD_REQUEST (400) for a note or checkpoint that does not parse; LOG_UNKNOWN (404) for an origin not
   * witnessed; LOG_SIGNATURE_INVALID (403) without a valid signature by a trusted key of that log, or with
   * a bad one; BAD_REQUEST (400) when oldSize exceeds the checkpoint's size; OLD_SIZE_MISMATCH (409,
   * details.size the latest cosigned size) when oldSize is not it; PROOF_INVALID (422) for a proof that
   * does not verify, a proof with oldSize 0, an empty tree whose root is not SHA-256(""), or the same size
   * with another root; STORE_CORRUPT or a file system error when the record cannot be read or written.
   */
  addCheckpoint(request: AddCheckpointRequest): string {
    const { text, checkpoint, signatures } = parseNote(request.checkpoint)
    const keys = this.logs.get(checkpoint.origin)
    if (!keys) fail('LOG_UNKNOWN', `this witness does not witness ${checkpoint.origin}`, { origin: checkpoint.origin })
    // verifyNote checks a key's first line only; a second line by a trusted key must not ride along unchecked
    // (Go's note.Open calls that note malformed), as the witness serves the log's lines again.
    const trusted = signatures.map((s, i) => ({ ...s, i })).filter((s) => keys.some((k) => k.name === s.name && bytesEqual(k.keyHash, s.keyHash)))
    if (new Set(trusted.map((s) => toHex(s.keyHash))).size !== trusted.length) {
      fail('LOG_SIGNATURE_INVALID', `two signatures by one key of ${checkpoint.origin}`, { origin: checkpoint.origin })
    }
    try {
      verifyNote(this.ed, request.checkpoint, keys)
    } catch (error) {
      if (isTracechainError(error) && error.code === 'NOTE_SIGNATURE_INVALID') {
        fail('LOG_SIGNATURE_INVALID', `no valid signature by a key of ${checkpoint.origin}: ${error.message}`, { origin: checkpoint.origin })
      }
      throw error
    }
    if (request.oldSize > checkpoint.size) {
      fail('BAD_REQUEST', `old size ${request.oldSize} is larger than the checkpoint's size ${checkpoint.size}`, { reason: 'oldSize' })
    }

    // From here to the write, nothing yields: the check and the record are one step.
    const latest = this.state.latest(checkpoint.origin)
    const latestSize = latest?.size ?? 0
    if (request.oldSize !== latestSize) {
      fail('OLD_SIZE_MISMATCH', `the latest checkpoint cosigned for ${checkpoint.origin} has size ${latestSize}, not ${request.oldSize}`, { size: latestSize })
    }
    if (checkpoint.size === 0 && !bytesEqual(checkpoint.rootHash, EMPTY_ROOT)) {
      fail('PROOF_INVALID', 'a checkpoint of size 0 must have the empty tree\'s root, SHA-256("")', { check: 'emptyRoot' })
    }
    if (request.oldSize === 0) {
      if (request.proof.length !== 0) fail('PROOF_INVALID', 'a consistency proof from size 0 must be empty', { check: 'proofLength', fromSize: 0 })
    } else {
      // oldSize === latest.size > 0 here, so latest is set; equal sizes need equal roots and no proof.
      verifyConsistency(request.oldSize, checkpoint.size, request.proof, (latest as { rootHash: Uint8Array }).rootHash, checkpoint.rootHash)
    }

    const timestamp = Math.floor(this.clock() / 1000)
    if (!(timestamp > 0)) throw new TracechainError('INTERNAL', `the witness clock reads ${timestamp}; cosignatures need a time after 1970`)
    const line = signCosignatureLine(this.cosigner, text, timestamp)
    // Kept with the cosignature for the monitoring read: the log's lines the witness verified, no others.
    const noteLines = request.checkpoint.slice(text.length + 1).split('\n')
    const logLines = trusted.map((s) => `${noteLines[s.i]}\n`).join('')
    this.state.record({ origin: checkpoint.origin, size: checkpoint.size, rootHash: checkpoint.rootHash, checkpoint: `${text}\n${logLines}${line}` })
    return line
  }

  /**
   * tlog-witness's monitoring read: the latest checkpoint cosigned for the log whose origin hashes to
   * `originHash` (hex SHA-256, attacker-controlled), with the log's signatures and the cosignature, or
   * undefined. Throws STORE_CORRUPT.
   */
  latestCheckpoint(originHash: string): string | undefined {
    return this.state.latestByOriginHash(originHash)?.checkpoint
  }

  /** The latest cosigned size of a witnessed log (0 before its first cosignature). */
  latestSize(origin: string): number {
    return this.state.latest(origin)?.size ?? 0
  }
}

/** The signed note, its checkpoint and signature lines; BAD_REQUEST when either does not parse (a malformed request). */
function parseNote(note: string): { text: string; checkpoint: Checkpoint; signatures: NoteSignature[] } {
  try {
    const { text, signatures } = parseSignedNote(note)
    return { text, checkpoint: parseCheckpoint(text), signatures }
  } catch (error) {
    if (isTracechainError(error)) fail('BAD_REQUEST', `the checkpoint is malformed: ${error.message}`, { reason: 'checkpoint' })
    throw error
  }
}
