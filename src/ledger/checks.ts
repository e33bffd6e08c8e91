// The checks a statement passes before it is queued, none of which needs ledger state: the envelope's
// shape and encodings, the payload's canonical JSON, the body schema, the clock, and each signature
// against the keys its keyid named when it arrived. They run in worker threads on the server
// (check-pool.ts) and in the calling thread elsewhere; both run this one function.

import { fromBase64, toHex } from '../core/bytes.js'
import { parseCanonical } from '../core/canonical-json.js'
import { decodeEnvelope, withPae, type Envelope } from '../core/dsse.js'
import type { Ed25519 } from '../core/ed25519.js'
import { fail, isTracechainError, type ErrorCode } from '../core/errors.js'
import { sha256 } from '../core/hash.js'
import { MAX_PAYLOAD_BYTES, checkedStatementOf, parseStatementPayload, type Statement } from '../core/statement.js'
import { actorKinds } from './actor-kinds.js'
import { checkedEntryOf, type Entry } from './entry.js'
import { MAX_ENTRY_BYTES, longestEntryLength } from './entry-bytes.js'
import type { StatementFacts, StatementKind } from './kinds.js'
import { describeSchemaErrors, envelopeValidator, validateBody } from './schemas.js'

/** One request's statements, as they travel to a checker. */
export interface CheckJob {
  /** the envelopes as received: attacker-controlled, not yet shape-checked */
  envelopes: unknown[]
  /** per envelope, per signature: the base64 public keys registered under its keyid when it arrived */
  candidates: string[][][]
  /** statement types the ledger knows */
  types: string[]
  /** the types whose kinds have a `check` or `facts`: a checker that cannot run one fails the job, never skips it */
  typesWithChecks: string[]
  nowMs: number
  maxClockSkewMs: number
}

export interface CheckedStatement {
  statement: Statement
  payloadHash: string
  /** per signature: the key it verified against, null if none of the candidates, undefined if there were none */
  verifiedKeys: (string | null | undefined)[]
  /** what its kind derived from it (StatementKind.facts), if anything */
  facts?: StatementFacts
}

export interface CheckRefusal {
  refused: { code: ErrorCode; message: string; details?: unknown }
}

export type CheckOutcome = CheckedStatement | CheckRefusal

/**
 * A chunk of a followed log's entries, as it travels to a checker (a mirror's replay, replica.ts): each entry's
 * bytes are parsed there, and its statement checked as the node checked it, against the entry's own
 * recordedAt as the clock.
 */
export interface ReplicaCheckJob {
  /** the entries' bytes, as the log serves them: attacker-controlled */
  entries: Uint8Array[]
  /** the seq of the first */
  from: number
  /** per entry, per signature: candidate public keys (base64) for the keyid it names */
  candidates: string[][][]
  types: string[]
  typesWithChecks: string[]
  maxClockSkewMs: number
}

/** An entry that passed: its statement's checks, and the fields of the entry the sequencer needs. */
export interface CheckedReplicaEntry extends CheckedStatement {
  recordedAt: string
  /** hex leaf hash of the entry before, as this one names it */
  prev: string
  envelope: Envelope
}

export type ReplicaCheckOutcome = CheckedReplicaEntry | CheckRefusal

/**
 * What an audit's walk reads of an entry that passed (audit.ts): the whole statement only where the walk
 * applies it to the registry. Small, so a check thread sends it as it is, and nothing is parsed again.
 */
export interface AuditedEntry {
  /** hex leaf hash of the entry before, as this one names it */
  prev: string
  type: string
  actor: string
  /** each signature's keyid, in order */
  keyids: string[]
  verifiedKeys: (string | null | undefined)[]
  /** for the registry's own statements (actor-kinds.ts) */
  statement?: Statement
}

export type AuditCheckOutcome = AuditedEntry | CheckRefusal

export interface StatementChecker {
  check(job: CheckJob): Promise<CheckOutcome[]>
  checkReplica(job: ReplicaCheckJob): Promise<ReplicaCheckOutcome[]>
  /** checkReplica's verdicts for an audit, which sequences nothing: no kind's facts, each outcome an AuditedEntry */
  checkAudit(job: ReplicaCheckJob): Promise<AuditCheckOutcome[]>
}

