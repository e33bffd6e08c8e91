// The seal page's bound view (src/web/bound-view.ts has the contract): the seal's name and record, and
// the applications on one page, their facts, histories and alerts, rendered from signed entries by
// derive.ts. One area holds them all, so a name cannot be put above another seal's record. The node
// renders the area with this function; the browser verifier renders it again from the entries it
// verified and compares, in the page's language. Pure and browser-safe.

import { BoundViewError, type BoundView, type BoundViewInput } from '../../web/bound-view.js'
import { nameIn, type Lang } from '../../web/i18n.js'
import { isIssuedAt } from '../../core/statement.js'
import { sealConfig, type SealConfig } from '../config.js'
import { deriveSealPage, Profiles, type SealFacts, type SealPageClaims } from '../derive.js'
import type { SealName } from '../records.js'
import { escapeHtml, escapeText, renderApplication, renderStep, timeOf } from './application-view.js'
import { SEAL_WORDS, TYPE_LABELS, yuan } from './seal-words.js'

export { escapeHtml }
export { SEAL_FACTS } from './seal-words.js'

export const SEAL_VIEW = 'seal'

export function nameOf(name: SealName | undefined, fallback: string): string {
  if (name === undefined) return fallback
  return typeof name === 'string' ? name : (name.zh ?? name.en ?? fallback)
}

/** The path of a seal's page; the browser checks it is the one it asked for, so seal B's page cannot be served as seal A's. */
export const sealPagePath = (sealId: string) => `/seals/${sealId}`

/** The params of the seal area, each a string (the contract), from the claims. */
export function sealPageParams(claims: SealPageClaims): Record<string, string> {
  const { config } = claims
  return {
    seal: claims.sealId,
    path: sealPagePath(claims.sealId),
    applications: claims.applicationIds.join(' '),
    splits: claims.splitGroups.map((group) => group.join(' ')).join(';'),
    now: claims.now,
    asOf: String(claims.asOf),
    ...settingsParams(config),
  }
}

const NUMBER_SETTINGS = ['offHoursFrom', 'offHoursTo', 'collectiveThreshold', 'splitWindowDays', 'splitMinApplications', 'titleSimilarity', 'lateRecordAfterMs'] as const
/** The names of the params that carry the rule settings. */
export const SETTING_PARAMS = ['zoneOffset', ...NUMBER_SETTINGS] as const

/** The rule settings as a bound area's params, each a string. */
export function settingsParams(config: SealConfig): Record<string, string> {
  const params: Record<string, string> = { zoneOffset: config.zoneOffset }
  for (const name of NUMBER_SETTINGS) params[name] = String(config[name])
  if (config.settingsSince) params[SETTINGS_SINCE] = `${config.settingsSince.seq} ${config.settingsSince.at}`
  return params
}

/** The optional parameter of when the settings took effect: "SEQ TIME". */
export const SETTINGS_SINCE = 'settingsSince'

/** The rule settings from a served area's params (attacker input). Throws BoundViewError naming the bad one. */
export function parseSettings(params: Readonly<Record<string, string>>): SealConfig {
  const numbers: Partial<Record<(typeof NUMBER_SETTINGS)[number], number>> = {}
  for (const name of SETTING_PARAMS) if (typeof params[name] !== 'string') throw new BoundViewError(`parameter "${name}" is missing`)
  for (const name of NUMBER_SETTINGS) {
    const value = Number(params[name])
    if (!/^\d+(\.\d+)?$/.test(params[name]) || String(value) !== params[name]) throw new BoundViewError(`setting "${name}" is not a number: "${params[name].slice(0, 40)}"`)
    numbers[name] = value
  }
  let since: SealConfig['settingsSince']
  if (params[SETTINGS_SINCE] !== undefined) {
    const [seqText = '', at = '', ...rest] = params[SETTINGS_SINCE].split(' ')
    const seq = Number(seqText)
    if (rest.length > 0 || !/^[1-9]\d*$/.test(seqText) || !Number.isSafeInteger(seq) || !isIssuedAt(at)) {
      throw new BoundViewError(`"${SETTINGS_SINCE}" is not a seq and a UTC time: "${params[SETTINGS_SINCE].slice(0, 60)}"`)
    }
    since = { seq, at }
  }
  try {
    return sealConfig({ ...numbers, zoneOffset: params.zoneOffset, ...(since ? { settingsSince: since } : {}) })
  } catch (error) {
    throw new BoundViewError(`a setting is out of range: ${(error as Error).message}`)
  }
}

const PARAM_NAMES = new Set(['seal', 'path', 'applications', 'splits', 'now', 'asOf', ...SETTING_PARAMS])
const OPTIONAL_PARAMS = new Set([SETTINGS_SINCE])

/** The claims from a served area's params (attacker input). Throws BoundViewError naming the bad one. */
export function parseSealPageParams(params: Readonly<Record<string, string>>): SealPageClaims {
  for (const name of Object.keys(params)) if (!PARAM_NAMES.has(name) && !OPTIONAL_PARAMS.has(name)) throw new BoundViewError(`unknown parameter "${name}"`)
  for (const name of PARAM_NAMES) if (typeof params[name] !== 'string') throw new BoundViewError(`parameter "${name}" is missing`)
  if (params.path !== sealPagePath(params.seal)) throw new BoundViewError(`the page of seal ${params.seal.slice(0, 64)} is not at ${params.path.slice(0, 100)}`)
  const config = parseSettings(params)
  const seqList = (text: string) => {
    const seqs = text.split(' ').map(Number)
    if (seqs.some((seq) => !Number.isSafeInteger(seq) || seq < 0)) throw new BoundViewError(`split group "${text.slice(0, 80)}" is not a list of seqs`)
    return seqs
  }
  const asOf = Number(params.asOf)
  if (!/^\d+$/.test(params.asOf) || !Number.isSafeInteger(asOf)) throw new BoundViewError(`"asOf" is not a log size`)
  return {
    sealId: params.seal,
    applicationIds: params.applications === '' ? [] : params.applications.split(' '),
    splitGroups: params.splits === '' ? [] : params.splits.split(';').map(seqList),
    now: params.now,
    asOf,
    config,
  }
}

