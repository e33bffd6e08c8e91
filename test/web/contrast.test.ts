// Colour contrast of every page's text, WCAG 2.2 success criterion 1.4.3 (AA): 4.5:1 for text, and 1.4.11:
// 3:1 for a glyph drawn as a decoration (a ✓ after a seq, a dot before "live"). Each colour is read from the
// stylesheets the pages carry and held against the background its rule sets, else white (the cards); white
// text is on the dark bar and buttons and is checked there.

import t from 'tap'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT } from '../helpers/web.js'

/** WCAG 2.2 relative luminance of an sRGB colour (#rgb or #rrggbb). */
function luminance(hex: string): number {
  const digits = hex.slice(1).length === 3 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1)
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (light + 0.05) / (dark + 0.05)
}

const HEX = '#[0-9a-fA-F]{6}\\b|#[0-9a-fA-F]{3}\\b'

interface TextColour {
  selector: string
  colour: string
  background: string
  decoration: boolean
}

/** Every `color:` of a stylesheet with the background its rule sets (white when it sets none). */
function textColours(css: string): TextColour[] {
  const found: TextColour[] = []
  for (const [, selector, declarations] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const colour = new RegExp(`(?:^|;)color:(${HEX})`).exec(declarations)?.[1]
    if (!colour) continue
    const background = new RegExp(`(?:^|;)background(?:-color)?:(${HEX})`).exec(declarations)?.[1] ?? '#fff'
    // A pseudo-element whose content is one glyph (with spaces) is a decoration, not words.
    const decoration = /::?(before|after)/.test(selector) && /content:"\s*[^\sA-Za-z\u4e00-\u9fff]\s*"/.test(declarations)
    found.push({ selector: selector.trim(), colour, background, decoration })
  }
  return found
}

t.test('the WCAG contrast ratio: the known answers', async (t) => {
  t.equal(contrast('#000', '#fff'), 21)
  t.equal(contrast('#fff', '#fff'), 1)
  t.equal(contrast('#777777', '#ffffff').toFixed(2), '4.48', 'the classic just-failing grey')
  t.equal(contrast('#1e8e3e', '#fff').toFixed(1), '4.2', 'the old shared green: under AA')
  t.same(textColours('a{color:#123456}.b:after{content:" ✓";color:#abc}.c{background:#000;color:#fff}'), [
    { selector: 'a', colour: '#123456', background: '#fff', decoration: false },
    { selector: '.b:after', colour: '#abc', background: '#fff', decoration: true },
    { selector: '.c', colour: '#fff', background: '#000', decoration: false },
  ])
})

t.test("every page's text reaches WCAG AA against its background", async (t) => {
  const { app } = await demoApp(t)
  const pages = ['/', lotPath(FINE_LOT), lotPath(RECALLED_LOT), '/seals/yiqiao-committee-seal', '/console', '/verify', '/?lang=en']
  for (const url of pages) {
    const html = (await app.inject({ url, headers: { accept: 'text/html' } })).body
    const css = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]).join('')
    t.ok(css.length > 0, `${url}: has its stylesheet`)
    t.notMatch(css, /#1e8e3e/i, `${url}: not the old green`)
    for (const { selector, colour, background, decoration } of textColours(css)) {
      // White text sits on the bar, the buttons and the recall banner, each a dark background of its own rule or its parent's.
      const against = /^#fff(fff)?$/i.test(colour) && background === '#fff' ? '#0b6e4f' : background
      const needed = decoration ? 3 : 4.5
      const ratio = contrast(colour, against)
      t.ok(ratio >= needed, `${url}: ${selector} ${colour} on ${against} is ${ratio.toFixed(2)}:1, needs ${needed}:1`)
    }
  }
})
