// Which alerts a reader asked for: by kind, time, seal, organisation and lot. An alert's organisations are
// those of the actors who signed the entries it names and, for a refused attempt, of the actor who tried:
// the parties whose conduct it is about, as the log's own registry records them.

import { decodeEnvelope } from '../core/dsse.js'
import { RecentValues } from '../core/recent-values.js'
import { parseStatementPayload } from '../core/statement.js'
import type { Alert } from './alerts.js'
import type { Ledger } from './ledger.js'

/** A registered organisation as the registers take it: free text of up to 128 characters, no control character. */
const ORG = '[^\\u0000-\\u001f\\u007f]{1,128}'
/** An organisation as a filter (a JSON Schema pattern). */
export const ORG_PATTERN = `^${ORG}$`
/** ORG_PATTERN or empty: a form's field left blank. */
export const OPTIONAL_ORG_PATTERN = `^(${ORG})?$`

export interface AlertFilter {
  /** one kind, e.g. USE_WITHOUT_APPROVAL */
  kind?: string
  /** RFC 3339; alerts at or after it */
  since?: string
  /** RFC 3339; alerts before it */
  until?: string
  /** alerts about this seal */
  sealId?: string
  /** alerts about what actors of this organisation (an actor's registered `org`) signed or tried */
  org?: string
  /** alerts that name one of these objects or lots, as `AlertContext.idKey` reduces them */
  idKeys?: readonly string[]
}

/** What a domain lends the filter: how an id in an alert compares with the ids asked for. */
export interface AlertContext {
  /** the canonical form of an identifier (an EPC URN, a Digital Link), by which two spellings of one lot compare equal; the text itself by default */
  idKey?(id: string): string
}

/** Signers of entries the filter has read, per ledger, kept across requests: an entry never changes. */
export const MAX_SIGNERS_HELD = 65_536
const heldSigners = new WeakMap<Ledger, RecentValues<number, string>>()

/** A predicate over alerts for `filter`; it reads the entries an alert names only when an organisation is asked for. */
export function alertMatcher(ledger: Ledger, filter: AlertFilter, context: AlertContext): (alert: Alert) => Promise<boolean> {
  const idKey = context.idKey ?? ((id: string) => id)
  const wantedIds = filter.idKeys && new Set(filter.idKeys)
  let held = heldSigners.get(ledger)
  if (held === undefined) heldSigners.set(ledger, (held = new RecentValues(MAX_SIGNERS_HELD)))
  const signers = held
  const signerOf = async (seq: number): Promise<string | undefined> => {
    const known = signers.get(seq)
    if (known !== undefined) return known
    // Kept only when found: a seq the log does not have yet may be written later.
    const signer = await entrySigner(ledger, seq)
    if (signer !== undefined) signers.set(seq, signer)
    return signer
  }
  return async (alert) => {
    if (filter.kind !== undefined && alert.kind !== filter.kind) return false
    if (filter.since !== undefined && alert.at < filter.since) return false
    if (filter.until !== undefined && alert.at >= filter.until) return false
    if (filter.sealId !== undefined && alert.sealId !== filter.sealId) return false
    if (wantedIds && !(alert.ids ?? []).some((id) => wantedIds.has(idKey(id)))) return false
    if (filter.org === undefined) return true
    const actors = [...(alert.actor !== undefined ? [alert.actor] : []), ...(await Promise.all(alert.seqs.map(signerOf)))]
    return actors.some((id) => id !== undefined && ledger.actors.get(id)?.org === filter.org)
  }
}

/** Who signed the entry at `seq`, or undefined where the log has no readable entry there. */
export async function entrySigner(ledger: Ledger, seq: number): Promise<string | undefined> {
  try {
    const { entry } = await ledger.getEntry(seq)
    return parseStatementPayload(decodeEnvelope(entry.envelope).payload).actor
  } catch {
    return undefined
  }
}
