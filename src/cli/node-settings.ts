// A node's settings beyond its origin, kept in D/settings.json so a restart keeps what `serve` was last
// told: the webhooks (--webhook KIND=URL), the late-record window (--late-record-hours) and the seal
// domain's split-contract threshold and window, zone and off hours (--split-threshold, --split-window-days,
// --zone, --off-hours). A flag given to serve replaces the saved value and is saved; one not given leaves it
// as it was. A mirror keeps its rule settings (all but the webhooks) the same way in its own directory.
// Rule settings that change on a log that holds entries are kept with the seq they apply from (rulesSince):
// the alerts of the entries before it were raised under the earlier ones, and whoever compares alerts (a
// mirror's operator, a regulator) is told so at GET /v1/settings rather than left to find a difference.

import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fail } from '../core/errors.js'
import { checkWebhookUrl, parseWebhookFlag, type WebhookTarget } from '../publish/webhooks.js'
import { writeFileDurably } from '../store/durable-file.js'
import { sealConfig, type SealConfig } from '../seal/config.js'
import { settingsInEffect, type DomainConfigs, type SettingsSince } from '../domain.js'
import { DEFAULT_LATE_RECORD_AFTER_MS } from '../core/late-record.js'
import { domainKinds, DOMAINS } from '../domains.js'
import type { StatementKind } from '../ledger/kinds.js'

export const SETTINGS_FILE = 'settings.json'

/** `--webhook off` clears the saved webhooks. */
export const WEBHOOKS_OFF = 'off'

/** The domains' configs and LATE_RECORD's window that `settings` give. */
function configsOf(settings: NodeSettings): { domainConfigs: DomainConfigs; lateRecordAfterMs?: number } {
  const hours = settings.lateRecordHours
  return { domainConfigs: settings.seal ? { seal: settings.seal } : {}, ...(hours === undefined ? {} : { lateRecordAfterMs: Math.round(hours * 3_600_000) }) }
}

/** What a ledger and its app are opened with for `settings`: the domains' configs, their kinds, LATE_RECORD's window. */
export function ruleSettingsOf(settings: NodeSettings): { domainConfigs: DomainConfigs; kinds: StatementKind[]; lateRecordAfterMs?: number } {
  const configs = configsOf(settings)
  return { ...configs, kinds: domainKinds(DOMAINS, configs.domainConfigs) }
}

/**
 * What the app of a node or mirror whose settings are `settings` (as saved) is built with: the domains' configs,
 * the seal domain's with when its settings took effect (its seal pages say it beside them), and that time for
 * GET /v1/settings.
 */
export function appSettingsOf(settings: NodeSettings): { domainConfigs: DomainConfigs; settingsSince?: SettingsSince } {
  const { domainConfigs } = configsOf(settings)
  const since = settings.rulesSince
  return since ? { domainConfigs: { ...domainConfigs, seal: { ...domainConfigs.seal, settingsSince: since } }, settingsSince: since } : { domainConfigs }
}

/** The seal settings serve takes (seal/config.ts); the rest keep their defaults. */
export type SealSettings = Partial<Pick<SealConfig, 'collectiveThreshold' | 'splitWindowDays' | 'zoneOffset' | 'offHoursFrom' | 'offHoursTo'>>

export interface NodeSettings {
  webhooks?: WebhookTarget[]
  lateRecordHours?: number
  seal?: SealSettings
  /** the seq from which the rule settings (all but the webhooks) are in effect, when not the log's first */
  rulesSince?: SettingsSince
}

/** What serve was given on its command line, to lay over the saved settings. */
export interface SettingFlags {
  /** the --webhook values as given: KIND=URL, or `off` */
  webhooks?: readonly string[]
  lateRecordHours?: number
  seal?: SealSettings
}

/** D/settings.json, or {} when there is none. Throws BAD_REQUEST for a file that is not settings. */
export function readNodeSettings(dir: string): NodeSettings {
  const file = join(dir, SETTINGS_FILE)
  if (!existsSync(file)) return {}
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    return fail('BAD_REQUEST', `${file} is not JSON: ${(error as Error).message}`)
  }
  const settings = value as NodeSettings
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('BAD_REQUEST', `${file} must hold an object`)
  if (settings.webhooks !== undefined) {
    if (!Array.isArray(settings.webhooks)) fail('BAD_REQUEST', `${file}: webhooks must be a list`)
    for (const hook of settings.webhooks) parseWebhookFlag(`${String(hook?.kind)}=${checkWebhookUrl(String(hook?.url))}`)
  }
  if (settings.lateRecordHours !== undefined) checkLateRecordHours(settings.lateRecordHours)
  if (settings.seal !== undefined) checkSealSettings(settings.seal)
  const since = settings.rulesSince
  if (since !== undefined && !(Number.isSafeInteger(since?.seq) && since.seq > 0 && typeof since.at === 'string' && Number.isFinite(Date.parse(since.at)))) {
    fail('BAD_REQUEST', `${file}: rulesSince must be { seq, at }, a seq after the first and a time`)
  }
  return settings
}

