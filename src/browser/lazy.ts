// The 'lazy' script (/web/lazy-<hash>.js): what the node's page scripts (consumer, seal, console) leave out for
// the few pages that need it (web/lazy-code.ts): the EPCIS event hash, for a lot whose entries hold an error
// declaration, and the whole GS1 syntax dictionary, for an identifier with an AI beyond the common ones;
// @noble's Ed25519, for a browser without a fit WebCrypto one and for the console's signing; the tile reader,
// for a page that reads tiles; the words for what failed, for a page that fails. Browser-safe.

import { nobleEd25519 } from '../core/ed25519.js'
import { eventHashId } from '../core/epcis-event-hash.js'
import { GS1_SYNTAX_ROWS } from '../core/gs1-syntax-table.js'
import { TiledLog } from '../core/tiled-log.js'
import { FAILURE_WORDS } from '../web/failure-words.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode({ eventHashId: (event) => eventHashId(event), syntaxRows: GS1_SYNTAX_ROWS, ed25519: nobleEd25519, openTiledLog: (options) => TiledLog.open(options), failureWords: FAILURE_WORDS })
