// A witness's memory: per log, the latest checkpoint it cosigned, one file each at
// <dir>/<hex SHA-256(origin)>.json (the name tlog-witness's monitoring path uses), written with
// writeFileDurably: synced, renamed over the old one, directory synced. A crash leaves the old record or
// the new one whole, never a torn one, and the witness answers only after the write returned.
//
//   {"origin": "...", "size": 42, "rootHash": "<base64>", "checkpoint": "<note: log signature(s) + our cosignature>"}
//
// No cache: every add-checkpoint reads the file, so what the witness checks against is what is on disk.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromBase64, toBase64, toHex, utf8 } from '../core/bytes.js'
import { parseCheckpoint } from '../core/checkpoint.js'
import { fail, isTracechainError } from '../core/errors.js'
import { HASH_SIZE, sha256 } from '../core/hash.js'
import { parseSignedNote } from '../core/signed-note.js'
import { writeFileDurably } from '../store/durable-file.js'
import { makeDirectorySync } from '../store/make-directory.js'

export interface CosignedCheckpoint {
  origin: string
  size: number
  rootHash: Uint8Array
  /** the checkpoint note with the log's verified signature(s) and the witness's cosignature */
  checkpoint: string
}

const ORIGIN_HASH = /^[0-9a-f]{64}$/

/** Lowercase hex of SHA-256(origin): the record's file name and the monitoring path's segment. */
export function originHashOf(origin: string): string {
  return toHex(sha256(utf8(origin)))
}

export class WitnessState {
  constructor(readonly dir: string) {
    makeDirectorySync(dir, 0o700)
  }

  /** The latest cosigned checkpoint of `origin`, or undefined if never cosigned. Throws STORE_CORRUPT. */
  latest(origin: string): CosignedCheckpoint | undefined {
    const record = this.latestByOriginHash(originHashOf(origin))
    if (record && record.origin !== origin) fail('STORE_CORRUPT', `the witness record for ${origin} names ${record.origin}`)
    return record
  }

  /** As latest, by the hex SHA-256 of the origin (attacker-controlled: anything else is undefined). */
  latestByOriginHash(originHash: string): CosignedCheckpoint | undefined {
    if (!ORIGIN_HASH.test(originHash)) return undefined
    const path = join(this.dir, `${originHash}.json`)
    if (!existsSync(path)) return undefined
    try {
      return decodeRecord(JSON.parse(readFileSync(path, 'utf8')))
    } catch (error) {
      // Never read a damaged record as "never cosigned": that would let any fork be cosigned next.
      const reason = isTracechainError(error) ? error.message : String(error)
      // The file's name, not its path: the message reaches the client.
      return fail('STORE_CORRUPT', `the witness record logs/${originHash}.json cannot be read: ${reason}`)
    }
  }

  /**
   * Replaces the record of `cosigned.origin`, durably; returns only once it is on disk. Throws STORE_UNAVAILABLE
   * when it cannot be written (a full disk): the old record stays, and no cosignature may be answered.
   */
  record(cosigned: CosignedCheckpoint): void {
    const record = { origin: cosigned.origin, size: cosigned.size, rootHash: toBase64(cosigned.rootHash), checkpoint: cosigned.checkpoint }
    try {
      writeFileDurably(join(this.dir, `${originHashOf(cosigned.origin)}.json`), JSON.stringify(record, null, 2) + '\n', 0o600)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'an error'
      fail('STORE_UNAVAILABLE', `the witness cannot record a cosignature (${code}); it cosigns nothing until it can`)
    }
  }
}

function decodeRecord(value: unknown): CosignedCheckpoint {
  const record = value as Record<string, unknown>
  if (typeof record !== 'object' || record === null) fail('STORE_CORRUPT', 'not an object')
  const { origin, size, rootHash, checkpoint } = record
  if (typeof origin !== 'string' || typeof rootHash !== 'string' || typeof checkpoint !== 'string' || !Number.isSafeInteger(size) || (size as number) < 0) {
    fail('STORE_CORRUPT', 'fields missing or of the wrong type')
  }
  const root = fromBase64(rootHash, 'rootHash')
  if (root.length !== HASH_SIZE) fail('STORE_CORRUPT', 'rootHash is not 32 bytes')
  const parsed = parseCheckpoint(parseSignedNote(checkpoint).text)
  if (parsed.origin !== origin || parsed.size !== size || toBase64(parsed.rootHash) !== rootHash) {
    fail('STORE_CORRUPT', 'the stored checkpoint is not the stored size and root')
  }
  return { origin, size: size as number, rootHash: root, checkpoint }
}
