// Every relative link in the README and docs points at a file that exists, and every #anchor at a
// heading of its target: a reorganised manual must not leave readers at dead ends.

import { existsSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import t from 'tap'
import { anchorsOf, headingSlug, linksOf, projectDocuments, readDocument } from '../helpers/markdown.js'
import { ROOT } from '../helpers/node-process.js'

t.test('headingSlug follows GitHub', async (t) => {
  t.equal(headingSlug('Trace, recall, the resolver'), 'trace-recall-the-resolver')
  t.equal(headingSlug('`GET /v1/events?…`'), 'get-v1events')
  t.equal(headingSlug('Official seals (村务公开)'), 'official-seals-村务公开')
})

for (const path of projectDocuments()) {
  t.test(`${path}: links resolve`, async (t) => {
    const markdown = readDocument(path)
    for (const link of linksOf(markdown)) {
      if (/^[a-z]+:/i.test(link)) continue // http(s), mailto: outside this test's reach
      const [target, anchor] = link.split('#')
      const file = target === '' ? path : normalize(join(dirname(path), target))
      t.ok(existsSync(join(ROOT, file)), `${link} → ${file} exists`)
      if (anchor && file.endsWith('.md') && existsSync(join(ROOT, file))) {
        t.ok(anchorsOf(readDocument(file)).has(anchor), `${link}: ${file} has a heading #${anchor}`)
      }
    }
  })
}
