// The full audit of a run of entries: canonical bytes, seqs, the hash chain, every DSSE signature
// against the registry as of its seq, and the Merkle root. No I/O: the node, the CLI (over HTTP or a
// data directory) feed it entries in order, so all three check with the same code.

import { parseCanonical } from '../core/canonical-json.js'
import { bytesEqual, fromBase64, toHex } from '../core/bytes.js'
import { decodeEnvelope, pae, type DecodedEnvelope } from '../core/dsse.js'
import type { AsyncEd25519 } from '../core/ed25519.js'
import { TracechainError, fail, isTracechainError, type ErrorCode } from '../core/errors.js'
import { keyIdOf } from '../core/keys.js'
import { leafHash, nodeHash } from '../core/merkle.js'
import { parseStatementPayload, type Statement } from '../core/statement.js'
import { keyValidAt } from '../core/key-validity.js'
import { applyActorStatement } from './actor-kinds.js'
import { GENESIS_PREV, type Entry } from './entry.js'
import { Registry, type ActorRecord } from './registry.js'

export interface AuditFinding {
  seq: number
  code: ErrorCode
  reason: string
}

/** Whether `actor` holds `publicKey` as a key that may sign the statement at `seq`. */
function holdsKeyAt(actor: ActorRecord, publicKey: string, seq: number): boolean {
  return actor.keys.some((k) => k.publicKey === publicKey && keyValidAt(k, seq))
}

/** The root of a growing tree from its perfect subtrees, left to right (a compact range from 0). */
export class RootAccumulator {
  private readonly stack: Uint8Array[] = []
  size = 0

  push(leaf: Uint8Array): void {
    let hash = leaf
    let size = this.size
    while (size % 2 === 1) {
      hash = nodeHash(this.stack.pop() as Uint8Array, hash)
      size = Math.floor(size / 2)
    }
    this.stack.push(hash)
    this.size++
  }

  /** RFC 9162 root of the leaves pushed so far; requires size > 0. */
  root(): Uint8Array {
    if (this.size === 0) throw new RangeError('"size" must be positive for a root')
    let hash = this.stack[this.stack.length - 1]
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i], hash)
    return hash
  }
}

export interface AuditorOptions {
  ed: AsyncEd25519
  /** first seq fed; 0 replays the registry from genesis */
  from: number
  /** hex leaf hash of entry from-1 (GENESIS_PREV when from is 0) */
  prevLeafHash: string
  /** for from > 0: the registry to judge signatures with (keys carry the seqs they were valid for) */
  registry?: Registry
}

export interface AuditInput {
  seq: number
  bytes: Uint8Array
  /** the leaf hash the tree (or the serving node) claims for this seq */
  expectedLeafHash?: Uint8Array
}

interface ParsedEntry {
  seq: number
  bytes: Uint8Array
  expectedLeafHash?: Uint8Array
  entry?: Entry
  problem?: TracechainError
}

/** Audits entries fed in seq order; stops at the first bad one. */
export class Auditor {
  private readonly ed: AsyncEd25519
  private readonly replay: boolean
  private readonly registry: Registry
  private expectedSeq: number
  private prev: string
  readonly accumulator?: RootAccumulator
  checked = 0
  firstBad?: AuditFinding

  constructor(options: AuditorOptions) {
    this.ed = options.ed
    this.replay = options.from === 0
    this.registry = this.replay ? new Registry() : (options.registry ?? new Registry())
    this.expectedSeq = options.from
    this.prev = options.prevLeafHash
    if (this.replay) this.accumulator = new RootAccumulator()
  }

