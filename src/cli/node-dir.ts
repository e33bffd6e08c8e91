// A node's data directory: D/db (LevelDB), D/keys/node.json and D/keys/operator.json (mode 0600),
// D/node.json (origin), D/.gitignore (data-dir-ignore.ts). The only place that reads key files for the node.

import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { CheckPool } from '../ledger/check-pool.js'
import { fail } from '../core/errors.js'
import type { Signer } from '../core/keys.js'
import { generateSigner, keptOrNewKeyFile, readKeyFile, removeKeyFileTemporaries, writeKeyFile } from './key-files.js'
import { writeFileDurably } from '../store/durable-file.js'
import { Ledger, type LedgerOptions } from '../ledger/ledger.js'
import type { StatementKind } from '../ledger/kinds.js'
import { LevelStore } from '../store/level-store.js'
import { domainCheckModules, domainKinds, upgradeStore } from '../domains.js'
import { makeDirectorySync } from '../store/make-directory.js'
import { lockDataDirectory } from './data-dir-lock.js'
import { isValidKeyName } from '../core/signed-note.js'
import { isDataDirIgnoreName, writeDataDirIgnore } from './data-dir-ignore.js'

export const DEFAULT_NODE_NAME = 'node'

/** D/witnessed-checkpoint: the latest checkpoint the node's witnesses cosigned (serve --witness), served again on start. */
export const WITNESSED_CHECKPOINT_FILE = 'witnessed-checkpoint'

/** Every statement kind this node records beyond the registry's own. */
export const DOMAIN_KINDS: StatementKind[] = domainKinds()

/** The modules whose kinds have checks that run in the check pool's threads (their `kinds` export). */
export const DOMAIN_KIND_MODULES: string[] = domainCheckModules()

export interface NodeConfig {
  origin: string
}

export interface OpenNode {
  store: LevelStore
  ledger: Ledger
  nodeSigner: Signer
  config: NodeConfig
  close(): Promise<void>
}

export function defaultOrigin(name = DEFAULT_NODE_NAME): string {
  return `tracechain.local/${name}`
}

export function isInitialised(dir: string): boolean {
  return existsSync(join(dir, 'node.json')) && existsSync(join(dir, 'keys', 'node.json'))
}

/** What init makes in a node's directory before node.json (and its .gitignore, data-dir-ignore.ts), and the key files' temporaries (durable-file.ts). */
const INIT_NAMES = new Set(['.gitkeep', 'keys', 'db'])
const INIT_KEY_FILE = /^\.?(node|operator)\.json(\.\d+\.tmp)?$/

/**
 * Whether init may make a node in `dir`: it is missing, empty but for a .gitkeep, or holds what an init killed
 * before node.json leaves (its two keys, a ledger of at most the genesis), which no node ever served. A
 * directory with anything else, or whose ledger grew past the genesis, is not: nothing in it is removed. Throws
 * DIRECTORY_IN_USE while another process initialises it or serves the node it made (data-dir-lock.ts).
 */
export async function isInitialisable(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true
  const release = lockDataDirectory(dir)
  try {
    return await isInitialisableLocked(dir)
  } finally {
    release()
  }
}

/** isInitialisable, for the holder of the directory's lock. */
async function isInitialisableLocked(dir: string): Promise<boolean> {
  if (existsSync(join(dir, 'node.json'))) return false
  const names = readdirSync(dir)
  if (!names.every((name) => INIT_NAMES.has(name) || isDataDirIgnoreName(name))) return false
  const keys = join(dir, 'keys')
  if (names.includes('keys') && !(statSync(keys).isDirectory() && readdirSync(keys).every((name) => INIT_KEY_FILE.test(name)))) return false
  if (!names.includes('db')) return true
  try {
    const store = await LevelStore.open(join(dir, 'db'))
    try {
      return ((await store.getHead())?.size ?? 0) <= 1
    } finally {
      await store.close()
    }
  } catch {
    // A store that cannot be opened is not known to hold only a genesis.
    return false
  }
}

/** `tracechain init`: keys, config and the genesis entry. Throws ALREADY_INITIALISED. */
/** What a node's ledger is opened with beyond its directory. */
export interface NodeOpenOptions {
  kinds?: StatementKind[]
  clock?: () => Date
  /** LATE_RECORD's window (LedgerOptions) */
  lateRecordAfterMs?: number
}

