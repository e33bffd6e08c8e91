// What a ledger holds in memory of its store, read at open and again when a failed store is reopened: the head,
// the registry and the upper tiles; never the log.

import { toHex } from '../core/bytes.js'
import { fail } from '../core/errors.js'
import type { LevelStore } from '../store/level-store.js'
import { GENESIS_PREV } from './entry.js'
import { ACTOR_SPACE, Registry, type ActorRecord } from './registry.js'
import { LedgerTree } from './tree.js'

export interface LedgerState {
  registry: Registry
  tree: LedgerTree
  lastLeafHash: string
  checkpoint: string
}

/** The state of a store with no ledger yet (init writes its genesis). */
export async function emptyState(store: LevelStore): Promise<LedgerState> {
  return { registry: new Registry(), tree: await LedgerTree.load(store, 0), lastLeafHash: GENESIS_PREV, checkpoint: '' }
}

/** Throws NOT_INITIALISED without a head, STORE_CORRUPT when the stored tiles do not give the head's root. */
export async function loadState(store: LevelStore): Promise<LedgerState> {
  const head = await store.getHead()
  if (!head) fail('NOT_INITIALISED', `no ledger in ${store.location}; run tracechain init`)
  const actors: ActorRecord[] = []
  for await (const [, record] of store.rangeRecords<ActorRecord>(ACTOR_SPACE)) actors.push(record)
  const tree = await LedgerTree.load(store, head.size)
  if (toHex(tree.root()) !== head.rootHash) {
    fail('STORE_CORRUPT', `stored tiles give root ${toHex(tree.root())} at size ${head.size}, head says ${head.rootHash}`)
  }
  return { registry: Registry.fromRecords(actors), tree, lastLeafHash: head.lastLeafHash, checkpoint: head.checkpoint }
}