  /** Checks a chunk of consecutive entries; returns false once a bad entry was found. */
  async feed(chunk: AuditInput[]): Promise<boolean> {
    if (this.firstBad) return false
    const parsed: ParsedEntry[] = chunk.map(({ seq, bytes, expectedLeafHash }) => {
      try {
        return { seq, bytes, entry: parseEntryBytes(bytes), expectedLeafHash }
      } catch (error) {
        return { seq, bytes, problem: asFinding(error, 'ENTRY_INVALID') }
      }
    })
    // Signatures are the cost: check them all concurrently, then walk the chain in order. Keys that
    // this chunk itself registers are candidates too; whether a key was valid at its seq is judged later.
    const decodedAll = parsed.map((p) => {
      if (!p.entry) return undefined
      try {
        const decoded = decodeEnvelope(p.entry.envelope)
        return { decoded, statement: parseStatementPayload(decoded.payload) }
      } catch (error) {
        return asFinding(error, 'ENTRY_INVALID')
      }
    })
    const chunkKeys = new Map<string, string[]>()
    for (const d of decodedAll) {
      if (!d || d instanceof TracechainError) continue
      const publicKey = d.statement.body.publicKey
      if ((d.statement.type === 'actor.register' || d.statement.type === 'actor.rotate-key') && typeof publicKey === 'string') {
        try {
          const keyid = keyIdOf(fromBase64(publicKey))
          chunkKeys.set(keyid, [...(chunkKeys.get(keyid) ?? []), publicKey])
        } catch {
          // a malformed key in the body is caught when the entry is replayed
        }
      }
    }
    const verified = await Promise.all(
      decodedAll.map((d) => {
        if (!d) return Promise.resolve(undefined)
        if (d instanceof TracechainError) return Promise.resolve(d)
        return this.verifySignatures(d.decoded, d.statement, chunkKeys).catch((error: unknown) => asFinding(error, 'ENTRY_INVALID'))
      }),
    )
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i]
      try {
        if (p.problem) throw p.problem
        const entry = p.entry as Entry
        if (p.seq !== this.expectedSeq || entry.seq !== p.seq) {
          fail('ENTRY_INVALID', `expected seq ${this.expectedSeq}, found ${entry.seq} stored at ${p.seq}`)
        }
        if (entry.prev !== this.prev) fail('CHAIN_BROKEN', `prev is ${entry.prev}, the leaf hash of entry ${p.seq - 1} is ${this.prev}`)
        const result = verified[i]
        if (result instanceof TracechainError) throw result
        this.checkSigners(p.seq, result as VerifiedSignatures)
        const leaf = leafHash(p.bytes)
        if (p.expectedLeafHash && !bytesEqual(leaf, p.expectedLeafHash)) {
          fail('ENTRY_INVALID', `the entry's leaf hash ${toHex(leaf)} differs from the one the tree commits to, ${toHex(p.expectedLeafHash)}`)
        }
        this.prev = toHex(leaf)
        this.accumulator?.push(leaf)
        this.expectedSeq++
        this.checked++
      } catch (error) {
        const finding = asFinding(error, 'ENTRY_INVALID')
        this.firstBad = { seq: p.seq, code: finding.code, reason: finding.message }
        return false
      }
    }
    return true
  }

  private async verifySignatures(decoded: DecodedEnvelope, statement: Statement, chunkKeys: Map<string, string[]>): Promise<VerifiedSignatures> {
    const message = pae(decoded.payloadType, decoded.payload)
    const keys = await Promise.all(
      decoded.signatures.map(async ({ keyid, sig }) => {
        const candidates = new Set([...this.registry.publicKeysFor(keyid), ...(chunkKeys.get(keyid) ?? [])])
        for (const candidate of candidates) {
          const raw = fromBase64(candidate)
          const ok = this.ed.verifyAsync ? await this.ed.verifyAsync(raw, message, sig) : this.ed.verify(raw, message, sig)
          if (ok) return { keyid, publicKey: candidate }
        }
        return fail('SIGNATURE_INVALID', `signature by key ${keyid} does not verify`, { keyid })
      }),
    )
    return { statement, keys }
  }

  private checkSigners(seq: number, { statement, keys }: VerifiedSignatures): void {
    if (seq === 0) {
      const body = statement.body as { id?: string; publicKey?: string; roles?: string[] }
      if (statement.type !== 'actor.register' || body.id !== statement.actor || !body.roles?.includes('admin')) {
        fail('ENTRY_INVALID', 'entry 0 is not an admin registering itself')
      }
      if (!keys.some((k) => k.publicKey === body.publicKey)) fail('SIGNATURE_MISSING', 'entry 0 is not signed by the key it registers')
    } else {
      for (const { keyid, publicKey } of keys) {
        if (!this.registry.keyOwnerAt(keyid, publicKey, seq)) {
          fail('KEY_NOT_VALID', `key ${keyid} was not valid at seq ${seq}`, { keyid })
        }
      }
      const actor = this.registry.get(statement.actor)
      if (!actor) fail('UNKNOWN_ACTOR', `actor ${statement.actor} was not registered at seq ${seq}`)
      if (!keys.some((k) => holdsKeyAt(actor, k.publicKey, seq))) fail('SIGNATURE_MISSING', `no valid signature by ${actor.id}`)
    }
    if (this.replay) {
      try {
        applyActorStatement(this.registry, statement, seq)
      } catch (error) {
        fail('ENTRY_INVALID', `actor statement does not apply: ${(error as Error).message}`)
      }
    }
  }
}

interface VerifiedSignatures {
  statement: Statement
  keys: { keyid: string; publicKey: string }[]
}

/**
 * An entry's bytes, which must be the RFC 8785 form of the entry. parseCanonical's check (the native
 * stringify reproducing the text, keys in order) is several times faster than serialising the entry
 * again with canonicalize, which it falls back to only where the two could differ.
 */
function parseEntryBytes(bytes: Uint8Array): Entry {
  try {
    return parseCanonical(bytes) as Entry
  } catch (error) {
    if (isTracechainError(error) && error.code === 'PAYLOAD_NOT_CANONICAL') fail('ENTRY_INVALID', 'entry bytes are not RFC 8785 canonical JSON')
    return fail('ENTRY_INVALID', 'entry bytes are not UTF-8 JSON')
  }
}

function asFinding(error: unknown, fallback: ErrorCode): TracechainError {
  if (isTracechainError(error)) return error
  return new TracechainError(fallback, (error as Error)?.message ?? String(error))
}

export { GENESIS_PREV }