/**
 * Makes a node in an empty directory. `genesisAt` records the genesis as of that time (the demo's story
 * starts before today: its statements are then recorded after the genesis, as of their own times).
 */
export async function initialiseNode(dir: string, options: NodeOpenOptions & { origin?: string; genesisAt?: Date } = {}): Promise<OpenNode> {
  if (isInitialised(dir)) fail('ALREADY_INITIALISED', `${dir} already holds a node`)
  const origin = options.origin ?? defaultOrigin()
  // The name every checkpoint is signed under: checked before a key or the store is made for it.
  if (!isValidKeyName(origin)) fail('VERIFIER_KEY_INVALID', `--origin ${JSON.stringify(origin)} is not a log origin: a signed-note key name, with no space, no '+' and no control character`)
  // LevelDB's lock guards the store once open, but init writes keys and removes D/db before it opens it: the
  // directory is made, then locked, then looked at, so what another init made meanwhile is seen, or it is refused.
  makeDirectorySync(dir, 0o700)
  const release = lockDataDirectory(dir)
  try {
    if (isInitialised(dir) || !(await isInitialisableLocked(dir))) fail('ALREADY_INITIALISED', `${dir} is not empty; init wants an empty or new directory`)
    // An init killed before it finished (below) is resumed: the keys it wrote are kept (a key file is never replaced),
    // and its store, at most a genesis nobody was ever served, is made again.
    rmSync(join(dir, 'db'), { recursive: true, force: true })
    removeKeyFileTemporaries(join(dir, 'keys'))
    // Before any key: a directory inside a git checkout must never hold a key that `git add -A` takes.
    writeDataDirIgnore(dir)
    makeDirectorySync(join(dir, 'keys'), 0o700)
    const nodeSigner = keptOrNewKeyFile(join(dir, 'keys', 'node.json'))
    const operator = keptOrNewKeyFile(join(dir, 'keys', 'operator.json'))
    const config: NodeConfig = { origin }
    const store = await LevelStore.open(join(dir, 'db'))
    try {
      const ledger = await Ledger.initialise(ledgerOptions(store, nodeSigner, config, options), operator, undefined, options.genesisAt)
      // node.json last: a directory without it is an unfinished init, safe to wipe.
      writeFileDurably(join(dir, 'node.json'), JSON.stringify(config, null, 2) + '\n')
      // The lock is kept while the node is open: a second serve that saw no node.json yet is refused, not let in.
      const close = async () => {
        await closeNode(ledger, store)
        release()
      }
      return { store, ledger, nodeSigner, config, close }
    } catch (error) {
      await store.close()
      throw error
    }
  } catch (error) {
    release()
    throw error
  }
}

export async function openNode(dir: string, options: NodeOpenOptions = {}): Promise<OpenNode> {
  if (!isInitialised(dir)) fail('NOT_INITIALISED', `${dir} holds no node; run tracechain init --dir ${dir}`)
  const config = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as NodeConfig
  const nodeSigner = readKeyFile(join(dir, 'keys', 'node.json'))
  const store = await LevelStore.open(join(dir, 'db'))
  try {
    await upgradeStore(store)
    const ledger = await Ledger.open(ledgerOptions(store, nodeSigner, config, options))
    return { store, ledger, nodeSigner, config, close: () => closeNode(ledger, store) }
  } catch (error) {
    await store.close()
    throw error
  }
}

/** A node's ledger, as init and open both make it: the domains' kinds, the shared check pool. */
function ledgerOptions(store: LevelStore, nodeSigner: Signer, config: NodeConfig, options: NodeOpenOptions): LedgerOptions {
  return {
    store,
    nodeSigner,
    origin: config.origin,
    ed: nodeEd25519,
    checker: CheckPool.shared(DOMAIN_KIND_MODULES),
    kinds: options.kinds ?? DOMAIN_KINDS,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.lateRecordAfterMs !== undefined ? { lateRecordAfterMs: options.lateRecordAfterMs } : {}),
  }
}

async function closeNode(ledger: Ledger, store: LevelStore): Promise<void> {
  await ledger.close()
  await store.close()
}

export { generateSigner, readKeyFile, writeKeyFile }