/** The kinds' own stateless checks by type, each with the facts its kind derives when asked for them. */
export type KindChecks = ReadonlyMap<string, (statement: Statement, withFacts: boolean) => StatementFacts | undefined>

export function kindChecksOf(kinds: readonly StatementKind[]): Map<string, (statement: Statement, withFacts: boolean) => StatementFacts | undefined> {
  const checks = new Map<string, (statement: Statement, withFacts: boolean) => StatementFacts | undefined>()
  for (const kind of kinds) {
    if (!kind.check && !kind.facts) continue
    checks.set(kind.type, (statement, withFacts) => {
      kind.check?.(statement)
      return withFacts ? kind.facts?.(statement) : undefined
    })
  }
  return checks
}

/** Whether a kind runs anything in the check threads (StatementKind.check or .facts). */
export function hasKindChecks(kind: StatementKind): boolean {
  return kind.check !== undefined || kind.facts !== undefined
}

/** The job as each statement's checks use it. */
export interface CheckContext {
  types: ReadonlySet<string>
  typesWithChecks: ReadonlySet<string>
  kindChecks: KindChecks
  nowMs: number
  maxClockSkewMs: number
  /** whether the outcome goes to a sequencer (a node's appends, a mirror's replay), which alone reads the kinds'
   *  facts and the payload's hash */
  sequenced: boolean
}

export function checkContext(
  job: Pick<CheckJob, 'types' | 'typesWithChecks' | 'nowMs' | 'maxClockSkewMs'> & { sequenced?: boolean },
  kindChecks: KindChecks,
): CheckContext {
  for (const type of job.typesWithChecks) {
    if (!kindChecks.has(type)) throw new TypeError(`this checker has no check for ${type}: load its kind's module`)
  }
  const { nowMs, maxClockSkewMs } = job
  return { types: new Set(job.types), typesWithChecks: new Set(job.typesWithChecks), kindChecks, nowMs, maxClockSkewMs, sequenced: job.sequenced !== false }
}

/** The keyids an envelope names, read without trusting its shape (a bad shape is refused by the checks). */
export function keyidsOf(value: unknown): string[] {
  const signatures = (value as { signatures?: unknown } | null)?.signatures
  if (!Array.isArray(signatures)) return []
  return signatures.map((s: unknown) => {
    const keyid = (s as { keyid?: unknown } | null)?.keyid
    return typeof keyid === 'string' ? keyid : ''
  })
}

export function checkEnvelopeShape(value: unknown): Envelope {
  const validate = envelopeValidator()
  if (!validate(value)) {
    fail('BAD_REQUEST', `envelope ${describeSchemaErrors(validate.errors)}`, {
      errors: (validate.errors ?? []).slice(0, 10).map((e) => ({ path: e.instancePath, message: e.message })),
    })
  }
  return value as Envelope
}

/**
 * Runs every stateless check on one envelope; refusals come back as values, anything else throws. `nowMs` is
 * the clock it is judged against (the job's, or a replayed entry's recordedAt).
 */
