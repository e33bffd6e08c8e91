// `tracechain verify`: audits a node over HTTP (--url) or a data directory, a node's or a mirror's (--dir),
// with the same Auditor the node uses, and with --checkpoint FILE proves the tree still extends a checkpoint seen
// earlier, so a rewritten or rolled-back history is caught.

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Ledger } from '../ledger/ledger.js'
import { askNode, askNodeJson } from './node-client.js'
import { WITNESSED_CHECKPOINT_FILE } from './node-dir.js'
import { bytesEqual, fromHex, toHex } from '../core/bytes.js'
import { verifyCheckpoint, type Checkpoint } from '../core/checkpoint.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { fail, isTracechainError } from '../core/errors.js'
import { canonicalJson } from '../core/canonical-json.js'
import { verifyConsistency } from '../core/merkle.js'
import { MAX_NOTE_BYTES } from '../core/signed-note.js'
import { MAX_ENTRY_BYTES } from '../ledger/entry-bytes.js'
import { Auditor, GENESIS_PREV, auditRange, type AuditInput } from '../ledger/audit.js'
import { auditLedger } from '../ledger/audit-ledger.js'
import { openDataDir } from './mirror-dir.js'
import { CheckPool } from '../ledger/check-pool.js'
import { DEFAULT_MAX_CLOCK_SKEW_MS } from '../ledger/ledger.js'
import { logChecksOf } from '../ledger/replica.js'
import { DOMAIN_KIND_MODULES, DOMAIN_KINDS } from './node-dir.js'
import { writeFileDurably } from '../store/durable-file.js'

export const PAGE_SIZE = 1000

export interface VerifyOutcome {
  ok: boolean
  checked: number
  size: number
  root: string
  /** the first bad entry; no seq where the store's damage names none (STORE_CORRUPT of a whole file) */
  firstBad?: { seq?: number; code: string; reason: string }
  /** what --checkpoint established, in words */
  consistency?: string
  /** the checkpoint audited against, as served (with any witnesses' cosignatures) */
  note?: string
}

export type Progress = (checked: number, total: number) => void

/**
 * The node audited is not trusted: each answer is read to at most what it can hold (a key, a checkpoint, a page of
 * PAGE_SIZE entries at their longest), so an endless or compressed-endless answer cannot take the auditor's memory.
 */
const MAX_ANSWER_BYTES = { key: 4 * 1024, checkpoint: MAX_NOTE_BYTES, page: PAGE_SIZE * (MAX_ENTRY_BYTES + 1024), proof: 64 * 1024 }

/** As Response.text() decodes: malformed UTF-8 becomes U+FFFD, which the checks of what it says then refuse. */
const lenientUtf8 = new TextDecoder()

interface SavedCheckpoint {
  note: string
  checkpoint: Checkpoint
}

function readSavedCheckpoint(file: string | undefined, verifierKey: string): SavedCheckpoint | undefined {
  if (!file || !existsSync(file)) return undefined
  const note = readFileSync(file, 'utf8')
  return { note, checkpoint: verifyCheckpoint(nodeEd25519, note, verifierKey) }
}

