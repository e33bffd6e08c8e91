// A mirror's data directory (node-dir.ts is a node's): D/db in a node's own format (entries, tiles, head, records), D/mirror.json
// naming the log it follows, and D/.gitignore (data-dir-ignore.ts) when the mirror made D. The log's key is fixed at the first start: a mirror never follows another log into
// the same directory. D/evidence holds what failed verification (follower.ts).

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { fail } from '../core/errors.js'
import { parseVerifierKey } from '../core/signed-note.js'
import { formatWitnessVerifierKey, parseWitnessVerifierKey, type WitnessKey } from '../core/cosignature.js'
import { domainCheckModules, domainKinds, upgradeStore } from '../domains.js'
import { CheckPool } from '../ledger/check-pool.js'
import { Ledger } from '../ledger/ledger.js'
import { writeFileDurably } from '../store/durable-file.js'
import { LevelStore } from '../store/level-store.js'
import type { WitnessPolicyView } from '../http/routes/log.js'
import { isInitialised, openNode, type NodeOpenOptions } from './node-dir.js'
import { makeDirectorySync } from '../store/make-directory.js'
import { isMissingOrEmpty, writeDataDirIgnore } from './data-dir-ignore.js'

export interface MirrorConfig {
  /** the followed log's note verifier key */
  verifierKey: string
  /** the tile tree followed */
  source: string
  /** where writes go */
  primary: string
  /**
   * the witnesses whose cosignatures it serves (cosignature/v1 vkeys, from a channel its operator trusts): each line
   * under one is verified, and a line under any other key is never served. Absent: the ones mirror.json holds.
   */
  witnessKeys?: string[]
  /**
   * how many of those witnesses its pages require to have cosigned the checkpoint (GET /v1/witnesses), as a node's
   * --witness-min. Absent: all of them, as a node's default. Pinned with the keys: new keys without it mean all.
   */
  witnessMin?: number
}

export interface OpenMirror {
  store: LevelStore
  ledger: Ledger
  config: MirrorConfig
  /** the witnesses its pages require (GET /v1/witnesses); undefined when it was given none */
  witnessPolicy?: WitnessPolicyView
  close(): Promise<void>
}

/** Where writes go when --primary is not given: the node whose /tlog/ is followed, else the source itself. */
export function primaryOf(source: string): string {
  return source.replace(/\/+$/, '').replace(/\/tlog$/, '')
}

export function isMirrorDir(dir: string): boolean {
  return existsSync(join(dir, 'mirror.json'))
}

/**
 * Opens D as a mirror of the log `wanted.verifierKey` names, creating it when new; without `wanted`, opens the
 * mirror D holds as it is, writing nothing to mirror.json (`tracechain verify --dir`). Throws
 * VERIFIER_KEY_INVALID, BAD_REQUEST, NOT_INITIALISED (no `wanted` and no mirror in D). `rules`: the rule settings
 * its ledger runs with (node-settings.ts: ruleSettingsOf), the defaults without them.
 */
