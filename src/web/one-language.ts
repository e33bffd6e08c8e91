// Build-time only (web/bundle.ts): an esbuild plugin that leaves one language's words in a page script.
// The words are written as `{ zh: …, en: … }` beside each other (i18n.ts, the views' tables), and a page reads
// them as `words[lang]` with `lang` its own <html lang>; the consumer and seal scripts are built once per
// language, the server names the one of the page's language (page-scripts.ts: pageScriptIn), and the script
// speaks its own language whatever a page says (web/verify.ts), so the other language's words are never read.
// In every object literal whose properties are exactly `zh` and `en`, the other one's value, when it is a
// literal (text, template, object, array, function), becomes an empty one of its kind.
// A value that is not a literal (a variable, a call) is left as it is. The browser tests hold both scripts to
// the server's pages: a word read in the wrong language renders differently and fails the page.

import type { Plugin } from 'esbuild'
import { readFile } from 'node:fs/promises'
import ts from 'typescript'

export type PageLang = 'zh' | 'en'

/** The source of one module with the words of `keep` alone; unchanged when it has none of the other's. */
export function withOneLanguage(source: string, fileName: string, keep: PageLang): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const cuts: { start: number; end: number; empty: string }[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && node.properties.length === 2) {
      const named = node.properties.map((property) => (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : ''))
      if (named.includes('zh') && named.includes('en')) {
        for (const property of node.properties as ts.NodeArray<ts.PropertyAssignment>) {
          const empty = named[node.properties.indexOf(property)] === keep ? undefined : emptyOf(property.initializer)
          // A value cut whole takes what is inside it along: no cut may fall inside another.
          if (empty === undefined) visit(property.initializer)
          else cuts.push({ start: property.initializer.getStart(file), end: property.initializer.end, empty })
        }
        return
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  let out = source
  for (const { start, end, empty } of cuts.sort((a, b) => b.start - a.start)) out = out.slice(0, start) + empty + out.slice(end)
  return out
}

/** An empty literal of the kind of `value`, or undefined when it is no literal. */
function emptyOf(value: ts.Expression): string | undefined {
  let inner = value
  while (ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner) || ts.isParenthesizedExpression(inner)) inner = inner.expression
  if (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner) || ts.isTemplateExpression(inner)) return "''"
  if (ts.isObjectLiteralExpression(inner)) return '{}'
  if (ts.isArrayLiteralExpression(inner)) return '[]'
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return "() => ''"
  return undefined
}

/** The plugin: every TypeScript module of src/ is read with the words of `keep` alone. */
export function oneLanguage(keep: PageLang): Plugin {
  return {
    name: `one-language-${keep}`,
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => ({ contents: withOneLanguage(await readFile(path, 'utf8'), path, keep), loader: 'ts' }))
    },
  }
}