export function checkStatement(ed: Ed25519, value: unknown, candidates: string[][], job: CheckContext, nowMs = job.nowMs): CheckOutcome {
  try {
    // Size first: a statement too large is that, whatever else is wrong with its envelope.
    const payload = (value as { payload?: unknown } | null)?.payload
    if (typeof payload === 'string' && payload.length > Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4) {
      fail('STATEMENT_TOO_LARGE', `statement payload is over ${MAX_PAYLOAD_BYTES} bytes`, { limit: MAX_PAYLOAD_BYTES })
    }
    const envelope = checkEnvelopeShape(value)
    const decoded = decodeEnvelope(envelope)
    // The payload cap (48 KiB) leaves base64 of up to 64 KiB, which with the rest of its entry would not fit
    // the uint16 length of a tlog-tiles entry bundle: the entry is what must fit.
    const entryLength = longestEntryLength(envelope)
    if (entryLength > MAX_ENTRY_BYTES) {
      fail('STATEMENT_TOO_LARGE', `the statement's log entry would be ${entryLength} bytes, over the ${MAX_ENTRY_BYTES} an entry bundle holds`, {
        limit: MAX_ENTRY_BYTES,
        entryBytes: entryLength,
      })
    }
    const statement = parseStatementPayload(decoded.payload)
    if (!job.types.has(statement.type)) fail('STATEMENT_TYPE_UNKNOWN', `no statement type ${statement.type}`, { type: statement.type })
    validateBody(statement.type, statement.body)
    const facts = job.typesWithChecks.has(statement.type) ? job.kindChecks.get(statement.type)?.(statement, job.sequenced) : undefined
    if (Date.parse(statement.issuedAt) - nowMs > job.maxClockSkewMs) {
      fail('ISSUED_IN_FUTURE', `issuedAt ${statement.issuedAt} is ahead of the node clock`, { issuedAt: statement.issuedAt })
    }
    const verifiedKeys = withPae(decoded.payloadType, decoded.payload, (message) =>
      decoded.signatures.map(({ sig }, i) => {
        const keys = candidates[i] ?? []
        if (keys.length === 0) return undefined
        return keys.find((key) => ed.verify(fromBase64(key), message, sig)) ?? null
      }),
    )
    if (verifiedKeys.includes(null)) {
      fail('SIGNATURE_INVALID', 'a signature does not verify over the DSSE PAE', {
        signatures: verifiedKeys.flatMap((k, i) => (k === null ? [decoded.signatures[i].keyid] : [])),
      })
    }
    const checked: CheckedStatement = { statement, payloadHash: job.sequenced ? toHex(sha256(decoded.payload)) : '', verifiedKeys }
    if (facts) checked.facts = facts
    return checked
  } catch (error) {
    if (!isTracechainError(error)) throw error
    return { refused: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) } }
  }
}

/**
 * An entry of a followed log (attacker-controlled bytes): its seq, recordedAt and envelope, read without
 * trusting the envelope's shape (checkStatement judges it; the entry sequenced again must give these exact
 * bytes). Throws ENTRY_INVALID with details.seq.
 */
export function parseReplicaEntry(bytes: Uint8Array, seq: number): { recordedAt: string; prev: string; envelope: Envelope } {
  let entry: Partial<Entry>
  try {
    entry = parseCanonical(bytes) as Partial<Entry>
  } catch (error) {
    const json = isTracechainError(error) && error.code === 'PAYLOAD_NOT_CANONICAL'
    return fail('ENTRY_INVALID', `entry ${seq} is not ${json ? 'RFC 8785 canonical JSON' : 'UTF-8 JSON'}`, { seq })
  }
  if (entry?.seq !== seq) fail('ENTRY_INVALID', `the entry at ${seq} says seq ${String(entry?.seq)}`, { seq })
  if (typeof entry.recordedAt !== 'string' || !Number.isFinite(Date.parse(entry.recordedAt))) fail('ENTRY_INVALID', `entry ${seq} has no recordedAt time`, { seq })
  if (typeof entry.prev !== 'string') fail('ENTRY_INVALID', `entry ${seq} has no prev`, { seq })
  return { recordedAt: entry.recordedAt, prev: entry.prev, envelope: entry.envelope as Envelope }
}

/** An entry of a replica job parsed, and its statement checked against the entry's own recordedAt; or why not. */
function checkReplicaEntry(ed: Ed25519, bytes: Uint8Array, seq: number, candidates: string[][], context: CheckContext): { entry: ReturnType<typeof parseReplicaEntry>; outcome: CheckOutcome } | CheckRefusal {
  let entry: ReturnType<typeof parseReplicaEntry>
  try {
    entry = parseReplicaEntry(bytes, seq)
  } catch (error) {
    if (!isTracechainError(error)) throw error
    return { refused: { code: error.code, message: error.message, details: error.details } }
  }
  return { entry, outcome: checkStatement(ed, entry.envelope, candidates, context, Date.parse(entry.recordedAt)) }
}

