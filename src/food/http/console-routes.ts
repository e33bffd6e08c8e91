// GET /console/recalls: the console's Recalls view (web/console-recalls-page.ts).

import type { FastifyPluginAsync } from 'fastify'
import { htmlReply, langOf } from '../../http/html-reply.js'
import type { Ledger } from '../../ledger/ledger.js'
import { recallSummaries } from '../recalls-console.js'
import { renderConsoleRecalls } from '../web/console-recalls-page.js'

export const foodConsoleRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date }> = async (app, { ledger, clock }) => {
  app.get(
    '/console/recalls',
    {
      schema: {
        summary: "The console's Recalls view (HTML): the failed lots no recall covers yet, with their recall deadlines; each recall, what it reached downstream by step and by shop, the lots moved or sold after it",
        tags: ['web'],
        querystring: { type: 'object', additionalProperties: false, properties: { lang: { enum: ['zh', 'en'] } } },
      },
    },
    async (request, reply) => {
      const lang = langOf(request)
      const now = clock()
      const { recalls, awaiting, actors } = await recallSummaries(ledger, now)
      return htmlReply(reply, 200).header('cache-control', 'no-cache').header('vary', 'Accept-Language').send(renderConsoleRecalls({ recalls, awaiting, actors, now }, lang, request.url))
    },
  )
}
