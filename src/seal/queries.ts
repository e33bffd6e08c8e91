// Read views of seals and applications for the HTTP routes and the public page: current state with
// the seqs that made it. Throws SEAL_NOT_FOUND for an unknown id.

import { fail } from '../core/errors.js'
import type { Ledger } from '../ledger/ledger.js'
import { prefixRange } from '../store/keys.js'
import { SEAL_SPACES, getApplication, getSeal, type ApplicationRecord, type SealRecord, type UseRecord } from './records.js'

/** A use as the seal lists it: which application it stamped. */
export type SealUseView = UseRecord & { applicationId: string }

/** A seal with every entry about it (`seqs`: its own and its applications'), its applications and uses. */
export type SealView = SealRecord & {
  seqs: number[]
  applications: ApplicationSummary[]
  uses: SealUseView[]
}

export type ApplicationSummary = Pick<ApplicationRecord, 'applicationId' | 'state' | 'title' | 'applicant' | 'appliedSeq' | 'copiesApproved' | 'copiesUsed'>

function summary(application: ApplicationRecord): ApplicationSummary {
  const { applicationId, state, title, applicant, appliedSeq, copiesApproved, copiesUsed } = application
  return { applicationId, state, title, applicant, appliedSeq, copiesApproved, copiesUsed }
}

/** Every seal, by id, without its applications. */
export async function listSeals(ledger: Ledger): Promise<(SealRecord & { seqs: number[] })[]> {
  const out: (SealRecord & { seqs: number[] })[] = []
  for await (const [, seal] of ledger.records.scan<SealRecord>(SEAL_SPACES.seal)) out.push({ ...seal, seqs: seal.history.map((h) => h.seq) })
  return out
}

/** A seal's applications in the order they were made. */
export async function sealApplications(ledger: Ledger, sealId: string): Promise<ApplicationRecord[]> {
  const out: ApplicationRecord[] = []
  for await (const [, applicationId] of ledger.records.scan<string>(SEAL_SPACES.bySeal, prefixRange(sealId))) {
    const application = await getApplication(ledger.records, applicationId)
    if (application) out.push(application)
  }
  return out
}

/** One seal with its applications and every use, and the full application records. Throws SEAL_NOT_FOUND. */
export async function sealView(ledger: Ledger, sealId: string): Promise<{ seal: SealView; applications: ApplicationRecord[] }> {
  const seal = await getSeal(ledger.records, sealId)
  if (!seal) fail('SEAL_NOT_FOUND', `no seal ${sealId}`, { sealId })
  const applications = await sealApplications(ledger, sealId)
  const uses = applications.flatMap((a) => a.uses.map((use) => ({ applicationId: a.applicationId, ...use })))
  const seqs = [...seal.history.map((h) => h.seq), ...applications.flatMap((a) => a.history.map((h) => h.seq))].sort((a, b) => a - b)
  return {
    seal: { ...seal, seqs, applications: applications.map(summary), uses: uses.sort((a, b) => a.seq - b.seq) },
    applications,
  }
}

/** One application with its history. Throws SEAL_NOT_FOUND. */
export async function applicationView(ledger: Ledger, applicationId: string): Promise<ApplicationRecord> {
  const application = await getApplication(ledger.records, applicationId)
  if (!application) fail('SEAL_NOT_FOUND', `no application ${applicationId}`, { applicationId })
  return application
}