/** The checks of a replica job's entries (see ReplicaCheckJob), in order; refusals come back as values. */
export function checkReplicaEntries(ed: Ed25519, job: ReplicaCheckJob, kindChecks: KindChecks): ReplicaCheckOutcome[] {
  const context = checkContext({ ...job, nowMs: 0 }, kindChecks)
  return job.entries.map((bytes, i) => {
    const checked = checkReplicaEntry(ed, bytes, job.from + i, job.candidates[i] ?? [], context)
    if ('refused' in checked) return checked
    const { entry, outcome } = checked
    // The outcome is this call's own object: the entry's fields are added to it rather than copied with it.
    return 'refused' in outcome ? outcome : Object.assign(outcome, entry)
  })
}

/** The same checks for an audit (StatementChecker.checkAudit): nothing derived for a sequencer, each outcome what
 *  its walk reads. */
export function auditReplicaEntries(ed: Ed25519, job: ReplicaCheckJob, kindChecks: KindChecks): AuditCheckOutcome[] {
  const context = checkContext({ ...job, nowMs: 0, sequenced: false }, kindChecks)
  return job.entries.map((bytes, i) => {
    const checked = checkReplicaEntry(ed, bytes, job.from + i, job.candidates[i] ?? [], context)
    if ('refused' in checked) return checked
    const { entry, outcome } = checked
    if ('refused' in outcome) return outcome
    const { statement, verifiedKeys } = outcome
    const audited: AuditedEntry = { prev: entry.prev, type: statement.type, actor: statement.actor, keyids: entry.envelope.signatures.map((s) => s.keyid), verifiedKeys }
    if (REGISTRY_TYPES.has(statement.type)) audited.statement = statement
    return audited
  })
}

const REGISTRY_TYPES = new Set(actorKinds.map((kind) => kind.type))

// ---- the outcomes as a check thread sends them back

/**
 * An outcome as a check thread posts it: without what the main thread can parse again from the bytes it sent
 * (the statement; for an entry also its envelope, recordedAt and prev). A structured clone of those objects cost
 * about 15 µs to write and 15 to read per food event, where JSON.parse of the same checked bytes costs 3-4.
 */
export type WireOutcome = Omit<CheckedStatement, 'statement'> | CheckRefusal

export function toWire(outcome: CheckOutcome | ReplicaCheckOutcome): WireOutcome {
  if ('refused' in outcome) return outcome
  const { payloadHash, verifiedKeys, facts } = outcome
  return facts ? { payloadHash, verifiedKeys, facts } : { payloadHash, verifiedKeys }
}

/**
 * The outcome of `envelope` from its wire form. Only for an envelope the checks accepted: its payload is then
 * canonical base64 of canonical JSON, which parses here to the value the checks judged.
 */
export function statementOutcomeFromWire(wire: WireOutcome, envelope: unknown): CheckOutcome {
  if ('refused' in wire) return wire
  return { statement: checkedStatementOf(envelope as Envelope), ...wire }
}

/** The outcome of an entry from its wire form; only for an entry the checks accepted (see statementOutcomeFromWire). */
export function replicaOutcomeFromWire(wire: WireOutcome, bytes: Uint8Array): ReplicaCheckOutcome {
  if ('refused' in wire) return wire
  const { recordedAt, prev, envelope } = checkedEntryOf(bytes)
  return { ...statementOutcomeFromWire(wire, envelope), recordedAt, prev, envelope } as CheckedReplicaEntry
}

/** Checks in the calling thread: tests, tools, and any process that runs no worker threads. */
export function inlineChecker(ed: Ed25519, kinds: readonly StatementKind[] = []): StatementChecker {
  const kindChecks = kindChecksOf(kinds)
  return {
    async check(job) {
      const context = checkContext(job, kindChecks)
      return job.envelopes.map((value, i) => checkStatement(ed, value, job.candidates[i] ?? [], context))
    },
    async checkReplica(job) {
      return checkReplicaEntries(ed, job, kindChecks)
    },
    async checkAudit(job) {
      return auditReplicaEntries(ed, job, kindChecks)
    },
  }
}
