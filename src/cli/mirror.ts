// `tracechain mirror`: follows a log from any copy of its tile tree and serves every read route and page of it
// from its own data directory, answering writes 405 (mirror-dir.ts, mirror/follower.ts).

import { boundedBody } from '../core/bounded-body.js'
import { fromUtf8 } from '../core/bytes.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { urlWithoutCredentials } from '../core/url-credentials.js'
import { logKeyIdOf } from '../core/log-key-id.js'
import { buildApp } from '../http/app.js'
import { Follower, httpResources } from '../mirror/follower.js'
import { readDemoKeys } from './demo.js'
import { checkListenable, localBaseUrl, type HttpSettings } from './http-flags.js'
import { closeOnSignals } from './signals.js'
import { settingsInEffect, type SettingsInEffect } from '../domain.js'
import { DOMAINS, startWarmUp } from '../domains.js'
import { openMirrorDir, primaryOf } from './mirror-dir.js'
import { appSettingsOf, ruleSettingsOf, settingsWithFlags, type SettingFlags } from './node-settings.js'
import { printable } from './printable.js'
import { allocatorLine } from './allocator-line.js'
import { mallocTrimSecondsFrom, startMallocTrim } from '../store/malloc-trim.js'

export interface MirrorOptions extends HttpSettings, Pick<SettingFlags, 'lateRecordHours' | 'seal'> {
  /** the tile tree: a node's /tlog/, a directory behind nginx, a CDN */
  from: string
  verifierKey: string
  dir: string
  /** where writes go (default: the node whose /tlog/ is --from) */
  primary?: string
  /** --witness-key: the witnesses whose cosignatures it serves (default: those D/mirror.json pins, else none) */
  witnessKeys?: string[]
  /** --witness-min: how many of them its pages require (default: those D/mirror.json pins, else all of them) */
  witnessMin?: number
}

export async function runMirror(options: MirrorOptions): Promise<void> {
  const from = new URL(options.from).href
  // Credentials in --from (a copy behind Basic authentication) are sent with each request, and shown nowhere:
  // not in /healthz, a 405's details.primary, mirror.json or the lines printed here.
  const source = urlWithoutCredentials(from)
  // The rule settings as serve keeps them: checked before anything opens, kept in D/settings.json.
  const { settings, save } = settingsWithFlags(options.dir, options)
  const { domainConfigs, ...rules } = ruleSettingsOf(settings)
  await checkListenable(options.host, options.port)
  const mallocTrim = await startMallocTrim(mallocTrimSecondsFrom(process.env))
  const mirror = await openMirrorDir(options.dir, { verifierKey: options.verifierKey, source, primary: options.primary ?? primaryOf(source), ...(options.witnessKeys ? { witnessKeys: options.witnessKeys } : {}), ...(options.witnessMin !== undefined ? { witnessMin: options.witnessMin } : {}) }, rules)
  const saved = save(mirror.ledger.size)
  const follower = new Follower({ ledger: mirror.ledger, source, fetch: httpResources(from), ed: nodeEd25519, dir: options.dir })
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
    ...(mirror.witnessPolicy ? { witnessPolicy: mirror.witnessPolicy } : {}),
    ...appSettingsOf(saved),
  })
  const address = await app.listen({ host: options.host, port: options.port })
  follower.start()
  process.stdout.write(
    [
      `tracechain mirror listening on ${address}`,
      `  follows     ${source}  (from size ${mirror.ledger.size})`,
      `  log key     ${mirror.ledger.verifierKey}  (labels: #log=${logKeyIdOf(mirror.ledger.verifierKey)})`,
      `  writes to   ${mirror.config.primary}`,
      ...witnessLines(mirror.config.witnessKeys ?? [], mirror.witnessPolicy?.min),
      `  health      ${address}/healthz`,
      `  data        ${options.dir}`,
      ...allocatorLine(mallocTrim),
      '',
    ].join('\n'),
  )
  const ours = settingsInEffect(mirror.ledger.lateRecordAfterMs, DOMAINS, domainConfigs)
  void primarySettings(mirror.config.primary).then((theirs) => process.stdout.write(`  settings    ${settingsBeside(ours, theirs)}\n`))
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

