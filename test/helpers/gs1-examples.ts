// GS1's EPCIS 2.0 example documents (test/fixtures/gs1-epcis/JSON, unchanged from github.com/gs1/EPCIS).

import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const GS1_EXAMPLES_DIR = fileURLToPath(new URL('../fixtures/gs1-epcis/JSON/', import.meta.url))

export type Json = Record<string, any>

/** Every .jsonld document under JSON/, by its path relative to it. */
export function gs1ExampleDocuments(): { name: string; doc: Json }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.jsonld') ? [join(dir, entry.name)] : [],
    )
  return walk(GS1_EXAMPLES_DIR)
    .sort()
    .map((file) => ({ name: relative(GS1_EXAMPLES_DIR, file), doc: JSON.parse(readFileSync(file, 'utf8')) as Json }))
}

/** The events of an EPCISDocument or an EPCISQueryDocument. */
export function eventsOf(doc: Json): Json[] {
  return doc.epcisBody?.eventList ?? doc.epcisBody?.queryResults?.resultsBody?.eventList ?? []
}
