// The 'noble' lazy script (/web/noble-<hash>.js, web/lazy-code.ts): @noble's Ed25519, for a browser without a
// fit WebCrypto one, and for the console's signing with a key file. Browser-safe.

import { nobleEd25519 } from '../core/ed25519.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode('noble', { ed25519: nobleEd25519 })
