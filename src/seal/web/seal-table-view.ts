// The console's table of seals and applications (GET /console/seals) as a bound view: every row (state,
// applicant, amount against budget, due date, overdue) and every split-contract group (titles, amounts, their
// sum against the collective-decision threshold) derived from signed entries by derive.ts, by the node and
// again in the browser. What no entry backs, the refused attempts the node counted, comes in the params and
// is shown marked as the node's record. Pure and browser-safe.

import { BoundViewError, type BoundView, type BoundViewInput, type EvidenceEntry } from '../../web/bound-view.js'
import { nameIn, type Lang } from '../../web/i18n.js'
import { checkSplitGroup, deriveSealPage, Profiles, type ApplicationFacts } from '../derive.js'
import { isIssuedAt } from '../../core/statement.js'
import { APPLICATION_STATES, OPEN_STATES } from '../workflow.js'
import { budgetBar, escapeHtml, escapeText, timeOf } from './application-view.js'
import { parseSettings, SETTINGS_SINCE, settingsParams } from './seal-view.js'
import { SEAL_WORDS, STATE_LABELS, yuan } from './seal-words.js'
import type { SealConfig } from '../config.js'
import { sumOfAmounts } from '../amounts.js'

export const SEAL_TABLE_VIEW = 'seal.table'

/** The console's state filter: a state, every open matter, or the overdue ones. */
export const STATE_FILTERS = ['', ...APPLICATION_STATES, 'open', 'overdue'] as const
export type StateFilter = (typeof STATE_FILTERS)[number]

export interface SealTableClaims {
  /** the seals shown, each with its applications in the order they were made */
  rows: readonly { sealId: string; applicationIds: readonly string[] }[]
  /** SPLIT_CONTRACT groups (their seal.apply seqs, ascending) */
  splits: readonly (readonly number[])[]
  state: StateFilter
  now: string
  asOf: number
  /** refused attempts the node counted per application: its word, not the log's */
  attempts: Readonly<Record<string, number>>
  config: SealConfig
}

const ID = /^[A-Za-z0-9._-]{1,64}$/

export function sealTableParams(claims: SealTableClaims): Record<string, string> {
  return {
    rows: claims.rows.map((row) => `${row.sealId}:${row.applicationIds.join(' ')}`).join(';'),
    splits: claims.splits.map((group) => group.join(' ')).join(';'),
    state: claims.state,
    now: claims.now,
    asOf: String(claims.asOf),
    attempts: Object.entries(claims.attempts).map(([id, n]) => `${id}=${n}`).join(' '),
    ...settingsParams(claims.config),
  }
}

const PARAMS = new Set(['rows', 'splits', 'state', 'now', 'asOf', 'attempts', SETTINGS_SINCE, ...Object.keys(settingsParams({ zoneOffset: '+08:00' } as SealConfig))])

/** The claims from a served area's params (attacker input). Throws BoundViewError naming the bad one. */
export function parseSealTableParams(params: Readonly<Record<string, string>>): SealTableClaims {
  for (const name of Object.keys(params)) if (!PARAMS.has(name)) throw new BoundViewError(`unknown parameter "${name}"`)
  for (const name of ['rows', 'splits', 'state', 'now', 'asOf', 'attempts']) if (typeof params[name] !== 'string') throw new BoundViewError(`parameter "${name}" is missing`)
  const config = parseSettings(params)
  if (!(STATE_FILTERS as readonly string[]).includes(params.state)) throw new BoundViewError(`"state" is not a state filter`)
  if (!isIssuedAt(params.now)) throw new BoundViewError(`"now" is not a UTC time`)
  const asOf = Number(params.asOf)
  if (!/^\d+$/.test(params.asOf) || !Number.isSafeInteger(asOf)) throw new BoundViewError(`"asOf" is not a log size`)
  const rows = params.rows === '' ? [] : params.rows.split(';').map((row) => {
    const [sealId, ids = '', ...rest] = row.split(':')
    const applicationIds = ids === '' ? [] : ids.split(' ')
    if (rest.length > 0 || !ID.test(sealId) || !applicationIds.every((id) => ID.test(id))) throw new BoundViewError(`row "${row.slice(0, 80)}" is not a seal and its applications`)
    return { sealId, applicationIds }
  })
  const splits = params.splits === '' ? [] : params.splits.split(';').map((group) => {
    const seqs = group.split(' ').map(Number)
    if (seqs.some((seq) => !Number.isSafeInteger(seq) || seq < 0)) throw new BoundViewError(`split group "${group.slice(0, 80)}" is not a list of seqs`)
    return seqs
  })
  const attempts: Record<string, number> = {}
  for (const pair of params.attempts === '' ? [] : params.attempts.split(' ')) {
    const [id, count] = pair.split('=')
    if (!ID.test(id) || !/^[1-9]\d{0,9}$/.test(count ?? '')) throw new BoundViewError(`attempt count "${pair.slice(0, 80)}" is not an application and a number`)
    attempts[id] = Number(count)
  }
  return { rows, splits, state: params.state as StateFilter, now: params.now, asOf, attempts, config }
}

