// The 'tiles' lazy script (/web/tiles-<hash>.js, web/lazy-code.ts): the tile reader, for a page that reads the
// log's tiles rather than the API's entries and proofs. Browser-safe.

import { TiledLog } from '../core/tiled-log.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode('tiles', { openTiledLog: (options) => TiledLog.open(options) })
