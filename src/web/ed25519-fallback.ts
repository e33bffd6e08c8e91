// @noble's Ed25519, for a page whose browser has no fit WebCrypto one (page-ed25519.ts), and for the console's
// signing with a key file (console-act.ts). The node's page scripts have web/ed25519-on-demand.ts in this
// module's place (web/bundle.ts), and fetch it with the 'noble' lazy script when they need it. Browser-safe.

import { nobleEd25519, type Ed25519 } from '../core/ed25519.js'

export async function fallbackEd25519(): Promise<Ed25519> {
  return nobleEd25519
}
