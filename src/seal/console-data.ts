// What the console's Seals view (GET /console/seals) is rendered from: every seal (of one organisation, if
// asked), its applications in the state asked for, up to a bound, their entries read from the log itself,
// the SPLIT_CONTRACT groups stored that still hold under the settings, the signers' registrations, and
// the refused attempts the node counted per application.

import { decodeEnvelope } from '../core/dsse.js'
import { parseStatementPayload } from '../core/statement.js'
import { listAlerts } from '../ledger/alerts.js'
import type { Ledger } from '../ledger/ledger.js'
import { prefixRange } from '../store/keys.js'
import { actorProfile, type ActorProfile, type EvidenceEntry } from '../web/bound-view.js'
import type { Alert } from '../ledger/alerts.js'
import { endOfLocalDate, type SealConfig } from './config.js'
import { checkSplitGroup, Profiles } from './derive.js'
import { listSeals, sealApplications } from './queries.js'
import { SEAL_SPACES } from './records.js'
import { OPEN_STATES } from './workflow.js'
import { matchesState, type SealTableClaims, type StateFilter } from './web/seal-table-view.js'

/** Applications the view shows at most; past them it asks the reader to filter. */
export const MAX_TABLE_ROWS = 200
/** Split-contract alerts it reads at most, newest first. */
export const MAX_SPLIT_GROUPS = 50

export interface SealTableInput {
  evidence: EvidenceEntry[]
  actors: Map<string, ActorProfile>
  namedActors: string[]
  claims: SealTableClaims
  /** applications left out past MAX_TABLE_ROWS */
  more: boolean
  /** every organisation with a seal, for the filter */
  orgs: string[]
}

export async function sealTableInput(ledger: Ledger, filter: { org: string; state: StateFilter }, config: SealConfig, now: Date): Promise<SealTableInput> {
  const loaded = new Map<number, EvidenceEntry>()
  const load = async (seqs: readonly number[]) => {
    for (const seq of seqs) {
      if (loaded.has(seq)) continue
      const { entry } = await ledger.getEntry(seq)
      loaded.set(seq, { seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) })
    }
  }
  const seals = await listSeals(ledger)
  const orgs = [...new Set(seals.map((s) => s.org))].sort()
  const rows: SealTableClaims['rows'][number][] = []
  const attempts: Record<string, number> = {}
  const namedActors: string[] = []
  let shown = 0
  let more = false
  const nowText = now.toISOString()
  for (const seal of seals.filter((s) => filter.org === '' || s.org === filter.org)) {
    // The record's state and due date pick the rows; the view derives both again from the entries.
    const applications = (await sealApplications(ledger, seal.sealId)).filter((a) => {
      const overdue = a.dueDate !== undefined && OPEN_STATES.includes(a.state) && Date.parse(endOfLocalDate(a.dueDate, config)) <= now.getTime()
      return matchesState({ state: a.state, alerts: overdue ? [{ kind: 'OVERDUE', at: nowText, seqs: [] }] : [] }, filter.state)
    })
    if (applications.length === 0 && filter.state !== '') continue
    const room = MAX_TABLE_ROWS - shown
    if (applications.length > room) more = true
    const kept = applications.slice(0, Math.max(0, room))
    shown += kept.length
    await load([...seal.history.map((h) => h.seq), ...kept.flatMap((a) => a.history.map((h) => h.seq))])
    rows.push({ sealId: seal.sealId, applicationIds: kept.map((a) => a.applicationId) })
    namedActors.push(seal.custodian, ...seal.approvers)
    const keptIds = new Set(kept.map((a) => a.applicationId))
    for (const [, alert] of await ledger.records.range<Alert>(SEAL_SPACES.attempt, { ...prefixRange(seal.sealId), limit: 2_000 })) {
      const id = alert.applicationIds?.[0]
      if (id !== undefined && keptIds.has(id)) attempts[id] = (attempts[id] ?? 0) + (alert.count ?? 1)
    }
    if (more) break
  }
  const actors = new Map<string, ActorProfile>()
  const addProfiles = (ids: Iterable<string>) => {
    for (const id of ids) {
      const record = ledger.actors.get(id)
      if (record && !actors.has(id)) actors.set(id, actorProfile(record))
    }
  }
  addProfiles([...[...loaded.values()].map((e) => e.statement.actor), ...namedActors])

  const splits: number[][] = []
  const seen = new Set<string>()
  const { alerts } = await listAlerts(ledger, { kind: 'SPLIT_CONTRACT', ...(filter.org !== '' ? { org: filter.org } : {}), order: 'desc', limit: MAX_SPLIT_GROUPS }, [], now)
  for (const alert of alerts) {
    const seqs = [...new Set(alert.seqs)].sort((a, b) => a - b)
    if (seen.has(seqs.join(' '))) continue
    seen.add(seqs.join(' '))
    const members = new Map(loaded)
    for (const seq of seqs) {
      if (members.has(seq)) continue
      const { entry } = await ledger.getEntry(seq)
      members.set(seq, { seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) })
    }
    addProfiles(seqs.map((seq) => (members.get(seq) as EvidenceEntry).statement.actor))
    try {
      checkSplitGroup(seqs, members, new Profiles(actors), config)
    } catch {
      continue // a setting changed since: the group no longer holds, and the view shows only those that do
    }
    for (const seq of seqs) loaded.set(seq, members.get(seq) as EvidenceEntry)
    splits.push(seqs)
  }
  splits.sort((a, b) => a[0] - b[0])
  const evidence = [...loaded.values()].sort((a, b) => a.seq - b.seq)
  const newest = evidence.reduce((max, e) => Math.max(max, Date.parse(e.recordedAt)), now.getTime())
  return {
    evidence,
    actors,
    namedActors,
    claims: { rows, splits, state: filter.state, now: new Date(newest).toISOString(), asOf: ledger.size, attempts, config },
    more,
    orgs,
  }
}
