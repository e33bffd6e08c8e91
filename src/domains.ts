// Every domain this node runs, in one list: the CLI, the app and the check pool read it. Adding a
// domain is a folder with an index.ts that exports its descriptor, and one line here.

import type { Domain, DomainConfigs } from './domain.js'
import type { AlertSource } from './ledger/alerts.js'
import { domain as food } from './food/index.js'
import type { RecordReader, StatementKind } from './ledger/kinds.js'
import { ADMIN_ROLE } from './ledger/registry.js'
import { domain as seal } from './seal/index.js'
import type { LevelStore } from './store/level-store.js'

export const DOMAINS: readonly Domain[] = [food, seal]

/** Every statement kind the domains record beyond the registry's own, with their default settings. */
export function domainKinds(domains: readonly Domain[] = DOMAINS, configs: DomainConfigs = {}): StatementKind[] {
  return domains.flatMap((domain) => domain.kinds(configs[domain.name]))
}

/** Every domain's computed alerts, with its settings. */
export function domainAlertSources(domains: readonly Domain[] = DOMAINS, configs: DomainConfigs = {}): AlertSource[] {
  return domains.flatMap((domain) => domain.alertSources(configs[domain.name]))
}

/** The modules the check pool's threads import for the domains' StatementKind.check. */
export function domainCheckModules(domains: readonly Domain[] = DOMAINS): string[] {
  return domains.flatMap((domain) => (domain.checkModule ? [domain.checkModule] : []))
}

/** 'admin' and every role a domain declares, each once, in the domains' order. */
export function domainRoles(domains: readonly Domain[] = DOMAINS): string[] {
  return [...new Set([ADMIN_ROLE, ...domains.flatMap((domain) => domain.roles)])]
}

/** Each domain's upgrade of a store written by an earlier release (Domain.upgradeStore), in order. */
export async function upgradeStore(store: LevelStore, domains: readonly Domain[] = DOMAINS): Promise<void> {
  for (const domain of domains) await domain.upgradeStore?.(store)
}

/**
 * Each domain's warm-up (Domain.warmUp), one after another, in the background of a node that has begun
 * to listen. `done` has what each did; `stop()` ends it after the trace in hand, before the store closes.
 */
export function startWarmUp(records: RecordReader, domains: readonly Domain[] = DOMAINS): { done: Promise<string[]>; stop(): Promise<void> } {
  const controller = new AbortController()
  const done = (async () => {
    const said: string[] = []
    for (const domain of domains) if (domain.warmUp && !controller.signal.aborted) said.push(`${domain.name}: ${await domain.warmUp(records, controller.signal)}`)
    return said
  })()
  return {
    done,
    async stop() {
      controller.abort()
      await done
    },
  }
}
