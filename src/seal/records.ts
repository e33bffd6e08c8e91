// What the seal kinds index, written with each entry: seals, applications and their histories, and the
// lookups that alerts need (applications by org and time, open applications by due time).

import { joinKey, seqKey } from '../store/keys.js'
import type { RecordReader } from '../ledger/kinds.js'
import type { ApplicationState } from './workflow.js'

export const SEAL_SPACES = {
  /** sealId -> SealRecord */
  seal: 'seal',
  /** applicationId -> ApplicationRecord */
  application: 'seal.application',
  /** sealId \0 seqKey(apply seq) -> applicationId: a seal's applications in order */
  bySeal: 'seal.by-seal',
  /** org \0 recordedAt \0 applicationId -> OrgApplication: SPLIT_CONTRACT's window */
  byOrg: 'seal.by-org',
  /** due instant \0 applicationId -> applicationId, removed when closed or rejected: OVERDUE */
  due: 'seal.due',
  /** applicationId \0 alert key -> AlertRef: the stored pattern alerts (and attempts of earlier versions) that name an application */
  alertsByApplication: 'seal.alert-by-application',
  /** sealId or * \0 applicationId or * \0 actor \0 code -> the attempt Alert that counts those refusals */
  attempt: 'seal.attempt',
  /** SHA-256 (hex) of a refused payload an attempt record keeps (its first envelope's, its samples') -> the attempt key */
  refusedPayload: 'seal.refused-payload',
} as const

// Composite keys join their parts with SEP (store/keys.ts). Seal and application ids never contain it
// (the schemas allow [A-Za-z0-9._-]), so a prefixRange of an id sees only that id's keys.

export type SealName = string | { zh?: string; en?: string }

export interface SealRecord {
  sealId: string
  org: string
  name: SealName
  custodian: string
  approvers: string[]
  state: 'active' | 'revoked'
  /** seq of the seal.register */
  registeredAt: number
  /** seq of the seal.revoke */
  revokedAt?: number
  revokeReason?: string
  /** the seal's own statements (register, revoke); its applications' are in their histories */
  history: HistoryItem[]
}

export interface HistoryItem {
  seq: number
  type: string
  actor: string
  /** recordedAt of the entry: when the node saw it */
  at: string
  /** the signer's own claim of when it made the statement */
  issuedAt: string
}

export interface Decision {
  seq: number
  actor: string
  at: string
  comment?: string
}

export interface UseRecord {
  seq: number
  actor: string
  at: string
  copies: number
  stamped: { sha256: string }
  photo?: { sha256: string }
}

export interface Closing {
  seq: number
  actor: string
  at: string
  outcome: string
  finalAmount?: number
  completedAt: string
}

export interface ApplicationRecord {
  applicationId: string
  sealId: string
  org: string
  state: ApplicationState
  title: string
  purpose: string
  applicant: string
  document: { name: string; sha256: string }
  /** the copies applied for (seal.apply copies) */
  copiesRequested: number
  /** the copies approved: all those requested once approved, 0 before */
  copiesApproved: number
  copiesUsed: number
  amount?: number
  budget?: number
  dueDate?: string
  appliedAt: string
  appliedSeq: number
  approval?: Decision
  rejection?: Decision
  uses: UseRecord[]
  closing?: Closing
  history: HistoryItem[]
}

/** What SPLIT_CONTRACT compares, kept by org and time. */
export interface OrgApplication {
  applicationId: string
  seq: number
  title: string
  amount?: number
  /**
   * The title's tokens (similarity.ts titleTokens), computed once when it was applied for, so that a later
   * application compares its title with each in the window without tokenising them again. Records written
   * before they were kept have none; SPLIT_CONTRACT then tokenises the title and reads the application.
   */
  tokens?: string[]
  /** Set when the application is rejected (on records that keep `tokens`), so SPLIT_CONTRACT reads no application record. */
  rejected?: true
}

/** Where a stored alert is: ALERT_SPACE or ATTEMPT_SPACE, and its key there. */
export interface AlertRef {
  space: string
  key: string
}

export const bySealKey = (sealId: string, seq: number) => joinKey(sealId, seqKey(seq))
export const byOrgKey = (org: string, at: string, applicationId: string) => joinKey(org, at, applicationId)
export const dueKey = (dueAt: string, applicationId: string) => joinKey(dueAt, applicationId)

export function getSeal(reader: RecordReader, sealId: string): Promise<SealRecord | undefined> {
  return reader.get<SealRecord>(SEAL_SPACES.seal, sealId)
}

export function getApplication(reader: RecordReader, applicationId: string): Promise<ApplicationRecord | undefined> {
  return reader.get<ApplicationRecord>(SEAL_SPACES.application, applicationId)
}
