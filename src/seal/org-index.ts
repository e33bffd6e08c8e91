// The org index SPLIT_CONTRACT ranges over keeps each application's title tokens and whether it was rejected,
// so one more application costs a comparison per application in the window and no record read besides. Data
// directories written before it kept only titles: their index is written again once, at open.

import type { LevelStore } from '../store/level-store.js'
import { buildIndexOnce } from '../store/index-build.js'
import { orgApplicationRecord } from './alerts.js'
import { SEAL_SPACES, type ApplicationRecord } from './records.js'

export const ORG_TOKENS_INDEX_META = 'seal.org-tokens-index'

const BUILD_BATCH = 2_000

/** Writes every application's org index record as seal.apply (and seal.reject) write it now; then ORG_TOKENS_INDEX_META. */
export async function buildOrgTokensIndex(store: LevelStore, options: { batch?: number } = {}): Promise<void> {
  let applications = 0
  await buildIndexOnce<ApplicationRecord>(store, {
    meta: ORG_TOKENS_INDEX_META,
    version: 1,
    space: SEAL_SPACES.application,
    batch: options.batch ?? BUILD_BATCH,
    writesOf: (_, application) => (applications++, [orgApplicationRecord(application)]),
    summary: () => ({ applications }),
  })
}