/** The seal's name and record and the applications on one page, in the page's language. Params: sealPageParams. */
export const sealView: BoundView = {
  name: SEAL_VIEW,
  render({ entries, actors, params, lang }: BoundViewInput): string {
    const claims = parseSealPageParams(params)
    const { config } = claims
    const { seal, applications } = deriveSealPage(entries, actors, claims)
    const profiles = new Profiles(actors)
    const w = SEAL_WORDS[lang]
    const who = (id: string) => escapeHtml(nameIn(profiles.of(id).name, lang, id))
    const context = { lang, config, who }
    const sealSteps = [
      renderStep(seal.register, context, '', [], TYPE_LABELS[lang]['seal.register']),
      ...(seal.revoke ? [renderStep(seal.revoke.entry, context, escapeText(seal.revoke.reason), [], TYPE_LABELS[lang]['seal.revoke'])] : []),
    ].join('')
    return `<h1 data-fact="sealName">${escapeHtml(nameIn(seal.name, lang, seal.sealId))}</h1>
<section class="card seal" data-fact="seal">
<dl class="facts">
<dt>${w.org}</dt><dd data-fact="org">${escapeText(seal.org)}</dd>
<dt>${w.sealState}</dt><dd data-fact="sealState">${seal.revoke ? `${w.revoked}${escapeText(seal.revoke.reason)}` : w.active}</dd>
<dt>${w.custodian}</dt><dd data-fact="custodian">${who(seal.custodian)}</dd>
<dt>${w.approvers}</dt><dd data-fact="approvers">${seal.approvers.map(who).join(w.sep)}</dd>
</dl>
<ol class="timeline" data-fact="history" aria-label="${w.history}">${sealSteps}</ol>
</section>
${applications.map((application) => renderApplication(application, context)).join('\n')}
<p class="small settings" data-fact="settings">${settingsText(claims, lang)}</p>
<p class="small scope" data-fact="scope">${scopeText(entries.length, claims.asOf, lang)}</p>
`
  },
}

const pad = (hour: number) => String(hour).padStart(2, '0')

/** The rule settings the alerts follow: the operator's configuration, not signed records, and said so. */
function settingsText(claims: SealPageClaims, lang: Lang): string {
  const { config } = claims
  const now = timeOf(claims.now, config, 'settings')
  if (lang === 'en') {
    return (
      `The alerts follow the operator's settings (not signed records): times in UTC${escapeHtml(config.zoneOffset)}; ` +
      `off hours ${pad(config.offHoursFrom)}:00 to ${pad(config.offHoursTo)}:00; collective decision from ${yuan(config.collectiveThreshold, lang)}; ` +
      `split contract: at least ${config.splitMinApplications} applications of one organisation within ${config.splitWindowDays} days with similar titles (similarity ≥ ${config.titleSimilarity}), each under the collective-decision amount and together reaching it; ` +
      `due dates as of the node's time when it made this page, ${now}.` +
      (config.settingsSince
        ? ` These settings apply from entry #${config.settingsSince.seq} (${timeOf(config.settingsSince.at, config, 'settings-since')}): the alerts of the entries before it were raised under the settings then.`
        : '')
    )
  }
  return (
    `预警规则的设置（节点运营方的配置，不是已签名的记录）：时间为 UTC${escapeHtml(config.zoneOffset)}；` +
    `非工作时间为 ${pad(config.offHoursFrom)}:00 至 ${pad(config.offHoursTo)}:00；集体决策金额 ${yuan(config.collectiveThreshold)}；` +
    `拆分合同：同一组织 ${config.splitWindowDays} 天内至少 ${config.splitMinApplications} 件标题相近（相似度 ≥ ${config.titleSimilarity}）、每件低于集体决策金额而合计达到它；` +
    `办结期限按节点生成本页的时间 ${now} 计。` +
    (config.settingsSince ? `以上设置自第 #${config.settingsSince.seq} 条记录（${timeOf(config.settingsSince.at, config, 'settings-since')}）起适用，此前记录的预警按当时的设置产生。` : '')
  )
}

/** What the area rests on, and what it cannot show (a record the node left out). */
function scopeText(count: number, asOf: number, lang: Lang): string {
  if (lang === 'en') {
    return (
      `All of the above follows from the ${count} signed entries the node lists and the settings above (the log held ${asOf} entries when the node made this page); ` +
      `the script in your browser derives it again from them and compares it fact by fact. It cannot prove the node listed every entry (a later approval, stamping or revocation, say); for a full audit use <code>tracechain verify</code>.`
    )
  }
  return (
    `以上内容由节点列出的 ${count} 条已签名记录和上面的规则设置得出（节点生成本页时账本共 ${asOf} 条），` +
    `脚本在您的浏览器中由这些记录重新得出并逐项比对。它不能证明节点没有漏列记录（例如后来的批准、用印或注销）；完整的审计请用 <code>tracechain verify</code>。`
  )
}

/** The actors the seal area names beyond its entries' signers: the custodian and approvers. */
export function sealAreaActors(seal: Pick<SealFacts, 'custodian' | 'approvers'>): string[] {
  return [seal.custodian, ...seal.approvers]
}
