// Seal routes: GET /v1/seals, /v1/seals/:id, /v1/seals/applications/:id (JSON, or the application's proof
// bundle), and /seals/:id?page=,
// the public page of one seal (村务公开). The logic lives in src/seal/.

import type { FastifyPluginAsync } from 'fastify'
import { BUNDLE_MEDIA_TYPE } from '../../core/proof-bundle.js'
import { bundleReply } from '../../http/bundle-reply.js'
import { ANSWERS_BUNDLES } from '../../http/rate-limits.js'
import { htmlReply, langOf } from '../../http/html-reply.js'
import { wantsBundle } from '../../web/negotiate.js'
import { applicationBundle } from '../application-bundle.js'
import type { Ledger } from '../../ledger/ledger.js'
import { sealConfig, type SealConfig } from '../config.js'
import { sealPageInput } from '../page-data.js'
import { sealConsoleRoutes } from './console-routes.js'
import { applicationView, listSeals, sealView } from '../queries.js'
import { APPLICATIONS_PER_PAGE, renderSealPage } from '../web/seal-page.js'
import { sealPagePath } from '../web/seal-view.js'

const idParams = (what: string) => ({
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', description: `the ${what} id` } },
})

/** The last page number a request may ask for: a million applications. */
const MAX_PAGE = 50_000

export const sealRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date; baseUrl: string; config?: Partial<SealConfig>; servedCheckpoint?: () => string }> = async (
  app,
  { ledger, clock, baseUrl, config: overrides, servedCheckpoint = () => ledger.checkpoint },
) => {
  // The page marks late records by the ledger's own window, so it shows what the stored alerts say.
  const config = sealConfig({ lateRecordAfterMs: ledger.lateRecordAfterMs, ...overrides })

  await app.register(sealConsoleRoutes, { ledger, clock, config })

  app.get('/v1/seals', { schema: { summary: 'Every registered seal', tags: ['seals'] } }, async () => ({ seals: await listSeals(ledger) }))

  app.get(
    '/v1/seals/:id',
    { schema: { summary: 'One seal: state, custodian, approvers, applications, uses, and the seqs that made it', tags: ['seals'], params: idParams('seal') } },
    async (request) => ({ seal: (await sealView(ledger, (request.params as { id: string }).id)).seal }),
  )

  app.get(
    '/v1/seals/applications/:id',
    {
      config: ANSWERS_BUNDLES,
      schema: {
        summary: `One application to use a seal, with its history; as an offline proof bundle with Accept: ${BUNDLE_MEDIA_TYPE} or ?format=bundle`,
        tags: ['seals'],
        params: idParams('application'),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      if (!wantsBundle(request.headers.accept, (request.query as { format?: unknown }).format)) return reply.header('vary', 'Accept').send(await applicationView(ledger, id))
      return bundleReply(reply.header('vary', 'Accept'), await applicationBundle(ledger, id, servedCheckpoint()), `application-${id}`)
    },
  )

  app.get(
    '/seals/:id',
    {
      schema: {
        summary: 'The public page of a seal (村务公开, HTML), its applications a page at a time',
        tags: ['seals'],
        params: idParams('seal'),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1, description: `the page, ${APPLICATIONS_PER_PAGE} applications each` },
            lang: { enum: ['zh', 'en'], description: 'the language of the page (default: Accept-Language, else Chinese)' },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const { page: number, lang: asked } = request.query as { page: number; lang?: string }
      const lang = langOf(request)
      // The printed sheet's QR code opens the same page, in the language it was printed in.
      const query = new URLSearchParams()
      if (number > 1) query.set('page', String(number))
      if (asked !== undefined) query.set('lang', lang)
      const pageUrl = `${baseUrl.replace(/\/+$/, '')}${sealPagePath(id)}${query.size > 0 ? `?${query}` : ''}`
      const html = renderSealPage(await sealPageInput(ledger, id, number, config, clock, { lang, url: request.url, pageUrl }))
      return htmlReply(reply, 200).header('vary', 'Accept-Language').send(html)
    },
  )
}
