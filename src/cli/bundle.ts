// `tracechain bundle --url U (--id LOT | --seq N | --application ID) --out FILE` downloads an offline proof
// bundle from a node, and `tracechain verify --bundle FILE --key VKEY` verifies one with nothing but the log
// key (web/verify-bundle.ts, the code the standalone page runs) and says in words what it proves.

import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { CANONICAL_DIGITAL_LINK_BASE, formatDigitalLinkPath, gtinElements } from '../core/digital-link-path.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { TracechainError } from '../core/errors.js'
import { logKeyIdOf } from '../core/log-key-id.js'
import { BUNDLE_MEDIA_TYPE, MAX_BUNDLE_BYTES, parseProofBundle, type BundleSubject, type ProofBundle } from '../core/proof-bundle.js'
import { parseIdentifier } from '../food/identifiers.js'
import type { BundleAccount } from '../web/bundle-account.js'
import { askNode } from './node-client.js'
import { printable } from './printable.js'

/** The longest line of an account printed: a Digital Link of 512 characters and its words fit. */
const MAX_LINE = 4096
import { verifyBundle, type BundleVerification } from '../web/verify-bundle.js'
import type { Failure, WitnessPolicy } from '../web/verify-log.js'

export interface BundleDownload {
  url: string
  /** a lot: its Digital Link (a URI on any domain, or the path /01/{gtin}/10/{lot}) or EPC URN (urn:epc:class:lgtin:...) */
  id?: string
  seq?: string
  application?: string
  out: string
  /** how long the node's answer may take (--timeout), cli/node-client.ts's default when absent */
  timeoutMs?: number
}

/** The node path of the bundle asked for. Throws BAD_REQUEST unless exactly one subject is named and it is one. */
export function bundlePath(options: Pick<BundleDownload, 'id' | 'seq' | 'application'>): string {
  const named = [options.id, options.seq, options.application].filter((value) => value !== undefined)
  if (named.length !== 1) throw new TracechainError('BAD_REQUEST', 'bundle needs exactly one of --id LOT, --seq N, --application ID')
  if (options.seq !== undefined) {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(options.seq)) throw new TracechainError('BAD_REQUEST', `--seq must be an entry's seq, got ${options.seq}`)
    return `/v1/bundles/entries/${options.seq}`
  }
  if (options.application !== undefined) return `/v1/seals/applications/${encodeURIComponent(options.application)}`
  // A resolver path stands for the Digital Link of the same path on any domain.
  const id = options.id as string
  const identifier = parseIdentifier(id.startsWith('/') ? `${CANONICAL_DIGITAL_LINK_BASE}${id}` : id)
  if (identifier.gtin === undefined || identifier.lot === undefined || identifier.serial !== undefined) {
    throw new TracechainError('BAD_REQUEST', `--id must name a lot (GTIN and lot), got ${options.id}`)
  }
  return `/${formatDigitalLinkPath(gtinElements({ gtin: identifier.gtin, lot: identifier.lot }))}`
}

/** As Response.text() and File.text() decode: a leading BOM is dropped, malformed UTF-8 becomes U+FFFD (which the bundle's checks then refuse). */
const lenientUtf8 = new TextDecoder()

/** Fetches the bundle, checks its shape and writes it; one line on what it holds. Throws the node's code when it refuses. */
export async function downloadBundle(options: BundleDownload): Promise<string> {
  const url = `${options.url.replace(/\/+$/, '')}${bundlePath(options)}`
  // The node is not trusted (that is what the bundle is for): it is read no further than a bundle may be.
  const { body } = await askNode(url, { headers: { accept: BUNDLE_MEDIA_TYPE }, maxBytes: MAX_BUNDLE_BYTES, timeoutMs: options.timeoutMs })
  const text = lenientUtf8.decode(body)
  let bundle: ProofBundle
  try {
    bundle = parseProofBundle(JSON.parse(text))
  } catch (error) {
    throw new TracechainError('BUNDLE_INVALID', `${url} did not answer a proof bundle: ${(error as Error).message}`)
  }
  writeFileSync(options.out, text)
  // What the bundle says is a node's word, printed without the control characters it may hold (verifyBundleFile).
  const wrote = printable(
    `wrote ${options.out}: ${describeSubject(bundle.about)}, ${bundle.about.seqs.length} entries and ${bundle.entries.length - bundle.about.seqs.length} registry entries, ` +
      `checkpoint of size ${checkpointSize(bundle.checkpoint)} by log key ${logKeyIdOf(bundle.verifierKey)}`,
    MAX_LINE,
  )
  return `${wrote}\ncheck it with a log key you trust: tracechain verify --bundle ${options.out} --key VERIFIER_KEY`
}

function checkpointSize(note: string): string {
  return note.split('\n', 2)[1] ?? '?'
}

function describeSubject(about: BundleSubject): string {
  switch (about.kind) {
    case 'lot':
      return `lot ${about.lot} of GTIN ${about.gtin} (${about.digitalLink})`
    case 'entry':
      return `entry ${about.seq}`
    case 'seal-application':
      return `application ${about.applicationId} to use seal ${about.sealId}`
  }
}

