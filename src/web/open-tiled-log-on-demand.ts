// What the node's page scripts (consumer, seal, console) have for web/open-tiled-log.ts (web/bundle.ts resolves
// the one to the other in those bundles alone): the tile reader from the 'tiles' lazy script (web/lazy-code.ts),
// fetched only by a page that reads tiles: one served with another copy of the tiles (`data-tlog`), one that
// names no entry (the explorer), one whose API gave no entry or consistency proof. A page the node serves takes
// them from the API.

import type { TiledLog, TiledLogOptions } from '../core/tiled-log.js'
import { lazyCode, lazyCodeMissing, loadLazyCode } from './lazy-code.js'

export async function openTiledLog(options: TiledLogOptions): Promise<TiledLog> {
  await loadLazyCode('tiles')
  return (lazyCode('tiles') ?? lazyCodeMissing('tiles', 'the tile reader')).openTiledLog(options)
}