/**
 * The banner's witness lines: whose cosignatures it serves and how many of them its pages require; without any,
 * it serves the log's signature alone and its pages require none.
 */
function witnessLines(witnessKeys: readonly string[], min: number | undefined): string[] {
  if (witnessKeys.length === 0) return ['  witnesses   none given (--witness-key): cosignatures are not served, pages require none']
  return [
    ...witnessKeys.map((vkey) => `  witness     ${vkey}  (its cosignatures verified and served)`),
    `  pages       require ${min} of the ${witnessKeys.length} witnesses to have cosigned (--witness-min; give the node's)`,
  ]
}

/** How long the banner waits for the primary's settings, and the most of them it reads. */
const PRIMARY_SETTINGS_TIMEOUT_MS = 3_000
const MAX_SETTINGS_BYTES = 64 * 1024
const MAX_SETTINGS_LISTED = 20

/**
 * The primary's GET /v1/settings, or why it is not known. Only compared with the mirror's own, for its
 * operator: settings decide which alerts a log's statements raise, never whether an entry verifies.
 */
async function primarySettings(primary: string): Promise<SettingsInEffect | { unknown: string }> {
  const url = `${primary.replace(/\/+$/, '')}/v1/settings`
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(PRIMARY_SETTINGS_TIMEOUT_MS) })
    if (!response.ok) {
      await response.body?.cancel()
      return { unknown: `GET ${url} answered ${response.status}` }
    }
    const bytes = await boundedBody(response, MAX_SETTINGS_BYTES)
    if (bytes === undefined) return { unknown: `GET ${url} answered more than ${MAX_SETTINGS_BYTES} bytes` }
    const body = JSON.parse(fromUtf8(bytes)) as SettingsInEffect
    if (typeof body?.lateRecordHours !== 'number' || typeof body.domains !== 'object' || body.domains === null) return { unknown: `GET ${url} did not answer settings` }
    return body
  } catch (error) {
    return { unknown: `GET ${url}: ${(error as Error).message}` }
  }
}

/** The banner's line: whether this mirror runs with its primary's settings, and each one that differs. */
function settingsBeside(ours: SettingsInEffect, theirs: SettingsInEffect | { unknown: string }): string {
  if ('unknown' in theirs) return `this mirror's own; the primary's are not known (${theirs.unknown})`
  const flat = (settings: SettingsInEffect) =>
    new Map<string, unknown>([
      ['lateRecordHours', settings.lateRecordHours],
      ...Object.entries(settings.domains).flatMap(([domain, values]) => Object.entries(values ?? {}).map(([key, value]): [string, unknown] => [`${domain}.${key}`, value])),
    ])
  const [mine, primary] = [flat(ours), flat(theirs)]
  const differing = [...new Set([...mine.keys(), ...primary.keys()])].filter((key) => JSON.stringify(mine.get(key)) !== JSON.stringify(primary.get(key)))
  // The primary's names and values are its to say: cut short, control characters out (printable.ts).
  // Settings changed on a log that held entries: what the node raised before then, under others, a mirror cannot know.
  const since = theirs.since
  const changed =
    since !== undefined && Number.isSafeInteger(since?.seq) && typeof since.at === 'string'
      ? `; in effect there since seq ${since.seq} (${printable(since.at)}): the primary raised the alerts of the entries before it under earlier settings, which this mirror does not know, so its alerts for them may differ`
      : ''
  if (differing.length === 0) return `the primary's (its /v1/settings)${changed}`
  const shown = (value: unknown) => (value === undefined ? 'none' : printable(typeof value === 'string' ? value : JSON.stringify(value)))
  const listed = differing.slice(0, MAX_SETTINGS_LISTED).map((key) => `${printable(key)} ${shown(mine.get(key))} here, ${shown(primary.get(key))} there`)
  if (differing.length > MAX_SETTINGS_LISTED) listed.push(`${differing.length - MAX_SETTINGS_LISTED} more`)
  return `differ from the primary's (its /v1/settings): ${listed.join('; ')}; the alerts they raise differ too (tracechain mirror takes the flags serve does)${changed}`
}
