// The console's live updates, in the browser (part of the verifier bundle): an EventSource on the page's
// alert stream; on each new alert it asks the node for the cards after the newest one shown (GET
// /console/rows, rendered by the same code as the page), puts them on top, announces them, and verifies
// the page again, so a new card's entries are checked like the rest. The stream is only a signal: what is
// shown always comes from the cards, so a missed or repeated event shows nothing twice and loses nothing.

import { verifyPage } from './verify.js'

/** Cards the list keeps; older ones leave it as new ones come (the pager still reaches them). */
export const MAX_CARDS = 100

const WORDS = {
  zh: { open: '实时更新：已连接，新预警会自动出现。', retrying: '实时更新：连接中断，正在重连…', closed: '实时更新已停止：请刷新页面。', arrived: '新预警 {n} 条：{kinds}' },
  en: { open: 'Live updates: connected; new alerts appear here by themselves.', retrying: 'Live updates: connection lost, reconnecting…', closed: 'Live updates stopped: reload the page.', arrived: '{n} new alert(s): {kinds}' },
} as const

export function startConsoleLive(): void {
  if (typeof document === 'undefined' || typeof EventSource === 'undefined') return
  const start = () => {
    const list = document.querySelector<HTMLElement>('[data-alert-list][data-stream][data-rows]')
    const root = document.querySelector<HTMLElement>('[data-verification]')
    if (list && root) follow(list, root)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
}

function follow(list: HTMLElement, root: HTMLElement): void {
  const lang = (document.documentElement.lang || 'zh').toLowerCase().startsWith('en') ? 'en' : 'zh'
  const words = WORDS[lang]
  const status = document.querySelector<HTMLElement>('[data-live-status]')
  const setStatus = (state: 'open' | 'retrying' | 'closed') => {
    if (!status) return
    status.setAttribute('data-state', state)
    status.textContent = words[state]
  }
  const rows = new URL(list.getAttribute('data-rows') as string, window.location.href)
  const baseTitle = document.title
  let unseen = 0
  let fetching: Promise<void> | undefined
  let again = false

  // One request at a time; an alert that arrives meanwhile asks for one more round after it.
  const refresh = (): void => {
    if (fetching) {
      again = true
      return
    }
    fetching = fetchCards().finally(() => {
      fetching = undefined
      if (again) {
        again = false
        refresh()
      }
    })
  }

  const fetchCards = async (): Promise<void> => {
    const newest = list.querySelector<HTMLElement>('[data-position]')?.getAttribute('data-position')
    if (newest) {
      rows.searchParams.delete('since')
      rows.searchParams.set('after', newest)
    }
    const response = await fetch(rows.href, { headers: { accept: 'text/html' }, cache: 'no-store' })
    if (!response.ok) return
    const template = document.createElement('template')
    template.innerHTML = await response.text()
    const cards = Array.from(template.content.querySelectorAll<HTMLElement>('li[data-position]'))
    if (cards.length === 0) return
    // Oldest first in the answer: each goes on top, so the newest ends up first.
    for (const card of cards) list.prepend(card)
    document.querySelector('[data-no-alerts]')?.remove()
    while (list.children.length > MAX_CARDS) list.lastElementChild?.remove()
    unseen += cards.length
    if (document.hidden) document.title = `(${unseen}) ${baseTitle}`
    const kinds = [...new Set(cards.map((card) => card.querySelector('h3')?.firstChild?.textContent?.trim() ?? ''))].join(lang === 'zh' ? '、' : ', ')
    announce(words.arrived.replace('{n}', String(cards.length)).replace('{kinds}', kinds))
    if (response.headers.get('x-more-alerts') === 'true') again = true
    await settled(root)
    await verifyPage(root)
  }

  const announce = (text: string) => {
    if (status) status.textContent = text
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      unseen = 0
      document.title = baseTitle
    }
  })

  const source = new EventSource(list.getAttribute('data-stream') as string)
  source.addEventListener('open', () => setStatus('open'))
  source.addEventListener('alert', () => refresh())
  source.addEventListener('error', () => setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'retrying'))
  source.addEventListener('closing', () => setStatus('retrying'))
}

/** Resolves once the page's verification in progress, if any, has ended: two must not write the page at once. */
function settled(root: HTMLElement): Promise<void> {
  if (root.getAttribute('data-verification') !== 'pending') return Promise.resolve()
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (root.getAttribute('data-verification') === 'pending') return
      observer.disconnect()
      resolve()
    })
    observer.observe(root, { attributes: true, attributeFilter: ['data-verification'] })
  })
}
