// The seal domain: the village seal workflow (register, apply, approve or reject, use, close, revoke),
// its pattern and OVERDUE alerts, the JSON views and each seal's public page.

import type { Domain } from '../domain.js'
import { SEAL_ACTION_FORMS } from './action-forms.js'
import { overdueAlertSource } from './alerts.js'
import { sealConfig, type SealConfig } from './config.js'
import { sealRoutes } from './http/seal-routes.js'
import { sealKinds } from './kinds.js'
import { buildOrgTokensIndex } from './org-index.js'

/** Roles of the village side; seal statements are otherwise signed by whoever the seal's record names. */
export const SEAL_ROLES = ['member', 'inspector'] as const

export const domain: Domain<SealConfig> = {
  name: 'seal',
  roles: SEAL_ROLES,
  kinds: (config) => sealKinds(config),
  // No seal kind has a statement-only check; every rule needs the ledger's state.
  alertSources: (config) => [overdueAlertSource(config)],
  actionForms: SEAL_ACTION_FORMS,
  async upgradeStore(store) {
    await buildOrgTokensIndex(store)
  },
  settings(config) {
    const { collectiveThreshold, splitWindowDays, splitMinApplications, titleSimilarity, zoneOffset, offHoursFrom, offHoursTo } = sealConfig(config)
    return { collectiveThreshold, splitWindowDays, splitMinApplications, titleSimilarity, zoneOffset, offHoursFrom, offHoursTo }
  },
  async routes(app, { ledger, clock, baseUrl, servedCheckpoint, config }) {
    await app.register(sealRoutes, { ledger, clock, baseUrl, ...(config ? { config: config as Partial<SealConfig> } : {}), ...(servedCheckpoint ? { servedCheckpoint } : {}) })
  },
}
