// GET /console/act: the console's page for signing a statement in the browser (web/console-act-page.ts),
// with the forms the domains give; GET /console/audit: the page that audits the whole log in the browser
// (web/console-audit-page.ts). Neither takes a key or a statement: signing and auditing happen in the page,
// and what it signs goes to POST /v1/statements like any client's.

import type { FastifyPluginAsync } from 'fastify'
import type { ActionForm } from '../../core/statement-form.js'
import { fail } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { renderActPage } from '../../web/console-act-page.js'
import { renderAuditPage } from '../../web/console-audit-page.js'
import { AUDIT_WORKER_BUNDLE_PATH, readVerifierAsset, type VerifierAsset } from '../../web/verifier-asset.js'
import { htmlReply, langOf, PAGE_CSP } from '../html-reply.js'
import { StaticAsset } from '../static-asset.js'

export interface ConsoleActRouteOptions {
  ledger: Ledger
  /** every domain's forms, in the order the page lists them */
  forms: readonly ActionForm[]
  /** the built audit worker (default: dist/public/audit-worker.js, read once, when first there) */
  auditWorkerPath?: string
}

/** Where the audit worker is served, under its versioned name. */
export const AUDIT_WORKER_DIRECTORY = '/console/audit/'

const ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const

export const consoleActRoutes: FastifyPluginAsync<ConsoleActRouteOptions> = async (app, { ledger, forms, auditWorkerPath = AUDIT_WORKER_BUNDLE_PATH }) => {
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
            // One identifier (a Digital Link or an EPC URN are printable ASCII): a line break would put a second lot in
            // the recall's one-a-line field, below what it shows, and a control character would show other than it is.
            lot: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^[!-~]+$', description: 'fills in the lot of a recall or an inspection: one Digital Link or EPC URN' },
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

  // Read once, as the verifier is: the bytes served are the bytes named. Until built, the page names no worker.
  let worker: { asset: VerifierAsset; compressed: StaticAsset } | undefined
  const auditWorker = () => {
    if (!worker) {
      const asset = readVerifierAsset(auditWorkerPath, 'audit-worker')
      worker = { asset, compressed: new StaticAsset(asset.bytes, 'text/javascript; charset=utf-8') }
    }
    return worker
  }

  app.get(
    '/console/audit',
    {
      schema: {
        summary: 'Audit the whole log, or a range of seqs, in the browser (HTML): a Web Worker checks every entry against the tiles and the signed checkpoint',
        tags: ['web'],
        querystring: { type: 'object', additionalProperties: false, properties: { lang: { enum: ['zh', 'en'] } } },
      },
    },
    async (request, reply) => {
      const lang = langOf(request)
      const html = renderAuditPage({ workerPath: `${AUDIT_WORKER_DIRECTORY}${auditWorker().asset.fileName}`, size: ledger.size }, lang, request.url)
      return htmlReply(reply, 200).header('cache-control', 'no-cache').header('vary', 'Accept-Language').send(html)
    },
  )

  app.get(
    `${AUDIT_WORKER_DIRECTORY}:file`,
    { schema: { hide: true, params: { type: 'object', properties: { file: { type: 'string', maxLength: 64 } } } } },
    async (request, reply) => {
      const { file } = request.params as { file: string }
      const { asset, compressed } = auditWorker()
      if (file !== asset.fileName) fail('NOT_FOUND', `no ${AUDIT_WORKER_DIRECTORY}${file}: this node serves ${AUDIT_WORKER_DIRECTORY}${asset.fileName}`)
      // A worker runs under the policy delivered with its own script: the pages' one, so it reads this origin only.
      return compressed.send(request, reply.header('cache-control', 'public, max-age=31536000, immutable').header('content-security-policy', PAGE_CSP))
    },
  )
}
