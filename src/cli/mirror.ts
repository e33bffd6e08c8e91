// `tracechain mirror`: follows a log from any copy of its tile tree and serves every read route and page of it
// from its own data directory, answering writes 405 (mirror-dir.ts, mirror/follower.ts).

import { nodeEd25519 } from '../core/ed25519-node.js'
import { logKeyIdOf } from '../core/log-key-id.js'
import { buildApp } from '../http/app.js'
import { Follower, httpResources } from '../mirror/follower.js'
import { readDemoKeys } from './demo.js'
import { localBaseUrl, type HttpSettings } from './http-flags.js'
import { closeOnSignals } from './signals.js'
import { startWarmUp } from '../domains.js'
import { openMirrorDir, primaryOf } from './mirror-dir.js'
import { allocatorLine } from './allocator-line.js'
import { mallocTrimSecondsFrom, startMallocTrim } from '../store/malloc-trim.js'

export interface MirrorOptions extends HttpSettings {
  /** the tile tree: a node's /tlog/, a directory behind nginx, a CDN */
  from: string
  verifierKey: string
  dir: string
  /** where writes go (default: the node whose /tlog/ is --from) */
  primary?: string
}

export async function runMirror(options: MirrorOptions): Promise<void> {
  const source = new URL(options.from).href
  const mallocTrim = await startMallocTrim(mallocTrimSecondsFrom(process.env))
  const mirror = await openMirrorDir(options.dir, { verifierKey: options.verifierKey, source, primary: options.primary ?? primaryOf(source) })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch: httpResources(source), ed: nodeEd25519, dir: options.dir })
  const app = await buildApp({
    ledger: mirror.ledger,
    config: {
      baseUrl: options.baseUrl ?? localBaseUrl(options.host, options.port),
      logger: { level: process.env.LOG_LEVEL ?? 'warn' },
      demoKeys: readDemoKeys(),
      rateLimits: options.rateLimits,
      trustProxy: options.trustProxy,
    },
    mirror: follower,
  })
  const address = await app.listen({ host: options.host, port: options.port })
  follower.start()
  process.stdout.write(
    [
      `tracechain mirror listening on ${address}`,
      `  follows     ${source}  (from size ${mirror.ledger.size})`,
      `  log key     ${mirror.ledger.verifierKey}  (labels: #log=${logKeyIdOf(mirror.ledger.verifierKey)})`,
      `  writes to   ${mirror.config.primary}`,
      `  health      ${address}/healthz`,
      `  data        ${options.dir}`,
      ...allocatorLine(mallocTrim),
      '',
    ].join('\n'),
  )
  // The banner first: a small ledger's warm-up is over at once.
  const warmUp = startWarmUp(mirror.ledger.records)
  void warmUp.done.then((said) => process.stdout.write(`warmed up    ${said.join('; ')}\n`))
  closeOnSignals(async () => {
    await app.close()
    await warmUp.stop()
    await follower.stop()
    await mirror.close()
    if (mallocTrim.state === 'trimming') mallocTrim.stop()
  })
}
