// The console's webhooks section: each webhook the node delivers alerts to, whether it is keeping up, its
// last delivery and its last failure, in zh or en. Shown only on a node that has webhooks.

import type { WebhookStatus } from '../publish/webhooks.js'
import { escapeHtml } from './html.js'
import { formatTime, type Lang } from './i18n.js'
import { ALERT_KINDS } from './alert-words.js'

const WORDS = {
  zh: {
    title: '预警推送（Webhook）',
    intro: '节点把预警逐条签名后推送给这些地址；失败时按退避间隔重试，重启后从未送达处继续。',
    kind: '预警类型', all: '全部类型', url: '地址', state: '状态', backlog: '待推送', delivered: '已送达', failures: '失败次数',
    givenUp: '放弃', last: '最近送达', lastFailure: '最近失败', next: '下次重试', never: '尚无',
    states: { idle: '正常', delivering: '推送中', retrying: '重试中', stopped: '已停止' },
  },
  en: {
    title: 'Webhooks',
    intro: 'The node signs each alert and delivers it to these addresses; a failed delivery is retried with backoff, and after a restart it goes on from the first one not delivered.',
    kind: 'Kind', all: 'All kinds', url: 'URL', state: 'State', backlog: 'Waiting', delivered: 'Delivered', failures: 'Failures',
    givenUp: 'Given up', last: 'Last delivered', lastFailure: 'Last failure', next: 'Next attempt', never: 'none yet',
    states: { idle: 'Up to date', delivering: 'Delivering', retrying: 'Retrying', stopped: 'Stopped' },
  },
} as const

export const WEBHOOK_STYLES =
  '.hooks td,.hooks th{white-space:nowrap}.hooks td.u{white-space:normal;overflow-wrap:anywhere}' +
  '.hooks .s-retrying{color:#9c2b23;font-weight:700}.hooks .s-idle{color:#176f30}'

/** The section, or nothing when the node has no webhooks. */
export function renderWebhookSection(webhooks: readonly WebhookStatus[], lang: Lang): string {
  if (webhooks.length === 0) return ''
  const w = WORDS[lang]
  const time = (iso: string | undefined) => (iso ? escapeHtml(formatTime(iso, lang)) : w.never)
  const rows = webhooks.map((hook) => {
    const kind = hook.kind === '*' ? w.all : (ALERT_KINDS[hook.kind]?.[lang] ?? hook.kind)
    const failure = hook.lastFailure ? `${time(hook.lastFailure.at)} · ${escapeHtml(hook.lastFailure.error)}` : w.never
    return (
      `<tr data-webhook="${escapeHtml(hook.id)}" data-state="${hook.state}"><td>${escapeHtml(kind)}</td><td class="u"><code>${escapeHtml(hook.url)}</code></td>` +
      `<td class="s-${hook.state}">${w.states[hook.state]}${hook.nextAttemptAt ? `<br><span class="small">${w.next} ${time(hook.nextAttemptAt)}</span>` : ''}</td>` +
      `<td data-backlog>${hook.backlog}${hook.backlogMore ? '+' : ''}</td><td>${hook.delivered}</td><td>${hook.failures}</td><td>${hook.givenUp}</td>` +
      `<td>${time(hook.lastDelivery?.at)}</td><td class="u">${failure}</td></tr>`
    )
  })
  return (
    `<section class="card hooks" aria-labelledby="webhooks-title"><h2 id="webhooks-title">${w.title}</h2><p class="small">${w.intro}</p>` +
    `<div class="scroll"><table><thead><tr><th scope="col">${w.kind}</th><th scope="col">${w.url}</th><th scope="col">${w.state}</th><th scope="col">${w.backlog}</th>` +
    `<th scope="col">${w.delivered}</th><th scope="col">${w.failures}</th><th scope="col">${w.givenUp}</th><th scope="col">${w.last}</th><th scope="col">${w.lastFailure}</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div></section>`
  )
}
