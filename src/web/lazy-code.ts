// Code a page script leaves out until a page needs it. The consumer script is what a phone fetches from a
// label, and the EPCIS event hash (core/epcis-event-hash.ts, some 3.7 kB of it in brotli) serves only lots
// whose entries hold an error declaration: its bundle resolves that module to web/event-hash-on-demand.ts,
// and the 'corrections' script (src/browser/corrections.ts) provides the real code, loaded by the verifier
// (verify.ts) before it derives a view that needs it, pinned by its hash as the page's own script is.
// Browser-safe.

export interface LazyCode {
  eventHashId(event: Record<string, unknown>): string
}

const GLOBAL = '__tracechainLazyCode'

/** Thrown when a view calls lazy code before the verifier loaded it: its needsLazyCode said no. */
export class LazyCodeMissing extends Error {
  readonly code = 'LAZY_CODE_MISSING'
  constructor(what: string) {
    super(`${what} was called before its script was loaded`)
    this.name = 'LazyCodeMissing'
  }
}

/** Called by the 'corrections' script when it runs. */
export function provideLazyCode(code: LazyCode): void {
  ;(globalThis as Record<string, unknown>)[GLOBAL] = code
}

/** The code once its script has run, else undefined. */
export function lazyCode(): LazyCode | undefined {
  return (globalThis as Record<string, unknown>)[GLOBAL] as LazyCode | undefined
}
