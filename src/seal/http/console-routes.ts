// GET /console/seals: the console's Seals view (web/console-seals-page.ts), every seal and application of
// the node, filtered by organisation and state.

import type { FastifyPluginAsync } from 'fastify'
import { htmlReply, langOf } from '../../http/html-reply.js'
import { OPTIONAL_ORG_PATTERN } from '../../ledger/alert-filter.js'
import type { Ledger } from '../../ledger/ledger.js'
import type { SealConfig } from '../config.js'
import { sealTableInput } from '../console-data.js'
import { renderConsoleSeals } from '../web/console-seals-page.js'
import { STATE_FILTERS, type StateFilter } from '../web/seal-table-view.js'

export const sealConsoleRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date; config: SealConfig }> = async (app, { ledger, clock, config }) => {
  app.get(
    '/console/seals',
    {
      schema: {
        summary: "The console's Seals view (HTML): every seal and application, amounts against budgets, overdue matters, refused attempts, suspected split contracts",
        tags: ['web'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            lang: { enum: ['zh', 'en'] },
            org: { type: 'string', pattern: OPTIONAL_ORG_PATTERN, description: 'one organisation' },
            state: { enum: [...STATE_FILTERS], description: 'a state, open (not closed or rejected) or overdue' },
          },
        },
      },
    },
    async (request, reply) => {
      const lang = langOf(request)
      const query = request.query as { org?: string; state?: StateFilter }
      const filter = { org: query.org ?? '', state: query.state ?? '' }
      const input = await sealTableInput(ledger, filter, config, clock())
      return htmlReply(reply, 200).header('cache-control', 'no-cache').header('vary', 'Accept-Language').send(renderConsoleSeals(input, filter, lang, request.url))
    },
  )
}
