// The consumer side's shared part: the explorer at GET /, its search, and the browser verifier bundle
// at GET /web/verify.js. The lots the explorer lists come from the domain that has them (a LotDirectory).

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { TracechainError } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { actorProfile } from '../../web/bound-view.js'
import { renderExplorer, type LotDirectory, type LotSummary } from '../../web/explorer.js'
import { VERIFY_SCRIPT_PATH } from '../../web/html.js'
import { htmlReply, langOf } from '../html-reply.js'
import { StaticAsset } from '../static-asset.js'

/** Where `npm run build` writes the esbuild bundle of src/web/verify.ts (the same from src/ and dist/). */
export const VERIFY_BUNDLE_PATH = fileURLToPath(new URL('../../../dist/public/verify.js', import.meta.url))

export const RECENT_ENTRIES = 20
export const EXPLORER_LOTS = 12

/** No lots: a node whose domains keep none shows entries only. */
const NO_LOTS: LotDirectory = { recentLots: async () => [], searchLots: async () => ({ lots: [] }) }

export const webRoutes: FastifyPluginAsync<{ ledger: Ledger; lots?: LotDirectory }> = async (app, { ledger, lots = NO_LOTS }) => {
  let bundle: StaticAsset | undefined
  app.get(VERIFY_SCRIPT_PATH, { schema: { hide: true } }, async (request, reply) => {
    try {
      bundle ??= new StaticAsset(readFileSync(VERIFY_BUNDLE_PATH), 'text/javascript; charset=utf-8')
    } catch {
      throw new TracechainError('NOT_FOUND', 'the verifier bundle is not built: run npm run build')
    }
    return bundle.send(request, reply.header('cache-control', 'public, max-age=300'))
  })

  const explorer = async (request: FastifyRequest, reply: FastifyReply, search?: { query: string; results: LotSummary[] }) => {
    const lang = langOf(request)
    const size = ledger.size
    const from = Math.max(0, size - RECENT_ENTRIES)
    const entries = (await ledger.getEntries(from, size - from)).reverse()
    const html = renderExplorer(
      {
        checkpoint: ledger.checkpoint,
        entries,
        actor: (id) => {
          const record = ledger.actors.get(id)
          return record ? actorProfile(record) : undefined
        },
        lots: await lots.recentLots(ledger.records, EXPLORER_LOTS),
        ...(search ? { query: search.query, results: search.results } : {}),
      },
      lang,
      request.url,
    )
    return htmlReply(reply, search && search.results.length === 0 ? 404 : 200).header('vary', 'Accept-Language').header('cache-control', 'no-cache').send(html)
  }

  const langQuery = { type: 'object', properties: { lang: { enum: ['zh', 'en'] } }, additionalProperties: false } as const
  app.get('/', { schema: { summary: 'The explorer: latest checkpoint, recent entries, lots and their labels', tags: ['web'], querystring: langQuery } }, (request, reply) =>
    explorer(request, reply),
  )

  app.get(
    '/search',
    {
      schema: {
        summary: 'Find a lot by Digital Link, EPC URN, "GTIN lot", lot number or trace code; redirects to the resolver',
        tags: ['web'],
        querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 2048 }, lang: { enum: ['zh', 'en'] } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { q = '', lang } = request.query as { q?: string; lang?: string }
      const found = await lots.searchLots(ledger.records, q)
      if ('path' in found) return reply.redirect(`${found.path}${lang ? `?lang=${lang}` : ''}`, 303)
      return explorer(request, reply, { query: q, results: found.lots })
    },
  )
}
