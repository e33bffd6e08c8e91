// The examples: demo actors (keys under keys/demo/, public on purpose) and their statements, loaded
// into an empty ledger by `npm start` and into any node by `tracechain demo`. Statements carry fixed
// ids and times, so loading twice is an idempotent repeat.

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildStatementEnvelope, type Envelope } from '../core/dsse.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { fail } from '../core/errors.js'
import { parseKeyFile, type Signer } from '../core/keys.js'
import type { Statement } from '../core/statement.js'
import { toBase64 } from '../core/bytes.js'
import type { Ledger } from '../ledger/ledger.js'
import type { DemoKey } from '../http/demo-keys.js'
import { askNode, NodeRefusal } from './node-client.js'
import { readKeyFile } from './node-dir.js'
import { eventTimeAsIssuedAt, statementsFromDocument } from '../food/epcis-import.js'

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url))
export const DEMO_KEYS_DIR = fileURLToPath(new URL('../../keys/demo/', import.meta.url))
const DEMO_EPOCH = '2026-05-01T00:00:00.000Z'
/** Where a demo node's log begins: before the story's first statement, so the story is recorded after it. */
export const DEMO_GENESIS = new Date('2026-04-30T00:00:00.000Z')
/** How long after signing the seed records a story's statement, as a node running then would have. */
const RECORDED_AFTER_SIGNING_MS = 60_000
const DAY_MS = 24 * 60 * 60 * 1000

/** A signed example, with when it was signed and how many days late the story has it recorded. */
interface DemoStatement {
  envelope: Envelope
  issuedAt: string
  recordedDaysLater: number
}

interface DemoActor {
  id: string
  name: string | { zh?: string; en?: string }
  roles: string[]
  org?: string
  locations?: string[]
}

export function demoSigner(actorId: string): Signer {
  const path = `${DEMO_KEYS_DIR}${actorId}.json`
  if (!existsSync(path)) fail('NOT_FOUND', `no demo key for ${actorId} at ${path}`)
  return parseKeyFile(JSON.parse(readFileSync(path, 'utf8')), nodeEd25519)
}

/**
 * The public halves of every key in keys/demo/: the node marks actors that hold one and shows a demo
 * banner while any is registered, whether it was seeded now, earlier, or over HTTP.
 */
export function readDemoKeys(): DemoKey[] {
  if (!existsSync(DEMO_KEYS_DIR)) return []
  return readdirSync(DEMO_KEYS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const signer = parseKeyFile(JSON.parse(readFileSync(`${DEMO_KEYS_DIR}${name}`, 'utf8')), nodeEd25519)
      return { keyid: signer.keyid, publicKey: toBase64(signer.publicKey) }
    })
}

/** The example statements in order, signed: the actors first, then examples/statements and examples/epcis by file name. */
export function buildDemoEnvelopes(operator: Signer): Envelope[] {
  return buildDemoStory(operator).map(({ envelope }) => envelope)
}

function buildDemoStory(operator: Signer): DemoStatement[] {
  const { actors } = JSON.parse(readFileSync(`${EXAMPLES_DIR}actors.json`, 'utf8')) as { actors: DemoActor[] }
  const story: DemoStatement[] = actors.map((actor) => {
    const statement: Statement = {
      type: 'actor.register',
      actor: 'operator',
      id: `register-${actor.id}`,
      issuedAt: DEMO_EPOCH,
      body: { ...actor, publicKey: toBase64(demoSigner(actor.id).publicKey) },
    }
    return { envelope: buildStatementEnvelope(statement, [operator]), issuedAt: DEMO_EPOCH, recordedDaysLater: 0 }
  })
  // statements/*.json and epcis/<nn>.<actor>.<name>.jsonld, merged in file-name order
  const files: { name: string; path: string }[] = []
  for (const folder of ['statements', 'epcis']) {
    const dir = `${EXAMPLES_DIR}${folder}/`
    if (!existsSync(dir)) continue
    for (const name of readdirSync(dir)) if (/\.(json|jsonld)$/.test(name)) files.push({ name, path: `${dir}${name}` })
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const file of files) {
    const content = JSON.parse(readFileSync(file.path, 'utf8')) as unknown
    if (file.name.endsWith('.jsonld')) {
      const actor = file.name.split('.')[1]
      for (const statement of statementsFromDocument(content, actor, eventTimeAsIssuedAt)) {
        story.push({ envelope: buildStatementEnvelope(statement, [demoSigner(actor)]), issuedAt: statement.issuedAt, recordedDaysLater: 0 })
      }
      continue
    }
    // `cosigners` and `recordedDaysLater` are the story's, not the statement's: they are not signed.
    for (const { cosigners, recordedDaysLater, ...statement } of (content as { statements: (Statement & { cosigners?: string[]; recordedDaysLater?: number })[] }).statements) {
      const signer = statement.actor === 'operator' ? operator : demoSigner(statement.actor)
      const envelope = buildStatementEnvelope(statement, [signer, ...(cosigners ?? []).map(demoSigner)])
      story.push({ envelope, issuedAt: statement.issuedAt, recordedDaysLater: recordedDaysLater ?? 0 })
    }
  }
  return story
}

/**
 * Seeds the examples straight into a ledger; returns how many were appended. A ledger whose last entry is
 * older than the story (a new demo node, whose genesis is DEMO_GENESIS) records each statement as of a
 * minute after it was signed, as a node running through the story would have: its clock never runs back,
 * so a statement the story signed earlier than the one before it is recorded late, and shows as a late
 * record. Any other ledger records the story now, and every statement of it is a late record.
 */
export async function seedLedger(ledger: Ledger, operator: Signer): Promise<number> {
  const story = buildDemoStory(operator)
  const last = await ledger.getEntry(ledger.size - 1)
  const replay = Date.parse(last.entry.recordedAt) < Date.parse(story[0].issuedAt)
  let recordedAt = Date.parse(last.entry.recordedAt)
  let appended = 0
  for (const { envelope, issuedAt, recordedDaysLater } of story) {
    recordedAt = Math.max(recordedAt + 1000, Date.parse(issuedAt) + RECORDED_AFTER_SIGNING_MS + recordedDaysLater * DAY_MS)
    const result = replay ? await ledger.submitReplayed(envelope, new Date(recordedAt)) : await ledger.submit(envelope)
    if (result.created) appended++
  }
  return appended
}

/** `tracechain demo --url U --dir D`: seeds a running node over HTTP with D's operator key. */
export async function seedOverHttp(url: string, operatorKeyFile: string, timeoutMs?: number): Promise<string> {
  const operator = readKeyFile(operatorKeyFile)
  const envelopes = buildDemoEnvelopes(operator)
  let created = 0
  let refused = 0
  const statements = `${url.replace(/\/+$/, '')}/v1/statements`
  for (const envelope of envelopes) {
    try {
      const { status } = await askNode(statements, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope), maxBytes: 64 * 1024, timeoutMs })
      if (status === 201) created++
    } catch (error) {
      // The node's refusal of one statement is reported and the rest still sent; anything else ends the seeding.
      if (!(error instanceof NodeRefusal)) throw error
      refused++
      process.stderr.write(`refused: ${error.code}: ${error.message}\n`)
    }
  }
  return `demo: ${envelopes.length} statements, ${created} appended, ${envelopes.length - created - refused} already there, ${refused} refused`
}