/** Whether an application as derived is one the state filter asked for. */
export function matchesState(application: Pick<ApplicationFacts, 'state' | 'alerts'>, filter: StateFilter): boolean {
  if (filter === '') return true
  if (filter === 'open') return OPEN_STATES.includes(application.state)
  if (filter === 'overdue') return application.alerts.some((alert) => alert.kind === 'OVERDUE')
  return application.state === filter
}

const WORDS = {
  zh: {
    caption: '全部印章与用印申请', application: '申请', seal: '印章', state: '状态', applicant: '申请人', money: '金额 / 预算', due: '办结期限',
    attempts: '被拒绝的尝试', attemptsNote: '（节点记录，未核验）', none: '没有符合条件的申请。', splits: '疑似拆分合同（化整为零）',
    splitNote: (n: number, days: number) => `同一组织 ${days} 天内 ${n} 件标题相近的申请，每件低于集体决策金额，合计达到它：`,
    sum: '合计', threshold: '集体决策金额', recorded: '申请时间', noSplits: '没有疑似拆分合同。', times: (n: number) => `${n} 次`,
  },
  en: {
    caption: 'Every seal and application', application: 'Application', seal: 'Seal', state: 'State', applicant: 'Applicant', money: 'Amount / budget', due: 'Due',
    attempts: 'Refused attempts', attemptsNote: " (the node's record, not verified)", none: 'No application matches.', splits: 'Suspected split contracts',
    splitNote: (n: number, days: number) => `${n} applications of one organisation within ${days} days with similar titles, each under the collective-decision amount, together reaching it:`,
    sum: 'Sum', threshold: 'Collective decision', recorded: 'Applied', noSplits: 'No suspected split contract.', times: (n: number) => `${n}`,
  },
} as const

/** The entries about one seal and the listed applications: the evidence deriveSealPage takes for it. */
function entriesOf(entries: readonly EvidenceEntry[], sealId: string, applicationIds: ReadonlySet<string>): EvidenceEntry[] {
  return entries.filter(({ statement: { type, body } }) =>
    type === 'seal.register' || type === 'seal.revoke' ? body.sealId === sealId : typeof body.applicationId === 'string' && applicationIds.has(body.applicationId),
  )
}

