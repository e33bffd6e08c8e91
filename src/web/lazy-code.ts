// Code a page script leaves out until a page needs it. The consumer script is what a phone fetches from a
// label, and two parts of it serve few lots: the EPCIS event hash (core/epcis-event-hash.ts, some 3.7 kB of it
// in brotli), which only lots whose entries hold an error declaration need, and the GS1 syntax dictionary's
// rows beyond the AIs food labels carry (about 3 kB). Its bundle resolves those modules to
// web/event-hash-on-demand.ts and web/gs1-syntax-on-demand.ts, and the 'lazy' script
// (src/browser/lazy.ts) provides the real code, loaded by the verifier (verify.ts), pinned by its hash as
// the page's own script is: before it derives a view that it knows needs it, and again after a derivation
// that asked for it. Browser-safe.

import type { SyntaxRow } from '../core/gs1-syntax-table.js'

export interface LazyCode {
  eventHashId(event: Record<string, unknown>): string
  syntaxRows: readonly SyntaxRow[]
}

const GLOBAL = '__tracechainLazyCode'

/** Thrown when a view calls lazy code before the verifier loaded it; the verifier loads it and derives the view again. */
export class LazyCodeMissing extends Error {
  readonly code = 'LAZY_CODE_MISSING'
  constructor(what: string) {
    super(`${what} was called before its script was loaded`)
    this.name = 'LazyCodeMissing'
  }
}

let asked = false

/**
 * Lazy code's answer when it is not loaded: remembered, so a view that caught the error on the way (an
 * identifier it could not read shows without goods) is still derived again with the code in.
 */
export function lazyCodeMissing(what: string): never {
  asked = true
  throw new LazyCodeMissing(what)
}

/** Whether anything asked for lazy code that was not loaded. */
export function lazyCodeAsked(): boolean {
  return asked
}

/** Called by the 'lazy' script when it runs. */
export function provideLazyCode(code: LazyCode): void {
  ;(globalThis as Record<string, unknown>)[GLOBAL] = code
}

/** The code once its script has run, else undefined. */
export function lazyCode(): LazyCode | undefined {
  return (globalThis as Record<string, unknown>)[GLOBAL] as LazyCode | undefined
}
