// A lot page and a seal page carry only the shared stylesheet's rules that may apply to them (web/html.ts
// usedStyles). In Chromium, every element of each demo lot page and of the demo seal page (on screen and on
// paper), verified and failed, in both languages, and its ::before and ::after, has the same computed style
// with those rules as with the whole stylesheet; what the page's script adds after it loads included.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { SEAL_PAGE_STYLES } from '../../src/seal/web/seal-styles.js'
import { SHARED_STYLESHEET, usedStyles } from '../../src/web/html.js'
import { PUBLIC_DIR } from '../../src/web/verifier-asset.js'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT } from '../helpers/web.js'

const VERIFY_TIMEOUT_MS = 30_000

t.test('a rule stays where some selector of it may match: its classes and elements are on the page or added by its script', async (t) => {
  const rules = (css: string) => css.split('}').filter(Boolean).map((rule) => rule.slice(0, rule.indexOf('{')))
  const bare = rules(usedStyles('<body><main></main></body>'))
  t.ok(bare.includes('*') && bare.includes('html') && bare.includes('body') && bare.includes('main'), 'the universal rule, html, body and main')
  t.ok(bare.includes('.verify ul') === false, 'no .verify, no rule of it')
  t.ok(bare.includes('.tag'), "a class the script adds (a late mark's tag) stays")
  t.notOk(bare.some((selector) => selector.includes('.recall')), 'no recall on the page, no recall rules')
  t.notOk(bare.includes('table'), 'nor the explorer table')
  const recall = rules(usedStyles('<body><section class="recall"><h2>召回</h2><dl><dd>x</dd></dl></section></body>'))
  t.ok(recall.includes('.recall') && recall.includes('.recall h2') && recall.includes('.recall dd'))
  t.notOk(recall.includes('.recall p'), 'a rule of an element the page has not (p) is left out')
  const listed = rules(usedStyles('<body><ol class="route x"><li>a</li></ol></body>'))
  t.ok(listed.includes('.route li+li:before'), 'sibling and pseudo-element rules by their classes and elements')
  const everyClass = [...new Set([...SHARED_STYLESHEET.matchAll(/\.([\w-]+)/g)].map(([, name]) => name))].join(' ')
  const everyElement = ['main', 'span', 'table', 'td', 'th', 'form', 'input', 'button', 'pre', 'img', 'footer', 'time', 'svg', 'dl', 'dt', 'dd', 'b', 'small', 'h1', 'h2', 'h3', 'p', 'a'].map((tag) => `<${tag}>`).join('')
  t.equal(usedStyles(`<body class="${everyClass}">${everyElement}</body>`), SHARED_STYLESHEET, 'a page with every class and element keeps every rule, in order')
})

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test("the page scripts, which bundle html.ts for escapeHtml, carry none of the stylesheet's rules", async (t) => {
    for (const script of ['consumer', 'consumer-en', 'seal', 'seal-en', 'verify'] as const) {
      const code = readFileSync(join(PUBLIC_DIR, `${script}.js`), 'utf8')
      t.notOk(code.includes('.lots{display:grid'), `${script}.js`)
    }
  })

  t.test('in Chromium: each lot page styled as with the whole stylesheet, verified and failed', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const page = await newPage(t)
    // The class names are the same in either language; the English page has a script of its own.
    const cases = [
      [FINE_LOT, 'zh', 'verified'],
      [FINE_LOT, 'zh', 'failed'],
      [FINE_LOT, 'en', 'verified'],
      [RECALLED_LOT, 'zh', 'verified'],
      [RECALLED_LOT, 'zh', 'failed'],
    ] as const
    for (const [lot, lang, state] of cases) {
      if (state === 'failed') await failOneEntry(page)
      await verdict(t, page, `${baseUrl}${lotPath(lot)}?lang=${lang}`, state)
      const served = (await page.textContent('style')) ?? ''
      t.ok(served.length < SHARED_STYLESHEET.length, `${lot} ${lang}: ${served.length} of the stylesheet's ${SHARED_STYLESHEET.length} characters`)
      t.same(await differencesWithWholeStylesheet(page, SHARED_STYLESHEET), [], `${lot} ${lang} ${state}: no element styled otherwise`)
      await page.unrouteAll()
    }
  })

  t.test("in Chromium: the seal page, on screen and on paper, as with the whole stylesheet and the seal page's own", async (t) => {
    const { app } = await seededDemoApp(t)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const page = await newPage(t)
    const whole = SHARED_STYLESHEET + SEAL_PAGE_STYLES
    const cases = [
      ['zh', 'verified', 'screen'],
      ['zh', 'verified', 'print'],
      ['zh', 'failed', 'screen'],
      ['zh', 'failed', 'print'],
      ['en', 'verified', 'screen'],
    ] as const
    for (const [lang, state, media] of cases) {
      if (state === 'failed') await failOneEntry(page)
      await page.emulateMedia({ media })
      await verdict(t, page, `http://127.0.0.1:${port}/seals/yiqiao-committee-seal?lang=${lang}`, state)
      const served = (await page.textContent('style')) ?? ''
      t.ok(served.length < whole.length, `${lang}: ${served.length} of ${whole.length} characters`)
      t.same(await differencesWithWholeStylesheet(page, whole), [], `${lang} ${state} ${media}: no element styled otherwise`)
      await page.unrouteAll()
    }
  })
}

async function newPage(t: Test): Promise<Page> {
  return (await launchChromium(t)).page
}

/** One entry's time changed in the API's answer: the failure list, the ticks and marks of a failed page. */
async function failOneEntry(page: Page): Promise<void> {
  await page.route('**/v1/proofs/entries?*', async (route) => {
    const response = await route.fetch()
    const answer = (await response.json()) as { entries: { entry: { recordedAt: string } }[] }
    answer.entries[1].entry.recordedAt = '2020-01-01T00:00:00.000Z'
    await route.fulfill({ response, json: answer })
  })
}

async function verdict(t: Test, page: Page, url: string, expected: string): Promise<void> {
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  t.equal(await page.getAttribute('[data-verification]', 'data-verification'), expected, `${url}: ${expected}`)
}

/** Every element's computed style (and its ::before and ::after) with the page's stylesheet, then with `whole`: where they differ. */
function differencesWithWholeStylesheet(page: Page, whole: string): Promise<string[]> {
  return page.evaluate((whole) => {
    const elements = Array.from(document.querySelectorAll('*'))
    const describe = (element: Element) => `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ').join('.')}` : ''}`
    const snapshot = () =>
      elements.map((element) =>
        [null, '::before', '::after'].map((pseudo) => {
          const style = getComputedStyle(element, pseudo)
          const values: string[] = []
          for (let i = 0; i < style.length; i++) values.push(`${style[i]}:${style.getPropertyValue(style[i])}`)
          return values.join(';')
        }),
      )
    const before = snapshot()
    const sheet = document.querySelector('style')
    if (!sheet) return ['the page has no stylesheet']
    sheet.textContent = whole
    const after = snapshot()
    const differences: string[] = []
    for (let i = 0; i < elements.length && differences.length < 10; i++) {
      for (const [j, pseudo] of ['', '::before', '::after'].entries()) {
        if (before[i][j] === after[i][j]) continue
        const was = before[i][j].split(';')
        const now = after[i][j].split(';')
        differences.push(`${describe(elements[i])}${pseudo}: ${now.filter((value) => !was.includes(value)).slice(0, 3).join(' ')}`)
      }
    }
    return differences
  }, whole)
}
