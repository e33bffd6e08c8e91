// Code a page script leaves out until a page needs it. The consumer script is what a phone fetches from a
// label (the seal page's, fetched from a notice board's QR code, leaves out the same), and five parts of it
// serve few pages: the EPCIS event hash (core/epcis-event-hash.ts, some 3.7 kB of it in brotli), which only
// lots whose entries hold an error declaration need; the GS1 syntax dictionary's rows beyond the AIs food
// labels carry (about 2 kB); @noble's Ed25519, for a browser without a fit WebCrypto one (page-ed25519.ts);
// the tile reader (core/tiled-log.ts, 2.4 kB), for a page that reads tiles, not the API; and the words for
// what failed (web/failure-words.ts, 1.5 kB), for a page that fails. Its bundle resolves those modules to
// web/event-hash-on-demand.ts, web/gs1-syntax-on-demand.ts, web/ed25519-on-demand.ts,
// web/open-tiled-log-on-demand.ts and web/failure-words-on-demand.ts, and the 'lazy' script
// (src/browser/lazy.ts) provides the real code, loaded by the verifier (verify.ts), pinned by its hash as the
// page's own script is: before it derives a view that it knows needs it, and again after a derivation that
// asked for it. Browser-safe.

import type { Ed25519 } from '../core/ed25519.js'
import type { SyntaxRow } from '../core/gs1-syntax-table.js'
import type { TiledLog, TiledLogOptions } from '../core/tiled-log.js'
import type { FailureWords } from './failure-words.js'

export interface LazyCode {
  eventHashId(event: Record<string, unknown>): string
  syntaxRows: readonly SyntaxRow[]
  ed25519: Ed25519
  openTiledLog(options: TiledLogOptions): Promise<TiledLog>
  failureWords: FailureWords
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

/**
 * The lazy script of this page script, named and pinned at build time (web/bundle.ts); undefined in a script
 * that carries all its code.
 */
declare const __TRACECHAIN_LAZY_CODE__: { file: string; integrity: string } | undefined
/** Where this script was loaded from: the lazy script is its sibling, wherever the page's origin is. */
const SCRIPT_URL = typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : undefined

let loading: Promise<void> | undefined

/** Loads the lazy script once, pinned by its hash as the page pins this one; rejects if it does not load. */
export function loadLazyCode(): Promise<void> {
  if (typeof __TRACECHAIN_LAZY_CODE__ === 'undefined' || lazyCode()) return Promise.resolve()
  const { file, integrity } = __TRACECHAIN_LAZY_CODE__
  return (loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = new URL(file, SCRIPT_URL ?? window.location.href).href
    script.integrity = integrity
    script.crossOrigin = 'anonymous'
    script.onload = () => resolve()
    script.onerror = () => reject(new Error(`the script with the code for uncommon lots (${file}) did not load`))
    document.head.append(script)
  }))
}
