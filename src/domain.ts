// What a domain (food, seal) contributes to a node: its statement kinds, the module its checks run in,
// the roles its kinds name, its alerts computed at query time, its routes and pages.

import type { FastifyPluginAsync } from 'fastify'
import type { ActionForm } from './core/statement-form.js'
import type { CustodyKeys } from './core/custody-token.js'
import type { AlertSource } from './ledger/alerts.js'
import type { RecordReader, StatementKind } from './ledger/kinds.js'
import type { Ledger } from './ledger/ledger.js'
import type { CaptureJobStore } from './store/capture-jobs.js'
import type { LevelStore } from './store/level-store.js'
import type { LotDirectory } from './web/explorer.js'

/** What the app hands every domain's route plugin. */
export interface DomainRouteOptions {
  ledger: Ledger
  /** the node clock, for time-based answers (OVERDUE); tests pass a fixed one */
  clock: () => Date
  /** public base URL of this node, for links printed on labels */
  baseUrl: string
  /** the standalone verification page on another origin, when the operator named one (AppConfig) */
  independentVerifier?: string
  /**
   * The checkpoint the node serves at /v1/checkpoint, verbatim: with witnesses, the latest their policy
   * accepts, cosignature lines and all (default: the ledger's latest). Proof bundles prove against it.
   */
  servedCheckpoint?: () => string
  /** with witnesses: how many must cosign a checkpoint for the node to serve it (pages say so beside absence) */
  witnessMin?: number
  /** the domain's settings as the node was started with them (DomainConfigs), over its defaults */
  config?: object
  /** set on a node that captures in custody (POST /capture): the keys it holds and where its jobs are kept */
  capture?: CaptureSetup
}

/** What a node that captures events in custody is given (serve builds it over its data directory). */
export interface CaptureSetup {
  custody: CustodyKeys
  jobs: CaptureJobStore
  /** bytes of documents POST /capture holds at once (http/intake.ts; default DEFAULT_INTAKE_BYTES) */
  intakeBytes?: number
}

/** Each domain's settings by its name (serve's flags, kept in D/settings.json); a domain not named runs with its defaults. */
export type DomainConfigs = Readonly<Record<string, object>>

/**
 * One domain, exported as `domain` from src/<name>/index.ts and listed once in src/domains.ts.
 * `Config` is the domain's own settings where it has any (seal's thresholds and hours); the factories
 * take overrides of it, and without them give the defaults a node runs with.
 */
export interface Domain<Config extends object = object> {
  readonly name: string
  /** the roles its kinds name; with 'admin' they are every role actor.register accepts */
  readonly roles: readonly string[]
  /** its statement kinds, each with a schemas/<type>.json */
  kinds(config?: Partial<Config>): StatementKind[]
  /**
   * URL of the module whose `kinds` export the check pool's threads import to run StatementKind.check;
   * required when any kind has a check. It must not import fastify or pages: threads load it.
   */
  readonly checkModule?: string
  /** alerts computed when asked (GET /v1/alerts), beside the ones its kinds store */
  alertSources(config?: Partial<Config>): AlertSource[]
  /** its settings in effect with `config` laid over its defaults, as GET /v1/settings shows them */
  settings?(config?: Partial<Config>): Record<string, unknown>
  /** its HTTP routes and pages, one encapsulated Fastify plugin */
  readonly routes?: FastifyPluginAsync<DomainRouteOptions>
  /** the statements a person makes from the console (/console/act), signed in the browser */
  readonly actionForms?: readonly ActionForm[]
  /** the lots the explorer lists and finds, for a domain that keeps lots */
  readonly lots?: LotDirectory
  /**
   * Brings the domain's indexes in a store written by an earlier release up to date, before the ledger
   * opens: once (recorded in the store's meta), bounded, and a no-op after.
   */
  upgradeStore?(store: LevelStore): Promise<void>
  /**
   * Runs the domain's costly reads once after the node opens, so its first real requests find the code
   * optimised and the tables open; stops when `signal` aborts. Never throws. Says what it did, for the log.
   */
  warmUp?(records: RecordReader, signal: AbortSignal): Promise<string>
}

/**
 * The URL of a module beside `base` (an import.meta.url). Under tap the sources run as TypeScript and
 * worker threads inherit the loader, so the module is named with the caller's own extension.
 */
export function siblingModule(base: string, name: string): string {
  return new URL(`./${name}.${base.endsWith('.ts') ? 'ts' : 'js'}`, base).href
}

/**
 * When the rule settings in effect took effect on a log that already held entries: its size then, and the time.
 * The alerts of the entries before `seq` were raised under other settings.
 */
export interface SettingsSince {
  seq: number
  at: string
}

/** What GET /v1/settings answers: the late-record window and each domain's settings in effect (Domain.settings). */
export interface SettingsInEffect {
  lateRecordHours: number
  domains: Record<string, Record<string, unknown>>
  /** absent when they have been in effect since the log's first entry */
  since?: SettingsSince
}

const HOUR_MS = 3_600_000

/** The settings a ledger with LATE_RECORD's window `lateRecordAfterMs` and the `domains` with their `configs` runs with. */
export function settingsInEffect(lateRecordAfterMs: number, domains: readonly Domain[], configs: DomainConfigs = {}): SettingsInEffect {
  const settings: Record<string, Record<string, unknown>> = {}
  for (const domain of domains) if (domain.settings) settings[domain.name] = domain.settings(configs[domain.name])
  return { lateRecordHours: lateRecordAfterMs / HOUR_MS, domains: settings }
}