export async function openMirrorDir(dir: string, wanted?: MirrorConfig, rules: Pick<NodeOpenOptions, 'kinds' | 'lateRecordAfterMs'> = {}): Promise<OpenMirror> {
  const file = join(dir, 'mirror.json')
  if (existsSync(join(dir, 'node.json'))) fail('BAD_REQUEST', `${dir} holds a node, not a mirror: give a mirror its own directory`)
  const held = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MirrorConfig) : undefined
  if (wanted === undefined && held === undefined) fail('NOT_INITIALISED', `${dir} holds no mirror: no mirror.json`)
  if (wanted !== undefined && held !== undefined && held.verifierKey !== wanted.verifierKey) {
    fail('BAD_REQUEST', `${dir} mirrors the log of key ${held.verifierKey}, not ${wanted.verifierKey}: give each log its own directory`)
  }
  // Witness keys given once stay pinned in mirror.json: a restart without the flags serves the same lines and
  // requires the same quorum. New keys replace the quorum too: a quorum of the old list may not fit the new one.
  const witnessKeys = wanted?.witnessKeys ?? held?.witnessKeys
  const witnessMin = wanted?.witnessKeys !== undefined ? wanted.witnessMin : (wanted?.witnessMin ?? held?.witnessMin)
  const { verifierKey, source, primary } = (wanted ?? held) as MirrorConfig
  const config: MirrorConfig = { verifierKey, source, primary, ...(witnessKeys ? { witnessKeys } : {}), ...(witnessMin !== undefined ? { witnessMin } : {}) }
  parseVerifierKey(config.verifierKey)
  const witnesses = (config.witnessKeys ?? []).map((vkey) => parseWitnessVerifierKey(vkey))
  const witnessPolicy = witnessPolicyOf(witnesses, witnessMin)
  if (wanted !== undefined && held === undefined && isMissingOrEmpty(dir)) {
    makeDirectorySync(dir)
    writeDataDirIgnore(dir)
  }
  // The store first: one this release cannot read (STORE_FORMAT_NEWER) is refused with nothing in D written.
  const store = await LevelStore.open(join(dir, 'db'))
  try {
    // The source and the primary may move (another CDN, a new address); the key may not.
    if (wanted !== undefined) writeFileDurably(file, JSON.stringify(config, null, 2) + '\n')
    await upgradeStore(store)
    const ledger = await Ledger.openReplica({
      store,
      verifierKey: config.verifierKey,
      primary: config.primary,
      witnesses,
      ed: nodeEd25519,
      checker: CheckPool.shared(domainCheckModules()),
      kinds: rules.kinds ?? domainKinds(),
      ...(rules.lateRecordAfterMs !== undefined ? { lateRecordAfterMs: rules.lateRecordAfterMs } : {}),
    })
    return {
      store,
      ledger,
      config,
      ...(witnessPolicy ? { witnessPolicy } : {}),
      close: async () => {
        await ledger.close()
        await store.close()
      },
    }
  } catch (error) {
    await store.close()
    throw error
  }
}

/**
 * What the mirror's pages require (its GET /v1/witnesses): the witnesses it was given, `min` of them (default: all),
 * held as a node holds its --witness-min. Without witnesses, none. Throws BAD_REQUEST for a quorum that cannot be met
 * or a witness named twice.
 */
function witnessPolicyOf(witnesses: readonly WitnessKey[], min: number | undefined): WitnessPolicyView | undefined {
  if (witnesses.length === 0) {
    if (min !== undefined) fail('BAD_REQUEST', '--witness-min without --witness-key: a mirror given no witnesses requires none')
    return undefined
  }
  const required = min ?? witnesses.length
  if (!Number.isSafeInteger(required) || required < 1 || required > witnesses.length) {
    fail('BAD_REQUEST', `--witness-min must be 1..${witnesses.length} (the witnesses given), got ${required}`)
  }
  if (new Set(witnesses.map((key) => key.name)).size !== witnesses.length) fail('BAD_REQUEST', 'a witness is named twice')
  return { min: required, witnesses: witnesses.map((key) => ({ name: key.name, verifierKey: formatWitnessVerifierKey(key.name, key.publicKey) })) }
}

/**
 * A node's or a mirror's data directory, opened to read its ledger (verify --dir, trace --dir, label --dir): the
 * same store format either way. Neither may be running (LevelDB's lock: DIRECTORY_IN_USE). Throws NOT_INITIALISED
 * for a directory that holds neither.
 */
export async function openDataDir(dir: string): Promise<{ ledger: Ledger; close(): Promise<void> }> {
  if (isMirrorDir(dir)) return openMirrorDir(dir)
  if (!isInitialised(dir)) fail('NOT_INITIALISED', `${dir} holds no node or mirror (no node.json, no mirror.json)`)
  return openNode(dir)
}
