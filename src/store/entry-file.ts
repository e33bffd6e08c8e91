// The log's entries as two append-only files beside LevelDB's own: entries.bin holds the leaf bytes one
// after another, entries.idx the end offset of each (8 bytes, big-endian, seq-th at seq * 8). Entries
// never change once written and are read by seq, so an LSM tree only costs them: LevelDB wrote each
// entry twice (log, then table) and rewrote it at every compaction of the key range. Here each byte is
// written once. LevelDB's head says how many entries are committed; anything past it in these files
// is from a group that never became durable, and is cut off on open.

import { constants, type FileHandle, open } from 'node:fs/promises'
import { join } from 'node:path'
import { toHex } from '../core/bytes.js'
import { TracechainError } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { syncDirectory } from './durable-file.js'

const OFFSET_BYTES = 8
/** Offsets read at a time when the index is checked at open. */
const INDEX_CHECK_CHUNK = 65536
/** Entries read one at a time that are kept in memory: the events of the lots being looked at. */
const RECENT_ENTRY_BYTES = 8 * 1024 * 1024

export class EntryFile {
  private readonly data: FileHandle
  private readonly index: FileHandle
  /** entries written and synced (may run ahead of LevelDB's head until the commit lands) */
  private count: number
  private dataEnd: number
  /** Entries read by seq, most recently read last. A resolver answer reads the same lot's entries for
   *  every phone, and each read is two trips to the thread pool, which under appends wait behind the
   *  synced writes there. Dropped from where an append or a cut begins: only entries past the head are
   *  ever written over. */
  private readonly recent = new Map<number, Uint8Array>()
  private recentBytes = 0
  /** appends and cuts begun: a read that one overlapped is not kept */
  private changes = 0
  private evicting: IterableIterator<[number, Uint8Array]> | undefined

  private constructor(data: FileHandle, index: FileHandle, count: number, dataEnd: number) {
    this.data = data
    this.index = index
    this.count = count
    this.dataEnd = dataEnd
  }

  /** Opens (creating) the files in `directory`; `length` says how many entries they hold. */
  static async open(directory: string): Promise<EntryFile> {
    // O_DSYNC: a write completes once its data is on disk, as write then fdatasync would, in one
    // thread-pool job rather than two with a turn of the event loop between them, which may be busy.
    const flags = constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC
    const data = await open(join(directory, 'entries.bin'), flags, 0o644)
    const index = await open(join(directory, 'entries.idx'), flags, 0o644)
    // O_DSYNC covers the files' contents and sizes, not the names a first start creates here; LevelDB
    // syncs this directory only when it writes a manifest, which it did before these files existed.
    syncDirectory(directory)
    const count = Math.floor((await index.stat()).size / OFFSET_BYTES)
    const file = new EntryFile(data, index, count, 0)
    file.dataEnd = count === 0 ? 0 : await file.endOf(count - 1)
    return file
  }

  /** Entries the files hold (committed or not). */
  get length(): number {
    return this.count
  }

  async close(): Promise<void> {
    await Promise.all([this.data.close(), this.index.close()])
  }

  /**
   * Checks the `committed` entries before anything is cut or written: their end offsets never decrease,
   * the last lies within entries.bin, and the last entry hashes to `lastLeafHash` (RFC 9162 leaf hash),
   * so a damaged index cannot make the next append overwrite a committed entry. Changes nothing; throws
   * STORE_CORRUPT naming the file and the seq.
   */
  async verifyCommitted(committed: number, lastLeafHash: string): Promise<void> {
    if (committed === 0) return
    if (committed > this.count) {
      corrupt('entries.idx', committed - 1, `the entry files hold ${this.count} entries; the head says ${committed}`)
    }
    let previousEnd = 0
    const chunk = Buffer.allocUnsafe(Math.min(committed, INDEX_CHECK_CHUNK) * OFFSET_BYTES)
    for (let first = 0; first < committed; first += INDEX_CHECK_CHUNK) {
      const n = Math.min(INDEX_CHECK_CHUNK, committed - first)
      const offsets = chunk.subarray(0, n * OFFSET_BYTES)
      await this.readFully(this.index, offsets, first * OFFSET_BYTES)
      for (let i = 0; i < n; i++) {
        const end = Number(offsets.readBigUInt64BE(i * OFFSET_BYTES))
        if (end < previousEnd) {
          corrupt('entries.idx', first + i, `entries.idx: entry ${first + i} ends at ${end}, before the entry ahead of it (${previousEnd})`)
        }
        previousEnd = end
      }
    }
    const dataSize = (await this.data.stat()).size
    if (previousEnd > dataSize) {
      corrupt('entries.bin', committed - 1, `entries.bin holds ${dataSize} bytes; entries.idx says entry ${committed - 1} ends at ${previousEnd}`)
    }
    const last = (await this.readRange(committed - 1, 1))[0]
    const input = new Uint8Array(last.length + 1)
    input.set(last, 1)
    if (toHex(sha256(input)) !== lastLeafHash) {
      corrupt('entries.idx', committed - 1, `entry ${committed - 1} as entries.idx bounds it in entries.bin is not the leaf the head commits to`)
    }
  }

