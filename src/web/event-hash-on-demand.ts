// What the consumer script has for core/epcis-event-hash.ts (web/bundle.ts resolves the one to the other in
// that bundle alone): the real function, once the 'corrections' script has provided it (web/lazy-code.ts).

import { lazyCode } from './lazy-code.js'

/** Thrown when a view hashes an event before the verifier loaded the code: a view's needsLazyCode said no. */
export class LazyCodeMissing extends Error {
  readonly code = 'LAZY_CODE_MISSING'
  constructor() {
    super('the EPCIS event hash code was not loaded')
    this.name = 'LazyCodeMissing'
  }
}

export function eventHashId(event: Record<string, unknown>): string {
  const code = lazyCode()
  if (!code) throw new LazyCodeMissing()
  return code.eventHashId(event)
}
