// The log's read side: entries, the latest checkpoint, the verifier key, proofs and audits. What the
// browser verifier reads may be read from any origin (cors.ts).

import type { FastifyPluginAsync } from 'fastify'
import { toHex } from '../../core/bytes.js'
import { noteTreeSize } from '../../core/checkpoint.js'
import { nodeEd25519 } from '../../core/ed25519-node.js'
import { fail } from '../../core/errors.js'
import { withPayloadText } from '../../core/payload-text.js'
import { auditLedger, MAX_VERIFY_RANGE } from '../../ledger/audit-ledger.js'
import type { Ledger } from '../../ledger/ledger.js'
import { witnessedProof } from '../../ledger/witnessed.js'
import { MAX_LIKELY_ACTORS, MAX_PROVEN_SEQS } from '../../web/early-requests.js'
import { PUBLIC_READ } from '../cors.js'
import { ACTOR_ID } from './actors.js'
import { CHECKPOINT_CACHE_CONTROL } from './tlog.js'

export const MAX_ENTRIES_PAGE = 1000
export const DEFAULT_ENTRIES_PAGE = 100
/** Entries one request for witnessed proofs may name: a page's evidence. */
export const MAX_WITNESSED_SEQS = 200
/** Registry entries one such request adds at most; a verifier asks for any others as it needs them. */
export const MAX_PROVEN_REGISTRATIONS = 200
/** What a refused concurrent audit is told to wait, in seconds: about one audit of MAX_VERIFY_RANGE entries. */
const VERIFY_RETRY_AFTER_SECONDS = 2

const seqSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const
const sizeSchema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const

/** The witnesses a verifier should require of the served checkpoint: none unless the node has witnesses. */
export interface WitnessPolicyView {
  min: number
  witnesses: { name: string; verifierKey: string }[]
}

