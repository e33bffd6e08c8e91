// The capture side of the EPCIS 2.0 REST binding (openapi.yaml /capture, /capture/{captureID}): a producer's
// system posts an EPCISDocument with its actor's capture token and follows the job. Thin: food/capture.ts runs it.

import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { TracechainError, fail } from '../../core/errors.js'
import { parseJsonText } from '../../core/json-depth.js'
import { CAPTURE_EVENT_LIMIT, CAPTURE_FILE_SIZE_LIMIT, type CaptureService } from '../capture.js'
import { DEFAULT_INTAKE_BYTES, IntakeBudget } from '../../http/intake.js'
import { epcisDocumentFromXml } from '../epcis-xml.js'

const DEFAULT_JOBS_PER_PAGE = 30
const MAX_JOBS_PER_PAGE = 1000

const CAPTURE_HEADERS = {
  'gs1-epcis-version': '2.0.0',
  'gs1-cbv-version': '2.0.0',
  'gs1-epcis-capture-limit': String(CAPTURE_EVENT_LIMIT),
  'gs1-epcis-capture-file-size-limit': String(CAPTURE_FILE_SIZE_LIMIT),
  // An append-only log cannot take back the events of a job that already landed: refused events are left
  // out and reported, the others kept.
  'gs1-capture-error-behaviour': 'proceed',
} as const

/** The bearer token of a request (attacker-controlled), if it sends one. */
function bearerOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  return match?.[1]
}

export const captureRoutes: FastifyPluginAsync<{ capture: CaptureService; intakeBytes?: number | undefined }> = async (app, { capture, intakeBytes = DEFAULT_INTAKE_BYTES }) => {
  const intake = new IntakeBudget(intakeBytes)
  // The document is parsed here, after the token was checked (onRequest): a caller without one costs no parse.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['application/json', 'application/ld+json'], { parseAs: 'buffer', bodyLimit: CAPTURE_FILE_SIZE_LIMIT }, (_request, body, done) => {
    try {
      done(null, parseJsonText((body as Buffer).toString('utf8'), 'the document'))
    } catch (error) {
      done(error as TracechainError, undefined)
    }
  })
  // EPCIS 2.0 and 1.2 XML, as older systems export it, captured as its JSON-LD form.
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer', bodyLimit: CAPTURE_FILE_SIZE_LIMIT }, (_request, body, done) => {
    try {
      done(null, epcisDocumentFromXml((body as Buffer).toString('utf8'), { maxBytes: CAPTURE_FILE_SIZE_LIMIT }))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(CAPTURE_HEADERS)
    if (request.method === 'OPTIONS') return
    const { actor } = capture.authorise(bearerOf(request))
    ;(request as FastifyRequest & { captureActor?: string }).captureActor = actor
  })
  const actorOf = (request: FastifyRequest) => (request as FastifyRequest & { captureActor: string }).captureActor

  app.options('/capture', { schema: { summary: 'EPCIS 2.0 capture discovery: limits and error behaviour in GS1-* headers', tags: ['food'] } }, async (_request, reply) =>
    reply.status(204).header('allow', 'OPTIONS, GET, POST').send(),
  )

  app.post(
    '/capture',
    {
      bodyLimit: CAPTURE_FILE_SIZE_LIMIT,
      // After the token is checked (the plugin's onRequest): a document in hand costs as a batch does.
      onRequest: intake.admit,
      preParsing: intake.count,
      schema: {
        summary: 'EPCIS 2.0 capture: sign each event of an EPCISDocument as the token’s actor (in custody) and append it',
        description: `Authorization: Bearer <capture token> of an actor registered with custody "node". Body: an EPCISDocument or EPCISQueryDocument (application/json or application/ld+json), or an EPCIS 2.0 or 1.2 XML document (application/xml or text/xml; no DOCTYPE), converted to JSON-LD; at most ${CAPTURE_EVENT_LIMIT} events and ${CAPTURE_FILE_SIZE_LIMIT} bytes. 202 with Location: /capture/{captureID}; each event becomes a food.event statement under the same rules as any signed append (GS1-Capture-Error-Behaviour: proceed).`,
        tags: ['food'],
        headers: {
          type: 'object',
          properties: { 'gs1-capture-error-behaviour': { type: 'string', description: 'proceed (the only behaviour of an append-only log)' } },
        },
      },
    },
    async (request, reply) => {
      const behaviour = request.headers['gs1-capture-error-behaviour']
      if (behaviour !== undefined && String(behaviour).trim().toLowerCase() !== 'proceed') {
        fail('BAD_REQUEST', `GS1-Capture-Error-Behaviour ${String(behaviour)}: this node only proceeds (an appended event is never taken back); refused events are reported in the job`, {
          header: 'GS1-Capture-Error-Behaviour',
          supported: ['proceed'],
        })
      }
      if (request.body === undefined) fail('EPCIS_INVALID', 'the body is empty; send an EPCISDocument')
      const job = await capture.start(actorOf(request), request.body)
      return reply.status(202).header('location', `/capture/${job.captureID}`).send()
    },
  )

  app.get(
    '/capture',
    {
      schema: {
        summary: 'EPCIS 2.0 capture jobs of the token’s actor, newest first, paged',
        description: `Only the jobs of the actor whose capture token is given. perPage 1..${MAX_JOBS_PER_PAGE} (default ${DEFAULT_JOBS_PER_PAGE}); the next page is in the Link header (rel="next") with its nextPageToken.`,
        tags: ['food'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            perPage: { type: 'integer', minimum: 1, maximum: MAX_JOBS_PER_PAGE, default: DEFAULT_JOBS_PER_PAGE },
            nextPageToken: { type: 'string', pattern: '^[a-z0-9]{1,64}$' },
          },
        },
      },
    },
    async (request, reply) => {
      const { perPage, nextPageToken } = request.query as { perPage: number; nextPageToken?: string }
      const page = await capture.jobsOf(actorOf(request), perPage, nextPageToken)
      if (page.next !== undefined) reply.header('link', `</capture?perPage=${perPage}&nextPageToken=${page.next}>; rel="next"`)
      return page.jobs
    },
  )

  app.get(
    '/capture/:captureID',
    {
      schema: {
        summary: 'EPCIS 2.0 capture job: running, success, errors per event (RFC 7807), and the seq of each captured event',
        description: 'Only with the token of the actor the job captured for; another actor’s job answers 404 as an unknown one does.',
        tags: ['food'],
        params: { type: 'object', properties: { captureID: { type: 'string', pattern: '^[a-z0-9]{1,64}$' } }, required: ['captureID'] },
      },
    },
    async (request) => {
      const { captureID } = request.params as { captureID: string }
      const job = await capture.job(captureID)
      if (!job || job.actor !== actorOf(request)) fail('NOT_FOUND', `no capture job ${captureID} of this actor`, { captureID })
      return job
    },
  )
}
