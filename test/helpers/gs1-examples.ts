// GS1's EPCIS 2.0 example documents (test/fixtures/gs1-epcis/JSON, unchanged from github.com/gs1/EPCIS).

import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { statementsFromDocument } from '../../src/food/epcis-import.js'
import { buildApp } from '../../src/http/app.js'
import { assertValidQueryDocument } from './gs1-schema.js'
import { makeNode, type TestNode } from './ledger.js'
import { testDir } from './test-dir.js'

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

/**
 * Every GS1 example document imported through POST /v1/statements, one actor per document (GS1 reuses
 * eventIDs across examples with other content; with no locations any readPoint is allowed, and a
 * processor may sign food.event). Returns each document with the per-event results of its batch.
 */
export async function importGs1Examples(
  node: TestNode,
  app: FastifyInstance,
): Promise<{ name: string; doc: Json; statusCode: number; results: { seq?: number; code?: string; message?: string }[] }[]> {
  const out = []
  for (const [i, { name, doc }] of gs1ExampleDocuments().entries()) {
    const signer = await node.register(`gs1-example-${i}`, ['processor'])
    const issuedAt = new Date().toISOString()
    const envelopes = statementsFromDocument(doc, `gs1-example-${i}`, () => issuedAt).map((s) => buildStatementEnvelope(s, [signer]))
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: { envelopes } })
    out.push({ name, doc, statusCode: response.statusCode, results: response.statusCode === 200 ? response.json().results : [] })
  }
  return out
}

/** A node and its app on a fixed clock with GS1's examples imported, closed at teardown: where the query tests start. */
export async function nodeWithGs1Examples(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock: () => new Date('2026-06-01T00:00:00.000Z') })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const documents = await importGs1Examples(node, app)
  return { node, app, documents, examples: documents.flatMap((d) => eventsOf(d.doc)) }
}

/** The events a query at `path` (default /events) answers, checking it is a 200 whose document is valid against GS1's schema. */
export async function queriedEvents(t: Test, app: FastifyInstance, search: string, options: { path?: string; headers?: Record<string, string> } = {}): Promise<Json[]> {
  const response = await app.inject({ url: `${options.path ?? '/events'}?${search}&perPage=1000`, headers: options.headers ?? {} })
  t.equal(response.statusCode, 200, `${search} ${response.statusCode === 200 ? '' : response.body.slice(0, 300)}`)
  const document = response.json()
  t.doesNotThrow(() => assertValidQueryDocument(document), `${search}: valid against GS1's schema`)
  return (document.epcisBody?.queryResults?.resultsBody?.eventList ?? []) as Json[]
}
