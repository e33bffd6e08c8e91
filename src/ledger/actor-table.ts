// Where a registry keeps its actors. A fork (one group's changes) keeps a few records as objects. The
// root keeps every committed actor packed: its JSON as UTF-8 in large buffers, outside the JavaScript
// heap, with a small cache of parsed records for the actors signing now. As objects, an actor of
// bench/append.mjs's register workload was ~2 KB in ~20 objects the collector traced at every full
// collection: at 300,000 actors that was most of the node's GC time (bench/README).

import { RecentValues } from '../core/recent-values.js'
import type { ActorRecord } from './registry.js'

export interface ActorTable {
  get(id: string): ActorRecord | undefined
  set(record: ActorRecord): void
  ids(): IterableIterator<string>
  /** ids of actors with a key of this keyid, current or retired */
  idsWithKeyId(keyid: string): readonly string[]
}

/** A few records as objects: a fork's. */
export class ObjectActorTable implements ActorTable {
  private readonly records = new Map<string, ActorRecord>()
  private readonly byKeyId = new Map<string, string[]>()

  get(id: string): ActorRecord | undefined {
    return this.records.get(id)
  }

  set(record: ActorRecord): void {
    this.records.set(record.id, record)
    for (const { keyid } of record.keys) {
      const ids = this.byKeyId.get(keyid)
      if (!ids) this.byKeyId.set(keyid, [record.id])
      else if (!ids.includes(record.id)) ids.push(record.id)
    }
  }

  ids(): IterableIterator<string> {
    return this.records.keys()
  }

  values(): IterableIterator<ActorRecord> {
    return this.records.values()
  }

  idsWithKeyId(keyid: string): readonly string[] {
    return this.byKeyId.get(keyid) ?? []
  }
}

/** Bytes a chunk holds; a record starts and ends in one chunk. */
const CHUNK_BYTES = 4 * 1024 * 1024
/** Parsed records kept: the signers of the moment, not the whole registry. */
const PARSED_KEPT = 4096

/**
 * Every committed actor, packed. A record is written once per change (a new version is appended; the
 * old one's bytes stay unused, as changes after registration are rare), and parsed on a cache miss.
 */
export class PackedActorTable implements ActorTable {
  private readonly chunks: Buffer[] = []
  private used = CHUNK_BYTES
  /** id → where its record starts: chunk index × CHUNK_BYTES + offset (a small integer, not an object) */
  private readonly at = new Map<string, number>()
  /** keyid → the actor's id, or ids when keyids collide */
  private readonly byKeyId = new Map<string, string | string[]>()
  private readonly parsed = new RecentValues<string, ActorRecord>(PARSED_KEPT)

  get size(): number {
    return this.at.size
  }

  get(id: string): ActorRecord | undefined {
    const cached = this.parsed.get(id)
    if (cached) return cached
    const position = this.at.get(id)
    if (position === undefined) return undefined
    const chunk = this.chunks[Math.floor(position / CHUNK_BYTES)]
    const start = position % CHUNK_BYTES
    const length = chunk.readUInt32LE(start)
    const record = JSON.parse(chunk.toString('utf8', start + 4, start + 4 + length)) as ActorRecord
    this.keep(id, record)
    return record
  }

  set(record: ActorRecord): void {
    this.publish(record, this.stage(record).position)
  }

  /**
   * Writes a record's bytes where the next record goes without making it visible. A group's changed
   * actors are staged as its commit is built, and LevelDB stores the same bytes, so a change is
   * serialised once; `publish` makes them visible once the commit has landed. A commit that fails
   * leaves its staged bytes unused.
   */
  stage(record: ActorRecord): { position: number; json: Uint8Array } {
    const json = JSON.stringify(record)
    // Three bytes of UTF-8 at most per UTF-16 unit: a record that surely fits is not measured first.
    const bound = 3 * json.length
    const length = this.used + 4 + bound <= CHUNK_BYTES ? -1 : Buffer.byteLength(json)
    if (length >= 0 && this.used + 4 + length > CHUNK_BYTES) {
      // A record too large for a chunk (years of changes to one actor) gets one of its own.
      this.chunks.push(Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, 4 + length)))
      this.used = 0
    }
    const chunk = this.chunks[this.chunks.length - 1]
    const start = this.used
    const written = chunk.write(json, start + 4, 'utf8')
    chunk.writeUInt32LE(written, start)
    this.used = start + 4 + written >= CHUNK_BYTES ? CHUNK_BYTES : start + 4 + written
    return { position: (this.chunks.length - 1) * CHUNK_BYTES + start, json: chunk.subarray(start + 4, start + 4 + written) }
  }

  /** Makes a staged record the actor's current one. */
  publish(record: ActorRecord, position: number): void {
    this.at.set(record.id, position)
    if (this.parsed.has(record.id)) this.parsed.set(record.id, record)
    for (const { keyid } of record.keys) {
      const ids = this.byKeyId.get(keyid)
      if (ids === undefined) this.byKeyId.set(keyid, record.id)
      else if (typeof ids === 'string') {
        if (ids !== record.id) this.byKeyId.set(keyid, [ids, record.id])
      } else if (!ids.includes(record.id)) ids.push(record.id)
    }
  }

  ids(): IterableIterator<string> {
    return this.at.keys()
  }

  idsWithKeyId(keyid: string): readonly string[] {
    const ids = this.byKeyId.get(keyid)
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids
  }

  private keep(id: string, record: ActorRecord): void {
    this.parsed.set(id, record)
  }
}