/** Audits a node over HTTP. `verifierKey` pins the log key; without it the node's own is used (trust on first use). */
export async function verifyUrl(
  baseUrl: string,
  options: { verifierKey?: string; checkpointFile?: string; onProgress?: Progress; timeoutMs?: number } = {},
): Promise<VerifyOutcome> {
  const base = baseUrl.replace(/\/+$/, '')
  // Each answer of the node audited read within its bound and the deadline.
  const { timeoutMs } = options
  const fetchText = async (url: string, maxBytes: number) => lenientUtf8.decode((await askNode(url, { maxBytes, timeoutMs })).body)
  const fetchJson = async <T>(url: string, maxBytes: number) => (await askNodeJson<T>(url, { maxBytes, timeoutMs })).value
  const servedKey = (await fetchText(`${base}/v1/log/key`, MAX_ANSWER_BYTES.key)).trim()
  const verifierKey = options.verifierKey ?? servedKey
  if (verifierKey !== servedKey) fail('NOTE_SIGNATURE_INVALID', 'the node serves a different log key than the one pinned')
  const note = await fetchText(`${base}/v1/checkpoint`, MAX_ANSWER_BYTES.checkpoint)
  const checkpoint = verifyCheckpoint(nodeEd25519, note, verifierKey)
  const saved = readSavedCheckpoint(options.checkpointFile, verifierKey)
  if (saved && saved.checkpoint.size > checkpoint.size) {
    // A finding (exit 1), not an error: name the first seq the node no longer has.
    return failed(0, checkpoint.size, 'CHECKPOINT_MISMATCH', `the node's tree shrank from ${saved.checkpoint.size} to ${checkpoint.size}: history was rolled back`, checkpoint.size)
  }

  // The node's own checks, in this process's check threads, as a mirror replaying the log runs them.
  const checks = logChecksOf(DOMAIN_KINDS, CheckPool.shared(DOMAIN_KIND_MODULES), DEFAULT_MAX_CLOCK_SKEW_MS)
  const auditor = new Auditor({ ed: nodeEd25519, checks, from: 0, prevLeafHash: GENESIS_PREV })
  if (saved) auditor.keepRoot(saved.checkpoint.size)
  // An entry the node serves malformed is a finding at its seq, as a bad entry is: the chunk is cut before it, the
  // entries ahead of it are walked (one of them may be the first bad), and the audit stops there.
  let malformed: { seq: number; code: string; reason: string } | undefined
  const read = async (from: number, limit: number) => {
    const page = await fetchJson<{ entries: { entry: unknown; leafHash: string }[] }>(`${base}/v1/entries?from=${from}&limit=${limit}`, MAX_ANSWER_BYTES.page)
    if (!Array.isArray(page?.entries)) fail('ENTRY_INVALID', `the node answered entries from ${from} without a list of entries`)
    if (page.entries.length < limit) fail('ENTRY_INVALID', `the node served ${page.entries.length} entries from ${from}, expected ${limit}`)
    const inputs: AuditInput[] = []
    for (const [i, item] of (page.entries as unknown[]).entries()) {
      try {
        inputs.push(servedInput(from + i, item))
      } catch (error) {
        const finding = { seq: from + i, code: isTracechainError(error) ? error.code : 'ENTRY_INVALID', reason: (error as Error).message }
        if (malformed === undefined || finding.seq < malformed.seq) malformed = finding
        break
      }
    }
    return inputs
  }
  await auditRange(auditor, 0, checkpoint.size, PAGE_SIZE, read, { onProgress: options.onProgress && ((checked) => options.onProgress?.(checked, checkpoint.size)) })
  const rootAtSaved = auditor.keptRoot
  if (auditor.firstBad) return { ok: false, checked: auditor.checked, size: checkpoint.size, root: '', firstBad: auditor.firstBad }
  if (malformed) return { ok: false, checked: auditor.checked, size: checkpoint.size, root: '', firstBad: malformed }
  const root = (auditor.accumulator as NonNullable<Auditor['accumulator']>).root()
  if (!bytesEqual(root, checkpoint.rootHash)) {
    return failed(auditor.checked, checkpoint.size, 'CHECKPOINT_MISMATCH', `the entries give root ${toHex(root)}, the checkpoint signs ${toHex(checkpoint.rootHash)}`)
  }
  let consistency: string | undefined
  if (saved) {
    if (!rootAtSaved || !bytesEqual(rootAtSaved, saved.checkpoint.rootHash)) {
      return failed(auditor.checked, checkpoint.size, 'CHECKPOINT_MISMATCH', `history rewritten: the root at size ${saved.checkpoint.size} differs from the checkpoint seen earlier`)
    }
    // Valid JSON of any shape (null, a number): only a list of hashes that verifies is a proof.
    const answer = await fetchJson<unknown>(`${base}/v1/proofs/consistency?from=${saved.checkpoint.size}&to=${checkpoint.size}`, MAX_ANSWER_BYTES.proof)
    const proof = typeof answer === 'object' && answer !== null ? (answer as { proof?: unknown }).proof : undefined
    try {
      if (!Array.isArray(proof)) throw new TypeError('the node answered no list of hashes')
      verifyConsistency(saved.checkpoint.size, checkpoint.size, proof.map((h) => fromHex(h as string)), saved.checkpoint.rootHash, checkpoint.rootHash)
    } catch {
      return failed(auditor.checked, checkpoint.size, 'CHECKPOINT_MISMATCH', `the node's consistency proof from the checkpoint at size ${saved.checkpoint.size} does not verify`)
    }
    consistency = `consistent with the checkpoint at size ${saved.checkpoint.size}`
  }
  if (options.checkpointFile) writeFileDurably(options.checkpointFile, note)
  return { ok: true, checked: auditor.checked, size: checkpoint.size, root: toHex(root), note, ...(consistency ? { consistency } : {}) }
}

/** Entry `seq` as /v1/entries serves it: its canonical bytes and the leaf hash the node claims; ENTRY_INVALID if malformed. */
function servedInput(seq: number, item: unknown): AuditInput {
  const { entry, leafHash } = (item ?? {}) as { entry?: unknown; leafHash?: unknown }
  let text: string | undefined
  try {
    text = typeof entry === 'object' && entry !== null && typeof leafHash === 'string' ? canonicalJson(entry) : undefined
  } catch {
    text = undefined
  }
  if (text === undefined) fail('ENTRY_INVALID', `the node served seq ${seq} without an entry object and its leafHash`)
  let expectedLeafHash: Uint8Array
  try {
    expectedLeafHash = fromHex(leafHash as string, 'leafHash')
  } catch (error) {
    fail('ENTRY_INVALID', `the node served seq ${seq} with a malformed leafHash: ${(error as Error).message}`)
  }
  if (expectedLeafHash.length !== 32) fail('ENTRY_INVALID', `the node served seq ${seq} with a leafHash of ${expectedLeafHash.length} bytes, not 32`)
  return { seq, bytes: new TextEncoder().encode(text), expectedLeafHash }
}

