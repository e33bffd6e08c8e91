// @noble's Ed25519, for a page whose browser has no fit WebCrypto one (page-ed25519.ts). The consumer script has
// web/ed25519-on-demand.ts in this module's place (web/bundle.ts). Browser-safe.

import { nobleEd25519, type Ed25519 } from '../core/ed25519.js'

export async function fallbackEd25519(): Promise<Ed25519> {
  return nobleEd25519
}
