// Reading the project's Markdown: its documents, their links and headings (GitHub's anchor slugs), and
// their shell examples, so tests can hold the docs to what the code does.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/node-process.js'

/** The documents a reader is sent to, relative to the repository root. */
export function projectDocuments(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)
  return ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...docs].filter((path) => existsSync(join(ROOT, path)))
}

/** GitHub's heading anchor: lower case, punctuation dropped (but `-` and `_`), spaces to `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors a document's headings make, outside code blocks, with GitHub's -1, -2 for repeats. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of withoutCodeBlocks(markdown)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (!heading) continue
    const slug = headingSlug(heading[1])
    const count = seen.get(slug) ?? 0
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
    seen.set(slug, count + 1)
  }
  return anchors
}

/** Link targets of `[text](target)` and `<img src="target">` outside code blocks and code spans. */
export function linksOf(markdown: string): string[] {
  const links: string[] = []
  for (const line of withoutCodeBlocks(markdown)) {
    const text = line.replace(/`[^`]*`/g, '')
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) links.push(match[1])
    for (const match of text.matchAll(/<img\s[^>]*src="([^"]+)"/g)) links.push(match[1])
  }
  return links
}

function withoutCodeBlocks(markdown: string): string[] {
  const kept: string[] = []
  let inCode = false
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inCode = !inCode
    else if (!inCode) kept.push(line)
  }
  return kept
}

export interface ShellExample {
  /** the document's path and the line the block starts on */
  where: string
  script: string
}

/** The marker that keeps a ```sh block out of the test (it installs, starts or tests the project itself). */
export const NOT_RUN_MARKER = '<!-- not run:'

/** A document's ```sh blocks in order, except those whose preceding line is a NOT_RUN_MARKER comment. */
export function shellExamplesOf(path: string, markdown: string): ShellExample[] {
  const examples: ShellExample[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh') continue
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i])
    if (start > 0 && lines[start - 1].trim().startsWith(NOT_RUN_MARKER)) continue
    examples.push({ where: `${path}:${start + 1}`, script: body.join('\n') })
  }
  return examples
}

export function readDocument(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8')
}