export const sealTableView: BoundView = {
  name: SEAL_TABLE_VIEW,
  render({ entries, actors, params, lang }: BoundViewInput): string {
    const claims = parseSealTableParams(params)
    const { config } = claims
    const w = WORDS[lang]
    const words = SEAL_WORDS[lang]
    const profiles = new Profiles(actors)
    const who = (id: string) => escapeHtml(nameIn(profiles.of(id).name, lang, id))
    const used = new Set<number>()
    const bySeq = new Map(entries.map((e) => [e.seq, e]))
    const rows: string[] = []
    const sealOfApplication = new Map<string, string>()
    for (const { sealId, applicationIds } of claims.rows) {
      const own = entriesOf(entries, sealId, new Set(applicationIds))
      const { seal, applications } = deriveSealPage(own, actors, { sealId, applicationIds, splitGroups: [], now: claims.now, asOf: claims.asOf, config })
      for (const entry of own) used.add(entry.seq)
      const sealName = escapeHtml(nameIn(seal.name, lang, sealId))
      for (const a of applications) {
        if (!matchesState(a, claims.state)) throw new BoundViewError(`application ${a.applicationId} is ${a.state}, not what the filter "${claims.state}" asked for`)
        sealOfApplication.set(a.applicationId, sealId)
        const overdue = a.alerts.some((alert) => alert.kind === 'OVERDUE')
        const attempts = claims.attempts[a.applicationId]
        rows.push(
          `<tr class="row${overdue ? ' overdue' : ''}" data-seq="${a.history[0].seq}" data-actor="${escapeHtml(a.applicant)}" data-fact="row">` +
            `<th scope="row"><a href="/seals/${encodeURIComponent(sealId)}?lang=${lang}#${encodeURIComponent(a.applicationId)}" data-fact="title">${escapeHtml(a.title)}</a><br><span class="small">${escapeHtml(a.applicationId)}</span></th>` +
            `<td data-fact="seal">${sealName}<br><span class="small">${escapeText(seal.org)}</span></td>` +
            `<td><span class="state ${a.state}" data-fact="state">${STATE_LABELS[lang][a.state]}</span></td>` +
            `<td data-fact="applicant">${who(a.applicant)}</td>` +
            `<td class="money" data-fact="money">${a.amount !== undefined ? budgetBar(a.amount, a.budget, lang) : a.budget !== undefined ? `— / ${yuan(a.budget, lang)}` : '—'}</td>` +
            `<td data-fact="due">${a.dueDate ? `${escapeHtml(a.dueDate)}${overdue ? ` <span class="tag" data-fact="overdue">${words.overdue}</span>` : ''}` : '—'}</td>` +
            `<td class="num node">${attempts !== undefined ? `<a href="/console?kind=&amp;seal=${encodeURIComponent(sealId)}&amp;lang=${lang}">${w.times(attempts)}</a>` : '0'}</td></tr>`,
        )
      }
    }
    for (const id of Object.keys(claims.attempts)) if (!sealOfApplication.has(id)) throw new BoundViewError(`attempts are counted for ${id}, which is not shown`)
    const groups = claims.splits.map((group) => {
      const last = checkSplitGroup(group, bySeq, profiles, config)
      const members = group.map((seq) => bySeq.get(seq) as EvidenceEntry)
      for (const seq of group) used.add(seq)
      const amounts = members.map((m) => m.statement.body.amount as number)
      const sum = sumOfAmounts(amounts)
      const org = profiles.of(last.statement.actor).org ?? ''
      const items = members.map((m, i) => {
        const sealId = String(m.statement.body.sealId)
        const id = String(m.statement.body.applicationId)
        return (
          `<li data-seq="${m.seq}" data-actor="${escapeHtml(m.statement.actor)}"><a href="/seals/${encodeURIComponent(sealId)}?lang=${lang}#${encodeURIComponent(id)}">${escapeHtml(String(m.statement.body.title))}</a>` +
          `<span class="amount">${yuan(amounts[i], lang)}</span><span class="small">${who(m.statement.actor)} · ${timeOf(m.recordedAt, config)}</span></li>`
        )
      })
      return (
        `<section class="split" data-fact="split"><h3>${escapeText(org)}</h3><p class="small">${escapeHtml(w.splitNote(group.length, config.splitWindowDays))}</p>` +
        `<ol class="members">${items.join('')}</ol>` +
        `<p class="sum" data-fact="sum">${budgetBar(sum, config.collectiveThreshold, lang, w.threshold)}</p></section>`
      )
    })
    const unused = entries.find((e) => !used.has(e.seq))
    if (unused) throw new BoundViewError(`entry ${unused.seq} is listed but the table shows nothing of it`)
    const head = [w.application, w.seal, w.state, w.applicant, w.money, w.due].map((h) => `<th scope="col">${h}</th>`).join('') + `<th scope="col">${w.attempts}<span class="small">${w.attemptsNote}</span></th>`
    return (
      `<div class="scroll" tabindex="0" role="region" aria-label="${w.caption}"><table class="seals"><caption class="visually-hidden">${w.caption}</caption><thead><tr>${head}</tr></thead>` +
      `<tbody>${rows.length > 0 ? rows.join('') : `<tr><td colspan="7">${w.none}</td></tr>`}</tbody></table></div>` +
      `<h2 class="splits-title">${w.splits}</h2>` +
      (groups.length > 0 ? `<div class="splits">${groups.join('')}</div>` : `<p class="muted">${w.noSplits}</p>`)
    )
  },
}