  /** Cuts both files to `count` entries: what LevelDB's head says is committed. */
  async truncate(count: number): Promise<void> {
    if (count > this.count) {
      throw new TracechainError('STORE_CORRUPT', `the entry files hold ${this.count} entries; the head says ${count}`, {
        held: this.count,
        committed: count,
      })
    }
    this.forgetFrom(count)
    const dataEnd = count === 0 ? 0 : await this.endOf(count - 1)
    await this.index.truncate(count * OFFSET_BYTES)
    await this.data.truncate(dataEnd)
    await Promise.all([this.index.datasync(), this.data.datasync()])
    this.count = count
    this.dataEnd = dataEnd
  }

  /**
   * Appends entries firstSeq, firstSeq+1, ..., durable when it resolves. `firstSeq` may be below `length`
   * after a failed commit: those entries were never acknowledged and are written over.
   */
  async append(firstSeq: number, entries: readonly Uint8Array[]): Promise<void> {
    if (entries.length === 0) return
    if (firstSeq > this.count) {
      throw new TracechainError('INTERNAL', `entry ${firstSeq} appended after only ${this.count} entries`)
    }
    if (firstSeq < this.count) this.forgetFrom(firstSeq)
    let dataStart = this.dataEnd
    if (firstSeq < this.count) dataStart = firstSeq === 0 ? 0 : await this.endOf(firstSeq - 1)
    const offsets = Buffer.allocUnsafe(entries.length * OFFSET_BYTES)
    let end = dataStart
    for (let i = 0; i < entries.length; i++) {
      end += entries[i].length
      offsets.writeBigUInt64BE(BigInt(end), i * OFFSET_BYTES)
    }
    const [data, index] = await Promise.all([
      this.data.writev(entries as Uint8Array[], dataStart),
      this.index.write(offsets, 0, offsets.length, firstSeq * OFFSET_BYTES),
    ])
    // A full disk can end a write short without an error: those entries are not durable.
    if (data.bytesWritten !== end - dataStart || index.bytesWritten !== offsets.length) {
      throw new TracechainError('STORE_UNAVAILABLE', `a short write to the entry files (${data.bytesWritten} of ${end - dataStart} bytes, ${index.bytesWritten} of ${offsets.length})`)
    }
    this.count = firstSeq + entries.length
    this.dataEnd = end
  }

  async read(seq: number): Promise<Uint8Array | undefined> {
    const kept = this.recent.get(seq)
    if (kept !== undefined) {
      this.recent.delete(seq)
      this.recent.set(seq, kept)
      return Buffer.from(kept)
    }
    const changes = this.changes
    const [bytes] = await this.readRange(seq, 1)
    if (bytes !== undefined && changes === this.changes) this.keep(seq, bytes)
    return bytes
  }

  private keep(seq: number, bytes: Uint8Array): void {
    // Copies, here and on each hit: the bytes a caller was given are its own.
    this.recent.set(seq, Buffer.from(bytes))
    this.recentBytes += bytes.length
    while (this.recentBytes > RECENT_ENTRY_BYTES && this.recent.size > 0) {
      // Going on from where the last eviction stopped: a new iterator would rescan the holes left at the front.
      this.evicting ??= this.recent.entries()
      const oldest = this.evicting.next()
      if (oldest.done) {
        this.evicting = undefined
        continue
      }
      const [seq, dropped] = oldest.value
      this.recent.delete(seq)
      this.recentBytes -= dropped.length
    }
  }

  /** Forgets the entries kept from `seq` on: they are about to be written over or cut. */
  private forgetFrom(seq: number): void {
    this.changes++
    for (const [kept, bytes] of this.recent) {
      if (kept < seq) continue
      this.recent.delete(kept)
      this.recentBytes -= bytes.length
    }
  }

  /** Entries from..from+count-1 that the files hold, in order: two reads whatever the count. */
  async readRange(from: number, count: number): Promise<Uint8Array[]> {
    const n = Math.max(0, Math.min(count, this.count - from))
    if (n === 0 || from < 0) return []
    const first = from === 0 ? 0 : 1
    const offsets = Buffer.allocUnsafe((n + first) * OFFSET_BYTES)
    await this.readFully(this.index, offsets, (from - first) * OFFSET_BYTES)
    const start = first ? Number(offsets.readBigUInt64BE(0)) : 0
    const ends = Array.from({ length: n }, (_, i) => Number(offsets.readBigUInt64BE((i + first) * OFFSET_BYTES)))
    const bytes = Buffer.allocUnsafe(ends[n - 1] - start)
    await this.readFully(this.data, bytes, start)
    const out: Uint8Array[] = []
    let at = 0
    for (const e of ends) {
      out.push(bytes.subarray(at, e - start))
      at = e - start
    }
    return out
  }

  private async endOf(seq: number): Promise<number> {
    const buffer = Buffer.allocUnsafe(OFFSET_BYTES)
    await this.readFully(this.index, buffer, seq * OFFSET_BYTES)
    return Number(buffer.readBigUInt64BE(0))
  }

  private async readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
    let done = 0
    while (done < buffer.length) {
      const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done)
      if (bytesRead === 0) {
        throw new TracechainError('STORE_CORRUPT', `an entry file ends at ${position + done}, before the ${buffer.length} bytes wanted at ${position}`)
      }
      done += bytesRead
    }
  }
}

function corrupt(file: string, seq: number, message: string): never {
  throw new TracechainError('STORE_CORRUPT', message, { file, seq })
}
