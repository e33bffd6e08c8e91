// What the node's page scripts (consumer, seal, console) have for web/ed25519-fallback.ts (web/bundle.ts
// resolves the one to the other in those bundles alone): @noble's Ed25519 from the 'noble' lazy script
// (web/lazy-code.ts), fetched only by a browser without a fit WebCrypto Ed25519, for a page one of whose
// signatures did not verify, and by the console once a key file is loaded to sign with.

import type { Ed25519 } from '../core/ed25519.js'
import { lazyCode, loadLazyCode, lazyCodeMissing } from './lazy-code.js'

export async function fallbackEd25519(): Promise<Ed25519> {
  await loadLazyCode('noble')
  return lazyCode('noble')?.ed25519 ?? lazyCodeMissing('noble', "@noble's Ed25519")
}
