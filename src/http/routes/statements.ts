// POST /v1/statements: one DSSE envelope, or {"envelopes": [...]} up to MAX_BATCH_ENVELOPES.

import type { FastifyPluginAsync } from 'fastify'
import type { Envelope } from '../../core/dsse.js'
import { TracechainError, fail } from '../../core/errors.js'
import { parseJsonText } from '../../core/json-depth.js'
import type { Ledger } from '../../ledger/ledger.js'
import { errorBody } from '../errors.js'
import { DEFAULT_INTAKE_BYTES, IntakeBudget } from '../intake.js'

export const MAX_BATCH_ENVELOPES = 1000
/** A full batch of 1000 statements at the 48 KiB payload cap would be ~66 MB; real events are ~1-2 KB. */
export const STATEMENTS_BODY_LIMIT = 32 * 1024 * 1024

export const statementRoutes: FastifyPluginAsync<{ ledger: Ledger; intakeBytes?: number | undefined }> = async (app, { ledger, intakeBytes = DEFAULT_INTAKE_BYTES }) => {
  const intake = new IntakeBudget(intakeBytes)
  // This plugin's own JSON parser: the body collected as one Buffer and parsed by JSON.parse, where
  // Fastify's default joins string chunks and rescans the text for prototype keys, a cost per statement
  // of a large batch. Prototype keys are harmless here: JSON.parse makes them own properties,
  // the envelope schema allows no extra keys and a batch object no other key, and nothing merges the body.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const text = (body as Buffer).toString('utf8')
    if (text.length === 0) return done(new TracechainError('INVALID_JSON', 'the body is empty; send a JSON envelope or batch'), undefined)
    try {
      done(null, parseJsonText(text, 'the body'))
    } catch (error) {
      done(error as TracechainError, undefined)
    }
  })
  app.post(
    '/v1/statements',
    {
      bodyLimit: STATEMENTS_BODY_LIMIT,
      onRequest: intake.admit,
      preParsing: intake.count,
      schema: {
        summary: 'Append one signed statement, or a batch',
        description:
          'Body: one DSSE envelope (201 {seq, leafHash}; 200 for a repeat of an accepted statement) or {"envelopes": [...]} (200 {results}, one per envelope in order).',
        body: { type: 'object' },
        tags: ['log'],
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, unknown>
      if (Object.hasOwn(body, 'envelopes')) {
        const envelopes = body.envelopes
        if (!Array.isArray(envelopes) || Object.keys(body).length !== 1) {
          fail('BAD_REQUEST', 'a batch is {"envelopes": [envelope, ...]} and nothing else')
        }
        if (envelopes.length > MAX_BATCH_ENVELOPES) {
          fail('BATCH_TOO_LARGE', `${envelopes.length} envelopes; at most ${MAX_BATCH_ENVELOPES} per batch`, {
            count: envelopes.length,
            max: MAX_BATCH_ENVELOPES,
          })
        }
        const results = (await ledger.submitMany(envelopes)).map((outcome) => {
          if (!(outcome instanceof TracechainError)) return { seq: outcome.seq, leafHash: outcome.leafHash }
          const { statusCode, code, message } = errorBody(outcome)
          return { statusCode, code, message }
        })
        return reply.status(200).send({ results })
      }
      const result = await ledger.submit(body as unknown as Envelope)
      return reply.status(result.created ? 201 : 200).send({ seq: result.seq, leafHash: result.leafHash })
    },
  )
}
