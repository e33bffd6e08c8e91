// What the node renders a seal's public page from: the seal's entries and those of the applications on
// the page, decoded from the log itself (not from the records built from them), the SPLIT_CONTRACT
// groups it stored that name those applications and still hold under the settings, the registrations of
// every actor the page names, and the refused attempts it counted. The page's bound areas are rendered
// from the entries alone, as the browser renders them again.

import { decodeEnvelope } from '../core/dsse.js'
import { parseStatementPayload } from '../core/statement.js'
import type { Ledger } from '../ledger/ledger.js'
import { actorProfile, type ActorProfile, type EvidenceEntry } from '../web/bound-view.js'
import { applicationAlerts } from './alerts.js'
import { attemptGroupsOf } from './attempts.js'
import type { SealConfig } from './config.js'
import { checkSplitGroup, Profiles } from './derive.js'
import { sealApplicationPage } from './queries.js'
import { sealAreaActors } from './web/seal-view.js'
import { nameIn, type Bilingual, type Lang } from '../web/i18n.js'
import { APPLICATIONS_PER_PAGE, type SealPageInput } from './web/seal-page.js'

/** Stored alerts read for one application to find its SPLIT_CONTRACT groups (pattern alerts are few). */
const ALERTS_READ = 50

async function evidenceEntry(ledger: Ledger, seq: number): Promise<EvidenceEntry> {
  const { entry } = await ledger.getEntry(seq)
  return { seq, recordedAt: entry.recordedAt, statement: parseStatementPayload(decodeEnvelope(entry.envelope).payload) }
}

/** How the page was asked for: its language, its URL as requested, and its absolute URL (for the QR code). */
export interface SealPageRequest {
  lang: Lang
  url: string
  pageUrl: string
}

/** Everything renderSealPage needs for page `number` of seal `sealId`. Throws SEAL_NOT_FOUND. */
export async function sealPageInput(ledger: Ledger, sealId: string, number: number, config: SealConfig, clock: () => Date, request: SealPageRequest): Promise<SealPageInput> {
  const { seal, applications: onPage, counted, more } = await sealApplicationPage(ledger, sealId, number, APPLICATIONS_PER_PAGE)
  const loaded = new Map<number, EvidenceEntry>()
  const load = async (seqs: readonly number[]) => {
    const read = await Promise.all(seqs.filter((seq) => !loaded.has(seq)).map((seq) => evidenceEntry(ledger, seq)))
    for (const entry of read) loaded.set(entry.seq, entry)
  }
  await load([...seal.history.map((h) => h.seq), ...onPage.flatMap((a) => a.history.map((h) => h.seq))])

  const profiles = new Map<string, ActorProfile>()
  const addProfiles = (ids: Iterable<string>) => {
    for (const id of ids) {
      const record = ledger.actors.get(id)
      if (record && !profiles.has(id)) profiles.set(id, actorProfile(record))
    }
  }

  // The node's groups, each checked as the browser will check it: a setting changed since the alert
  // was stored can leave a group that no longer holds, and the page shows only those that do.
  const candidates = new Map<string, number[]>()
  for (const application of onPage) {
    for (const alert of await applicationAlerts(ledger.records, application.applicationId, ALERTS_READ)) {
      if (alert.kind !== 'SPLIT_CONTRACT') continue
      const seqs = [...new Set(alert.seqs)].sort((a, b) => a - b)
      candidates.set(seqs.join(' '), seqs)
    }
  }
  const base = new Map(loaded)
  const splitGroups: number[][] = []
  for (const seqs of candidates.values()) {
    const members = new Map(base)
    for (const entry of await Promise.all(seqs.map((seq) => loaded.get(seq) ?? evidenceEntry(ledger, seq)))) members.set(entry.seq, entry)
    addProfiles([...members.values()].map((e) => e.statement.actor))
    try {
      checkSplitGroup(seqs, members, new Profiles(profiles), config)
    } catch {
      continue
    }
    for (const seq of seqs) loaded.set(seq, members.get(seq) as EvidenceEntry)
    splitGroups.push(seqs)
  }

  const evidence = [...loaded.values()].sort((a, b) => a.seq - b.seq)
  const namedActors = sealAreaActors(seal)
  addProfiles([...evidence.map((e) => e.statement.actor), ...namedActors])
  // Read after the entries, so every one of them is within it.
  const asOf = ledger.size
  // The page's time is never before its newest entry (a test's clock may lag the ledger's).
  const newest = evidence.reduce((max, e) => Math.max(max, Date.parse(e.recordedAt)), clock().getTime())

  return {
    sealId,
    title: nameIn(seal.name, request.lang, sealId),
    ...request,
    evidence,
    actors: profiles,
    namedActors,
    claims: {
      sealId,
      applicationIds: onPage.map((a) => a.applicationId),
      splitGroups,
      now: new Date(newest).toISOString(),
      asOf,
      config,
    },
    totals: { applications: counted, more },
    page: { number, count: Math.max(1, Math.ceil(counted / APPLICATIONS_PER_PAGE)), more },
    attempts: await attemptGroupsOf(ledger.records, sealId),
    actorName: (id) => {
      const record = ledger.actors.get(id)
      return record ? nameIn(record.name as Bilingual, request.lang, id) : id
    },
    config,
  }
}
