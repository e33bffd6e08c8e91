// Idempotency: a statement is named by its actor and id, and a repeat gets the first one's answer. Its
// records, and the recent commits' records kept in memory, live apart from the append (as tessera keeps
// its dedupe apart from its sequencer).

import type { Statement } from '../core/statement.js'
import type { RecordWrite } from '../store/level-store.js'
import { SEP } from '../store/keys.js'

export const IDEMPOTENCY_SPACE = 'idem'
/** Commits whose idempotency records are kept in memory, for lookups made before they landed. */
export const RECENT_COMMITS_KEPT = 8

/** Where a statement landed; the answer a repeat of it gets. */
export interface IdempotencyRecord {
  seq: number
  payloadHash: string
  leafHash: string
}

/** The idempotency key of a statement: its actor and id. */
export function idempotencyKey(statement: Pick<Statement, 'actor' | 'id'>): string {
  return statement.actor + SEP + statement.id
}

/** The store's batched read of records, as LevelStore offers it. */
export interface RecordLookup {
  getRecords<T>(space: string, keys: string[], options?: { keep?: boolean }): Promise<(T | undefined)[]>
}

/** A lookup of a request's idempotency records, made once its statements were checked. */
export interface RepeatLookup {
  /** the records found, by the request's statement index; undefined when the lookup failed or never ran */
  found: readonly (IdempotencyRecord | undefined)[] | undefined
  /** commits that had landed when it started */
  asOf: number
}

/**
 * The idempotency records of the last few commits, by commit number: a lookup that started before
 * they landed did not see them, and this brings it up to date without reading the store again.
 */
export class RecentCommits {
  /** commits landed since open */
  count = 0
  private readonly recent: { commit: number; records: Map<string, IdempotencyRecord> }[] = []

  constructor(private readonly kept = RECENT_COMMITS_KEPT) {}

  /** A commit landed with these writes; its idempotency records are kept. */
  landed(writes: Iterable<RecordWrite>): void {
    this.count++
    const records = new Map<string, IdempotencyRecord>()
    for (const write of writes) if (write.space === IDEMPOTENCY_SPACE) records.set(write.key, write.value as IdempotencyRecord)
    this.recent.push({ commit: this.count, records })
    if (this.recent.length > this.kept) this.recent.shift()
  }

  /** Whether the commits since `asOf` are all still kept, so a lookup made then can be completed here. */
  covers(asOf: number): boolean {
    return asOf >= this.count - this.kept
  }

  /** The record of `key` written by a commit that landed after `asOf`, if a kept one wrote it. */
  since(asOf: number, key: string): IdempotencyRecord | undefined {
    for (const recent of this.recent) {
      if (recent.commit <= asOf) continue
      const found = recent.records.get(key)
      if (found) return found
    }
    return undefined
  }
}

/**
 * The stored idempotency records of `keys[i]`, statement i of a group being request `of[i].request`'s
 * statement `of[i].index`: each from its request's early lookup with what commits landed since then
 * wrote, or read again where that lookup failed or is older than the commits kept.
 */
export async function knownRepeats(
  store: RecordLookup,
  recent: RecentCommits,
  lookups: readonly RepeatLookup[],
  of: readonly { request: number; index: number }[],
  keys: readonly string[],
): Promise<(IdempotencyRecord | undefined)[]> {
  const known = new Array<IdempotencyRecord | undefined>(of.length)
  const stale: number[] = []
  for (let i = 0; i < of.length; i++) {
    const { found, asOf } = lookups[of[i].request]
    if (!found || !recent.covers(asOf)) {
      stale.push(i)
      continue
    }
    known[i] = found[of[i].index] ?? recent.since(asOf, keys[i])
  }
  if (stale.length > 0) {
    const fresh = await store.getRecords<IdempotencyRecord>(IDEMPOTENCY_SPACE, stale.map((i) => keys[i]), { keep: false })
    stale.forEach((i, j) => (known[i] = fresh[j]))
  }
  return known
}