function nameOf(name: unknown, id: string): string {
  if (typeof name === 'string') return `${name} (${id})`
  const { zh, en } = (name ?? {}) as { zh?: string; en?: string }
  const text = [en, zh].filter(Boolean).join(' / ')
  return text ? `${text} (${id})` : id
}

function describeFailure(failure: Failure): string {
  const where = [failure.seq !== undefined ? `entry ${failure.seq}` : undefined, failure.actor ? `actor ${failure.actor}` : undefined, failure.keySeq !== undefined ? `registry entry ${failure.keySeq}` : undefined]
  return `${failure.check}${where.some(Boolean) ? ` (${where.filter(Boolean).join(', ')})` : ''}: ${failure.detail}`
}

/** The account in words, one fact a line. */
export function describeAccount(account: BundleAccount, ok: boolean): string[] {
  const names = new Map(account.actors.map((actor) => [actor.id, nameOf(actor.name, actor.id)]))
  const lines = [
    `${ok ? 'VERIFIED' : 'FAILED'}: proof bundle of ${describeSubject(account.about)}`,
    `  log         ${account.log.origin}, key id ${account.log.keyId}: the key given`,
    `  checkpoint  size ${account.checkpoint.size}, root ${account.checkpoint.rootHash}, signed by that key`,
    `  ${account.entries.length} ${account.entries.length === 1 ? 'entry' : 'entries'} about it${ok ? ', each in the signed tree and signed by its actor with a key it held at that seq' : ''}:`,
  ]
  for (const entry of account.entries) {
    if (!entry.type) {
      lines.push(`    #${entry.seq}  did not verify`)
      continue
    }
    lines.push(`    #${entry.seq}  ${entry.ok ? '' : '(did not verify) '}${entry.type}${entry.summary ? `  ${entry.summary}` : ''}`)
    lines.push(`          by ${names.get(entry.actor ?? '') ?? entry.actor}, signed ${entry.issuedAt}, recorded ${entry.recordedAt}${entry.witnessedAt ? `, witnessed by ${entry.witnessedAt}` : ''}`)
    if (entry.late) lines.push(`          LATE RECORD: recorded ${entry.late.days} days after signing${entry.late.by === 'witnessed' ? ', by witnessed time (the log\'s recordedAt says otherwise)' : ''}`)
    if (entry.eventID) lines.push(`          eventID ${entry.eventID}`)
  }
  const actors = account.actors.map((actor) => `${actor.id} (registered at #${actor.registeredAt}${actor.revokedAt !== undefined ? `, revoked at #${actor.revokedAt}` : ''})`)
  lines.push(`  keys        established from ${account.registryEntries} registry entries, back to entry 0: ${actors.join(', ') || 'none'}`)
  if (account.about.kind !== 'entry') lines.push('  note        the node chose these entries: inclusion proofs cannot show that none was left out (a recall, a later use)')
  return lines
}

/**
 * Verifies a bundle file against `verifierKey`: the report's lines, and whether it held. With `policy`, each
 * entry's witnessed time is checked too; whether the bundle's checkpoint meets the policy is the caller's to
 * report (verify-command.ts). Throws NOT_FOUND for a file it cannot read.
 */
export async function verifyBundleFile(
  file: string,
  verifierKey: string,
  policy?: WitnessPolicy,
  lateRecordAfterMs?: number,
): Promise<{ ok: boolean; lines: string[]; checkpoint?: string }> {
  let text: string
  try {
    const { size } = statSync(file)
    if (size > MAX_BUNDLE_BYTES) {
      return { ok: false, lines: [`FAILED: ${file} could not be checked`, '  what failed:', `    ${file} is ${size} bytes, over the ${MAX_BUNDLE_BYTES} a bundle may be`] }
    }
    // Decoded as the drop page's File.text() decodes it (the Encoding standard's UTF-8 decode): a leading BOM, which
    // RFC 8259 lets a parser ignore and an editor may write, is dropped, and malformed UTF-8 becomes U+FFFD.
    text = lenientUtf8.decode(readFileSync(file))
  } catch (error) {
    throw new TracechainError('NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`)
  }
  let outcome: BundleVerification
  let checkpoint: string | undefined
  try {
    const parsed = JSON.parse(text) as { checkpoint?: unknown }
    if (typeof parsed?.checkpoint === 'string') checkpoint = parsed.checkpoint
    outcome = await verifyBundle(parsed, nodeEd25519, { verifierKey }, policy, lateRecordAfterMs)
    const failures = outcome.failures.filter((failure) => failure.check !== 'witness')
    outcome = { ...outcome, ok: failures.length === 0, failures }
  } catch (error) {
    outcome = { ok: false, failures: [{ check: 'bundle', detail: `${file} is not JSON: ${(error as Error).message}` }] }
  }
  const lines = outcome.account ? describeAccount(outcome.account, outcome.ok) : [`FAILED: ${file} could not be checked`]
  if (!outcome.ok) lines.push('  what failed:', ...outcome.failures.map((failure) => `    ${describeFailure(failure)}`))
  // Every word of the account is the bundle's, a node's that is not trusted: a control character in a lot, a name
  // or a summary would write to the terminal (rewrite the FAILED line above it), so none reaches it.
  return { ok: outcome.ok, lines: lines.map((line) => printable(line, MAX_LINE)), ...(checkpoint !== undefined ? { checkpoint } : {}) }
}