/** Checks seal settings as the seal domain will use them. Throws BAD_REQUEST naming the flag. */
export function checkSealSettings(seal: SealSettings): SealSettings {
  try {
    sealConfig(seal)
  } catch (error) {
    const flags: Record<string, string> = { collectiveThreshold: '--split-threshold', splitWindowDays: '--split-window-days', zoneOffset: '--zone', offHoursFrom: '--off-hours', offHoursTo: '--off-hours' }
    const setting = /"(\w+)"/.exec((error as Error).message)?.[1] ?? ''
    fail('BAD_REQUEST', `${flags[setting] ?? 'seal settings'}: ${(error as Error).message}`)
  }
  return seal
}

/** Parses `--off-hours FROM-TO`, local hours 0..23 (22-6: from 22:00 to 06:00). Throws BAD_REQUEST. */
export function parseOffHours(text: string): Pick<SealSettings, 'offHoursFrom' | 'offHoursTo'> {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(text)
  if (!match) fail('BAD_REQUEST', `--off-hours wants FROM-TO in local hours, e.g. 22-6, got ${JSON.stringify(text)}`)
  return checkSealSettings({ offHoursFrom: Number(match[1]), offHoursTo: Number(match[2]) })
}

/** Requires 0 (off) to a year of hours. Throws BAD_REQUEST. */
export function checkLateRecordHours(hours: unknown): number {
  if (typeof hours !== 'number' || !(Number.isFinite(hours) && hours >= 0 && hours <= 24 * 366)) {
    fail('BAD_REQUEST', `--late-record-hours must be a number of hours from 0 (off) to ${24 * 366}, got ${String(hours)}`)
  }
  return hours
}

/**
 * The saved settings with the flags laid over them, and `save` to keep them (durably, only when they changed):
 * called once the node's directory holds a node, as init wants an empty one. `save` is told how many entries
 * the log held when it opened (0 for a new one): rule settings in effect that differ from the saved ones then
 * apply from that seq on, and say so (rulesSince). Throws BAD_REQUEST for a bad flag or a bad saved file.
 */
export function settingsWithFlags(dir: string, flags: SettingFlags, clock: () => Date = () => new Date()): { settings: NodeSettings; save(entries: number): NodeSettings } {
  const saved = readNodeSettings(dir)
  const settings: NodeSettings = { ...saved }
  if (flags.webhooks !== undefined && flags.webhooks.length > 0) {
    settings.webhooks = flags.webhooks.includes(WEBHOOKS_OFF) ? [] : flags.webhooks.map(parseWebhookFlag)
  }
  if (flags.lateRecordHours !== undefined) settings.lateRecordHours = checkLateRecordHours(flags.lateRecordHours)
  if (flags.seal !== undefined && Object.keys(flags.seal).length > 0) settings.seal = checkSealSettings({ ...saved.seal, ...flags.seal })
  return {
    settings,
    save(entries) {
      // Compared as in effect: a flag that names a default changes nothing the rules do.
      if (entries > 0 && rulesInEffect(settings) !== rulesInEffect(saved)) settings.rulesSince = { seq: entries, at: clock().toISOString() }
      // The operator's alone: a webhook's URL may hold its credentials or a bot's token.
      const file = join(dir, SETTINGS_FILE)
      if (JSON.stringify(settings) !== JSON.stringify(saved)) writeFileDurably(file, JSON.stringify(settings, null, 2) + '\n', 0o600)
      // One an earlier release wrote 0644, and unchanged since, is made so too (when it is ours to change).
      else if (existsSync(file) && (statSync(file).mode & 0o077) !== 0 && statSync(file).uid === process.getuid?.()) chmodSync(file, 0o600)
      return settings
    },
  }
}

/** The rule settings `settings` puts in effect, as GET /v1/settings says them. */
function rulesInEffect(settings: NodeSettings): string {
  const { domainConfigs, lateRecordAfterMs } = configsOf(settings)
  return JSON.stringify(settingsInEffect(lateRecordAfterMs ?? DEFAULT_LATE_RECORD_AFTER_MS, DOMAINS, domainConfigs))
}
