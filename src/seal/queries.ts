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

/** Applications a seal's page counts at most; beyond, it says "10,000 or more" rather than read them all. */
export const MAX_COUNTED_APPLICATIONS = 10_000

export interface SealApplicationPage {
  seal: SealRecord
  /** the applications of page `number`, in the order they were made */
  applications: ApplicationRecord[]
  /** the seal's applications, counted up to MAX_COUNTED_APPLICATIONS */
  counted: number
  /** true when there are more than `counted` */
  more: boolean
}

/**
 * Page `number` (from 1) of a seal's applications, `perPage` each: reads the index up to that page and the
 * page's records only, and counts the rest of the index up to a bound, so a seal with any number of
 * applications costs a page view the same. Throws SEAL_NOT_FOUND.
 */
export async function sealApplicationPage(ledger: Ledger, sealId: string, number: number, perPage: number): Promise<SealApplicationPage> {
  const seal = await getSeal(ledger.records, sealId)
  if (!seal) fail('SEAL_NOT_FOUND', `no seal ${sealId}`, { sealId })
  const limit = Math.max(number * perPage, MAX_COUNTED_APPLICATIONS) + 1
  const ids = (await ledger.records.range<string>(SEAL_SPACES.bySeal, { ...prefixRange(sealId), limit })).map(([, id]) => id)
  const more = ids.length > MAX_COUNTED_APPLICATIONS && ids.length === limit
  const onPage = ids.slice((number - 1) * perPage, number * perPage)
  const applications = (await Promise.all(onPage.map((id) => getApplication(ledger.records, id)))).filter((a): a is ApplicationRecord => a !== undefined)
  return { seal, applications, counted: Math.min(ids.length, MAX_COUNTED_APPLICATIONS), more }
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
