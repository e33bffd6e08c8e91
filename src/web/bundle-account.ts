// What a verified proof bundle proves, as data the CLI prints in words and the standalone page shows in zh
// or en: the subject, the log and checkpoint, each entry with its signer and times, and the actors as their
// own registry entries establish them. Every string in it came from the bundle: print it as text, never HTML.

import { eventHashId } from '../core/epcis-event-hash.js'
import type { Statement } from '../core/statement.js'
import type { BundleSubject } from '../core/proof-bundle.js'
import type { ActorProfile } from './bound-view.js'

export interface AccountEntry {
  seq: number
  /** true when it is in the signed tree and signed by its actor with a key it held at seq */
  ok: boolean
  /** the statement, once it decoded */
  type?: string
  actor?: string
  /** the statement's id, unique per actor */
  id?: string
  /** the signer's own claim of when it signed */
  issuedAt?: string
  /** when the node logged it (covered by the leaf hash) */
  recordedAt?: string
  /** what it says, in short: language-neutral identifiers and codes taken from the signed body */
  summary?: string
  /** a food event's eventID: its own, else its CBV 2.0 event hash ID, computed here from the signed body */
  eventID?: string
  /** with a witness policy: by when the policy's witnesses had cosigned a checkpoint holding it */
  witnessedAt?: string
  /** signed more than the window before it was recorded: by the log's recordedAt, or by witnessed time alone */
  late?: { days: number; by: 'recorded' | 'witnessed' }
}

export interface BundleAccount {
  about: BundleSubject
  log: { origin: string; keyId: string; verifierKey: string }
  /** the tree the proofs are against: its size and base64 root */
  checkpoint: { size: number; rootHash: string }
  /** the entries the bundle is about, ascending */
  entries: AccountEntry[]
  /** the actors whose keys were established from the bundle's registry entries */
  actors: ActorProfile[]
  /** how many entries the bundle carries beyond those it is about: registrations, rotations, revocations */
  registryEntries: number
  /** with the verifier's own witness policy: who of its witnesses cosigned the bundle's checkpoint, and how many it asks for */
  witnessed?: { min: number; cosignatures: { name: string; timestamp: number }[] }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The last segment of a CBV URI or URN (`urn:epcglobal:cbv:bizstep:shipping` → `shipping`). */
function shortCode(value: unknown): string | undefined {
  const code = text(value)
  return code?.replace(/^.*[:/]/, '')
}

function nameText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) {
    const name = value as { zh?: unknown; en?: unknown }
    return [text(name.zh), text(name.en)].filter((part) => part !== undefined).join(' / ') || undefined
  }
  return undefined
}

/** The parts of a signed body worth a line: only well-typed values, joined with " · ". */
function summaryOf(statement: Statement): string {
  const body = statement.body
  const parts: (string | undefined)[] = []
  switch (statement.type) {
    case 'food.event':
      parts.push(text(body.type), shortCode(body.bizStep), text(body.action), text(body.eventTime))
      break
    case 'food.product':
      parts.push(text(body.gtin), nameText(body.name))
      break
    case 'food.recall':
      parts.push(text(body.severity), text(body.reason))
      break
    case 'food.inspection': {
      const result = body.result as { outcome?: unknown } | undefined
      parts.push(text(body.lot), text(body.method), text(result?.outcome), text(body.inspectedAt))
      break
    }
    case 'actor.register':
      parts.push(text(body.id), Array.isArray(body.roles) ? body.roles.filter((r) => typeof r === 'string').join(',') : undefined)
      break
    case 'actor.rotate-key':
      parts.push(text(body.actor) ?? statement.actor)
      break
    case 'actor.revoke':
      parts.push(text(body.actor), text(body.reason))
      break
    default:
      if (statement.type.startsWith('seal.')) {
        parts.push(text(body.sealId), text(body.applicationId), text(body.title), typeof body.copies === 'number' ? `${body.copies} copies` : undefined, text(body.outcome))
      }
  }
  return parts.filter((part): part is string => part !== undefined).join(' · ')
}

/** The account fields of a verified statement. */
export function describeStatement(statement: Statement): Pick<AccountEntry, 'type' | 'actor' | 'id' | 'issuedAt' | 'summary' | 'eventID'> {
  const described = { type: statement.type, actor: statement.actor, id: statement.id, issuedAt: statement.issuedAt, summary: summaryOf(statement) }
  if (statement.type !== 'food.event') return described
  return { ...described, eventID: text(statement.body.eventID) ?? eventHashId(statement.body) }
}
