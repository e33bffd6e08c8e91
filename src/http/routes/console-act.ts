// GET /console/act: the console's page for signing a statement in the browser (web/console-act-page.ts),
// with the forms the domains give; GET /console/audit: the page that audits the whole log in the browser
// (web/console-audit-page.ts). Neither takes a key or a statement: signing and auditing happen in the page,
// and what it signs goes to POST /v1/statements like any client's.

import type { FastifyPluginAsync } from 'fastify'
import type { ActionForm } from '../../core/statement-form.js'
import { renderActPage } from '../../web/console-act-page.js'
import { htmlReply, langOf } from '../html-reply.js'

export interface ConsoleActRouteOptions {
  /** every domain's forms, in the order the page lists them */
  forms: readonly ActionForm[]
}

const ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const

export const consoleActRoutes: FastifyPluginAsync<ConsoleActRouteOptions> = async (app, { forms }) => {
  const actions = forms.map((form) => form.action)
  app.get(
    '/console/act',
    {
      schema: {
        summary: 'Sign a statement with your own key in the browser (HTML): a recall, an inspection result, a seal application, an approval, a revocation',
        tags: ['web'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            lang: { enum: ['zh', 'en'] },
            ...(actions.length > 0 ? { action: { enum: actions, description: 'the form shown (default: the first)' } } : {}),
            lot: { type: 'string', minLength: 1, maxLength: 2048, description: 'fills in the lot of a recall or an inspection' },
            seal: { ...ID, description: 'fills in the seal of an application or a revocation' },
            application: { ...ID, description: 'fills in the application of an approval' },
          },
        },
      },
    },
    async (request, reply) => {
      const lang = langOf(request)
      const { action, lot, seal, application } = request.query as { action?: string; lot?: string; seal?: string; application?: string }
      const form = forms.find((f) => f.action === action) ?? forms[0]
      if (form === undefined) return reply.callNotFound()
      const html = renderActPage({ forms, form, prefill: { ...(lot ? { lot } : {}), ...(seal ? { seal } : {}), ...(application ? { application } : {}) } }, lang, request.url)
      return htmlReply(reply, 200).header('cache-control', 'no-cache').header('vary', 'Accept-Language').send(html)
    },
  )
}