export const logRoutes: FastifyPluginAsync<{ ledger: Ledger; servedCheckpoint?: () => string; witnessPolicy?: WitnessPolicyView }> = async (
  app,
  { ledger, servedCheckpoint = () => ledger.checkpoint, witnessPolicy = { min: 0, witnesses: [] } },
) => {
  // One audit at a time: a second would only halve the speed of both, and a crowd of them would stall
  // the event loop's other work.
  let auditing = false
  app.get(
    '/v1/entries/:seq',
    {
      config: PUBLIC_READ,
      schema: {
        summary: 'One entry with its leaf hash',
        tags: ['log'],
        params: { type: 'object', required: ['seq'], properties: { seq: seqSchema }, additionalProperties: false },
      },
    },
    async (request) => {
      const { seq } = request.params as { seq: number }
      return ledger.getEntry(seq)
    },
  )

  app.get(
    '/v1/entries',
    {
      schema: {
        summary: 'Entries in seq order',
        tags: ['log'],
        querystring: {
          type: 'object',
          properties: {
            from: { ...seqSchema, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_ENTRIES_PAGE, default: DEFAULT_ENTRIES_PAGE },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { from, limit } = request.query as { from: number; limit: number }
      return { entries: from >= ledger.size ? [] : await ledger.getEntries(from, limit) }
    },
  )

  app.get(
    '/v1/checkpoint',
    { config: PUBLIC_READ, schema: { summary: 'The checkpoint the node serves (C2SP signed note): with witnesses configured, the latest their policy accepts, with their cosignature lines', tags: ['log'] } },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(servedCheckpoint()),
  )
  app.get(
    '/v1/checkpoint/latest',
    { config: PUBLIC_READ, schema: { summary: "The node's latest signed checkpoint, witnessed or not yet", tags: ['log'] } },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(ledger.checkpoint),
  )

  app.get(
    '/v1/witnesses',
    { config: PUBLIC_READ, schema: { summary: "The witnesses whose cosignatures the node's served checkpoint carries, and how many of them its pages require", tags: ['log'] } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(witnessPolicy),
  )

  app.get('/v1/log/key', { config: PUBLIC_READ, schema: { summary: "The node's note verifier key", tags: ['log'] } }, async (_request, reply) => {
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(ledger.verifierKey)
  })

  app.get(
    '/v1/proofs/inclusion',
    {
      config: PUBLIC_READ,
      schema: {
        summary: 'RFC 9162 inclusion proof of an entry in a tree size',
        tags: ['proofs'],
        querystring: {
          type: 'object',
          required: ['seq'],
          properties: { seq: seqSchema, size: sizeSchema },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { seq, size = ledger.size } = request.query as { seq: number; size?: number }
      const { leafHash, proof } = await ledger.inclusionProof(seq, size)
      return { seq, size, leafHash: toHex(leafHash), proof: proof.map(toHex) }
    },
  )

  app.get(
    '/v1/proofs/entries',
    {
      config: PUBLIC_READ,
      schema: {
        summary:
          "Entries, each with its RFC 9162 inclusion proof in the tree of `size`: the entries a page shows, checked against a checkpoint, in one request (a phone's round trips are its slowest part). Without `size`, in the tree of the checkpoint /tlog/checkpoint serves, which the answer carries: a page asks for it beside the log key. `actors` adds their registry entries, which establish their keys",
        tags: ['proofs'],
        querystring: {
          type: 'object',
          required: ['seqs'],
          properties: {
            seqs: { type: 'string', pattern: `^[0-9]{1,15}(,[0-9]{1,15}){0,${MAX_PROVEN_SEQS - 1}}$`, description: `up to ${MAX_PROVEN_SEQS} seqs, comma-separated` },
            size: sizeSchema,
            actors: { type: 'string', pattern: `^${ACTOR_ID}(,${ACTOR_ID}){0,${MAX_LIKELY_ACTORS - 1}}$`, description: `up to ${MAX_LIKELY_ACTORS} actor ids, comma-separated: their registry entries too (those not registered are left out)` },
            payloads: { type: 'string', enum: ['text'], description: "`text`: each envelope's payload as `payloadText`, its UTF-8 text, where that text's UTF-8 in base64 is the payload word for word (a quarter fewer bytes in brotli)" },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { seqs: listed, size: asked, actors, payloads } = request.query as { seqs: string; size?: number; actors?: string; payloads?: 'text' }
      const checkpoint = asked === undefined ? servedCheckpoint() : undefined
      // Cached as the checkpoint is (a recall's crowd of phones is a CDN's to answer; a browser asks again): the
      // answer carries the checkpoint its proofs are in, and a verifier takes it only where it is as new as the tiles'.
      if (checkpoint !== undefined) reply.header('cache-control', CHECKPOINT_CACHE_CONTROL)
      const size = checkpoint === undefined ? (asked as number) : noteTreeSize(checkpoint)
      const seqs = [...new Set(listed.split(',').map(Number))]
      if (size > ledger.size) fail('RANGE_INVALID', `size ${size} is beyond the log's ${ledger.size} entries`, { size })
      const outside = seqs.find((seq) => seq >= size)
      if (outside !== undefined) fail('RANGE_INVALID', `seq ${outside} is not below size ${size}`, { seq: outside, size })
      const registrations = [...new Set(actors?.split(',') ?? [])].flatMap((id) => ledger.actors.seqsBefore(id, size))
      const entries = await Promise.all(
        [...new Set([...seqs, ...registrations.slice(0, MAX_PROVEN_REGISTRATIONS)])].map(async (seq) => {
          const [{ entry, leafHash }, { proof }] = await Promise.all([ledger.getEntry(seq), ledger.inclusionProof(seq, size)])
          return { seq, entry: payloads === 'text' ? withPayloadText(entry) : entry, leafHash, proof: proof.map(toHex) }
        }),
      )
      return { size, entries, ...(checkpoint !== undefined ? { checkpoint } : {}) }
    },
  )

  app.get(
    '/v1/proofs/witnessed',
    {
      config: PUBLIC_READ,
      schema: {
        summary:
          'For each entry asked for: a C2SP tlog-proof against the earliest checkpoint the witnesses cosigned that holds it, cosignature lines and all. Their times bound when it was recorded; entries without one are left out',
        tags: ['proofs'],
        querystring: {
          type: 'object',
          required: ['seqs'],
          properties: { seqs: { type: 'string', pattern: `^[0-9]{1,15}(,[0-9]{1,15}){0,${MAX_WITNESSED_SEQS - 1}}$`, description: `up to ${MAX_WITNESSED_SEQS} seqs, comma-separated` } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const seqs = [...new Set((request.query as { seqs: string }).seqs.split(',').map(Number))].filter((seq) => seq < ledger.size)
      const proofs: Record<string, string> = {}
      for (const [i, proof] of (await Promise.all(seqs.map((seq) => witnessedProof(ledger, seq)))).entries()) if (proof !== undefined) proofs[seqs[i]] = proof
      return { proofs }
    },
  )

  app.get(
    '/v1/proofs/consistency',
    {
      config: PUBLIC_READ,
      schema: {
        summary: 'RFC 9162 consistency proof between two tree sizes',
        tags: ['proofs'],
        querystring: {
          type: 'object',
          required: ['from'],
          properties: { from: sizeSchema, to: sizeSchema },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { from, to = ledger.size } = request.query as { from: number; to?: number }
      const proof = await ledger.consistencyProof(from, to)
      return { from, to, proof: proof.map(toHex) }
    },
  )

  app.get(
    '/v1/verify',
    {
      schema: {
        summary: `Audit a range of at most ${MAX_VERIFY_RANGE} entries: chain, leaf hashes, signatures, root against the checkpoint (one audit at a time)`,
        tags: ['log'],
        querystring: {
          type: 'object',
          properties: { from: seqSchema, to: sizeSchema },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { from = 0, to = ledger.size } = request.query as { from?: number; to?: number }
      if (to - from > MAX_VERIFY_RANGE) {
        fail('RANGE_TOO_LARGE', `GET /v1/verify audits at most ${MAX_VERIFY_RANGE} entries (from ${from} to ${to} is ${to - from}); audit a whole log with tracechain verify`, {
          from,
          to,
          max: MAX_VERIFY_RANGE,
        })
      }
      if (auditing) fail('BUSY', 'another audit is running; retry later', { retryAfterSeconds: VERIFY_RETRY_AFTER_SECONDS })
      auditing = true
      let report
      try {
        // The node's appends are checked in the same threads: an append waits behind one chunk, not three.
        report = await auditLedger(ledger, nodeEd25519, from, to, { checkedAhead: 1 })
      } finally {
        auditing = false
      }
      return {
        ok: report.ok,
        checked: report.checked,
        from: report.from,
        to: report.to,
        root: report.root,
        ...(report.firstBad ? { firstBad: { seq: report.firstBad.seq, reason: `${report.firstBad.code}: ${report.firstBad.reason}` } } : {}),
      }
    },
  )
}
