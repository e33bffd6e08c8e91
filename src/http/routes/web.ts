// The consumer side's shared part: the explorer at GET /, its search, the browser scripts at
// GET /web/<name>-<hash>.js (immutable, pinned by SRI in the pages that load them) and GET /web/<name>.js
// (web/page-scripts.ts: verify, consumer, seal, console), and the
// standalone verification page at GET /verify. The lots the explorer lists come from the domain that
// has them (a LotDirectory).

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { fail } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import { actorProfile } from '../../web/bound-view.js'
import { renderExplorer, type LotDirectory, type LotSummary } from '../../web/explorer.js'
import { useVerifierScripts } from '../../web/html.js'
import { wantsHtml } from '../../web/negotiate.js'
import { isPageScript, PAGE_SCRIPTS, type PageScript } from '../../web/page-scripts.js'
import { renderStandalonePage } from '../../web/standalone-page.js'
import { PUBLIC_DIR, readPageScripts, type VerifierAsset } from '../../web/verifier-asset.js'
import { htmlReply, langOf } from '../html-reply.js'
import type { MirrorStatusSource } from './operations.js'
import type { MirrorStatus } from '../../mirror/follower.js'
import { StaticAsset } from '../static-asset.js'

/** Where the versioned scripts are served: a name changes with its bytes, so it may be cached for good. */
export const VERIFIER_DIRECTORY = '/web/'
const IMMUTABLE = 'public, max-age=31536000, immutable'

export const RECENT_ENTRIES = 20
export const EXPLORER_LOTS = 12

/** No lots: a node whose domains keep none shows entries only. */
const NO_LOTS: LotDirectory = { recentLots: async () => [], searchLots: async () => ({ lots: [] }) }

export interface WebRouteOptions {
  ledger: Ledger
  lots?: LotDirectory
  /** the node's public base URL: the log URL the node's own /verify starts with */
  baseUrl: string
  /** the built browser scripts (default: dist/public/, read once, when first there) */
  scriptsDir?: string
  /** on a mirror: what it follows and whether it still does, for the explorer */
  mirror?: MirrorStatusSource
}

export const webRoutes: FastifyPluginAsync<WebRouteOptions> = async (app, { ledger, lots = NO_LOTS, baseUrl, scriptsDir = PUBLIC_DIR, mirror }) => {
  // Read once: the bytes served and the hashes pages pin are the same bytes, whatever later builds
  // write to dist/. Until the scripts are built, pages name the unversioned paths and the scripts 404.
  let built: Record<PageScript, { asset: VerifierAsset; compressed: StaticAsset }> | undefined
  const scripts = () => {
    if (!built) {
      const assets = readPageScripts(scriptsDir)
      built = Object.fromEntries(
        PAGE_SCRIPTS.map((name) => [name, { asset: assets[name], compressed: new StaticAsset(assets[name].bytes, 'text/javascript; charset=utf-8') }]),
      ) as Record<PageScript, { asset: VerifierAsset; compressed: StaticAsset }>
      useVerifierScripts(Object.fromEntries(PAGE_SCRIPTS.map((name) => [name, { src: `${VERIFIER_DIRECTORY}${assets[name].fileName}`, integrity: assets[name].integrity }])))
    }
    return built
  }
  const verifier = () => scripts().verify.asset
  try {
    scripts()
  } catch {
    // not built yet: asked again on each request that needs it
  }

  // SRI covers the decoded bytes: a compressed answer pins the same hash. `<name>.js` is the unversioned
  // path (briefly cached), `<name>-<hash>.js` the versioned one (cached for good); any other name is not
  // this node's.
  app.get(`${VERIFIER_DIRECTORY}:file`, { schema: { hide: true, params: { type: 'object', properties: { file: { type: 'string', maxLength: 64 } } } } }, async (request, reply) => {
    const { file } = request.params as { file: string }
    const name = /^([a-z][a-z0-9-]*?)(?:-[0-9a-f]{16})?\.js$/.exec(file)?.[1] ?? ''
    if (!isPageScript(name)) fail('NOT_FOUND', `no ${VERIFIER_DIRECTORY}${file}: this node serves ${PAGE_SCRIPTS.map((n) => `${n}.js`).join(', ')}`)
    const { asset, compressed } = scripts()[name]
    if (file === `${name}.js`) return compressed.send(request, reply.header('cache-control', 'public, max-age=300'))
    if (file !== asset.fileName) fail('NOT_FOUND', `no ${VERIFIER_DIRECTORY}${file}: this node serves ${VERIFIER_DIRECTORY}${asset.fileName}`)
    return compressed.send(request, reply.header('cache-control', IMMUTABLE))
  })

  app.get(
    '/verify',
    { schema: { summary: "The standalone verification page: checks a log against a key id (a label's #log=) and a lot's entries; prints the verifier's hash", tags: ['web'] } },
    async (_request, reply) => {
      const { integrity, sha256, fileName } = verifier()
      const html = renderStandalonePage({ scriptSrc: `${VERIFIER_DIRECTORY}${fileName}`, asset: { integrity, sha256, fileName }, defaults: { url: baseUrl }, servedByNode: true })
      return htmlReply(reply, 200).header('cache-control', 'no-cache').send(html)
    },
  )

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
        ...(mirror ? { mirror: mirrorNote(mirror.status) } : {}),
      },
      lang,
      request.url,
    )
    return htmlReply(reply, search && search.results.length === 0 ? 404 : 200).header('vary', search ? 'Accept, Accept-Language' : 'Accept-Language').header('cache-control', 'no-cache').send(html)
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
        description: 'One lot found: 303 to its resolver path. Otherwise the explorer page with the lots found (404 when none), or for a client that does not ask for HTML, JSON: { query, lots } (404 NOT_FOUND when none, 400 BAD_REQUEST for an empty q).',
        tags: ['web'],
        querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 2048 }, lang: { enum: ['zh', 'en'] } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { q = '', lang } = request.query as { q?: string; lang?: string }
      const found = await lots.searchLots(ledger.records, q)
      if ('path' in found) return reply.redirect(`${found.path}${lang ? `?lang=${lang}` : ''}`, 303)
      if (wantsHtml(request.headers.accept)) return explorer(request, reply, { query: q, results: found.lots })
      // A program searching gets the lots, or an error as every route gives one, not the explorer's page.
      if (q.trim() === '') fail('BAD_REQUEST', 'q is empty: give a Digital Link, EPC URN, "GTIN lot", lot number or trace code')
      if (found.lots.length === 0) fail('NOT_FOUND', `no lot matches ${JSON.stringify(q.trim().slice(0, 100))}`)
      return reply.header('vary', 'Accept').send({ query: q, lots: found.lots })
    },
  )
}

function mirrorNote(status: MirrorStatus): { source: string; stopped?: string; storeCorrupt?: string } {
  const { failure, storeFailure } = status
  return {
    source: status.source,
    ...(failure ? { stopped: `${failure.code}: ${failure.reason}` } : {}),
    ...(storeFailure ? { storeCorrupt: `${storeFailure.code}: ${storeFailure.reason}` } : {}),
  }
}
