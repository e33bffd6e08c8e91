// What the node's page scripts (consumer, seal, console) have for core/epcis-event-hash.ts (web/bundle.ts
// resolves the one to the other in those bundles alone): the real function, once the 'gs1' lazy script has provided
// it (web/lazy-code.ts).

import { lazyCode, lazyCodeMissing } from './lazy-code.js'

export function eventHashId(event: Record<string, unknown>): string {
  const code = lazyCode('gs1')
  if (!code) return lazyCodeMissing('gs1', 'the EPCIS event hash')
  return code.eventHashId(event)
}