/** The witnessed checkpoint a node keeps beside its store (serve --witness), if it is one of this tree's. */
async function witnessedNoteOf(dir: string, ledger: Ledger): Promise<string | undefined> {
  const file = join(dir, WITNESSED_CHECKPOINT_FILE)
  if (!existsSync(file)) return undefined
  const note = readFileSync(file, 'utf8')
  const checkpoint = verifyCheckpoint(nodeEd25519, note, ledger.verifierKey)
  if (checkpoint.size > ledger.size || !bytesEqual(await ledger.rootAt(checkpoint.size), checkpoint.rootHash)) {
    fail('CHECKPOINT_MISMATCH', `${file} is not a checkpoint of this tree`)
  }
  return note
}

/**
 * Audits a data directory, a node's or a mirror's (neither may be running: LevelDB takes a lock): the same
 * audit of the same store format, against the checkpoint the directory holds, its own or the followed log's.
 */
export async function verifyDir(dir: string, options: { verifierKey?: string; checkpointFile?: string; onProgress?: Progress } = {}): Promise<VerifyOutcome> {
  try {
    return await verifyOpenedDir(dir, options)
  } catch (error) {
    // A store that does not read back as the log it committed (an entry file cut or rewritten, a tile lost) is the
    // directory's verdict, not the operator's mistake: FAILED, at the seq the store names where it names one.
    if (!isTracechainError(error) || error.code !== 'STORE_CORRUPT') throw error
    const seq = (error.details as { seq?: unknown } | undefined)?.seq
    return { ok: false, checked: 0, size: 0, root: '', firstBad: { ...(typeof seq === 'number' ? { seq } : {}), code: error.code, reason: error.message } }
  }
}

async function verifyOpenedDir(dir: string, options: { verifierKey?: string; checkpointFile?: string; onProgress?: Progress }): Promise<VerifyOutcome> {
  const node = await openDataDir(dir)
  try {
    const { ledger } = node
    // Pinned as for a node: the directory's own key proves only that it is the log it says it is.
    if (options.verifierKey !== undefined && options.verifierKey !== ledger.verifierKey) fail('NOTE_SIGNATURE_INVALID', `${dir} holds another log than the one pinned: its key is ${ledger.verifierKey}`)
    if (ledger.size === 0) fail('NOT_INITIALISED', `the mirror in ${dir} has verified no entries yet`)
    const checkpoint = verifyCheckpoint(nodeEd25519, ledger.checkpoint, ledger.verifierKey)
    const saved = readSavedCheckpoint(options.checkpointFile, ledger.verifierKey)
    if (saved && saved.checkpoint.size > checkpoint.size) {
      return failed(0, checkpoint.size, 'CHECKPOINT_MISMATCH', `the tree shrank from ${saved.checkpoint.size} to ${checkpoint.size}: history was rolled back`, checkpoint.size)
    }
    const report = await auditLedger(ledger, nodeEd25519, 0, ledger.size, { onProgress: options.onProgress })
    if (!report.ok) return { ok: false, checked: report.checked, size: ledger.size, root: '', firstBad: report.firstBad }
    let consistency: string | undefined
    if (saved) {
      const proof = await ledger.consistencyProof(saved.checkpoint.size, checkpoint.size)
      try {
        verifyConsistency(saved.checkpoint.size, checkpoint.size, proof, saved.checkpoint.rootHash, checkpoint.rootHash)
      } catch {
        return failed(report.checked, ledger.size, 'CHECKPOINT_MISMATCH', `history rewritten: the tree does not extend the checkpoint at size ${saved.checkpoint.size}`)
      }
      consistency = `consistent with the checkpoint at size ${saved.checkpoint.size}`
    }
    if (options.checkpointFile) writeFileDurably(options.checkpointFile, ledger.checkpoint)
    return { ok: true, checked: report.checked, size: ledger.size, root: report.root, note: await witnessedNoteOf(dir, ledger) ?? ledger.checkpoint, ...(consistency ? { consistency } : {}) }
  } finally {
    await node.close()
  }
}

function failed(checked: number, size: number, code: string, reason: string, seq = size - 1): VerifyOutcome {
  return { ok: false, checked, size, root: '', firstBad: { seq, code, reason } }
}

