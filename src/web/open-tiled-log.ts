// Opens a copy of the log's tiles for the browser verifier (verify-checkpoint.ts). Here, core/tiled-log.ts
// itself; the node's page scripts resolve this module to web/open-tiled-log-on-demand.ts, as a page the node
// serves takes its entries and proofs from the API and reads no tile (web/bundle.ts). Browser-safe.

import { TiledLog, type TiledLogOptions } from '../core/tiled-log.js'

export function openTiledLog(options: TiledLogOptions): Promise<TiledLog> {
  return TiledLog.open(options)
}
