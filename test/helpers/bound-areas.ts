// The bound areas of a served page (web/bound-view.ts's contract), read as the browser reads their attributes:
// each area's view, evidence, actors and params, and its inner HTML; and the page outside them.

export interface ServedArea {
  view: string
  evidence: number[]
  actors: string[]
  params: Record<string, string>
  inner: string
}

/** An attribute's text as escapeHtml (web/html.ts) wrote it, unescaped. */
const unescapeAttribute = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The end of the element whose content starts at `from`: the `</div>` that balances its `<div`s. */
function closingDiv(html: string, from: number): number {
  let depth = 1
  const tags = /<div\b|<\/div>/g
  tags.lastIndex = from
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[0] === '</div>' ? -1 : 1
    if (depth === 0) return m.index
  }
  throw new Error('an area without its end')
}

/** The areas of `html` in order, and the page without them. */
export function areasOf(html: string): { areas: ServedArea[]; outside: string } {
  const open = /<div data-bound="([^"]+)" data-evidence="([^"]*)" data-actors="([^"]*)" data-bound-params="([^"]*)" class="bound">/g
  const areas: ServedArea[] = []
  let outside = ''
  let at = 0
  for (const m of html.matchAll(open)) {
    const start = (m.index as number) + m[0].length
    const end = closingDiv(html, start)
    outside += html.slice(at, m.index)
    at = end + '</div>'.length
    areas.push({
      view: m[1],
      evidence: m[2] === '' ? [] : m[2].split(' ').map(Number),
      actors: m[3] === '' ? [] : m[3].split(' '),
      params: JSON.parse(unescapeAttribute(m[4])) as Record<string, string>,
      inner: html.slice(start, end),
    })
  }
  return { areas, outside: outside + html.slice(at) }
}
