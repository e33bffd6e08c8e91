// Code a page script leaves out until a page needs it, in five lazy scripts of its own. The consumer script is
// what a phone fetches from a label (the seal page's, from a notice board's QR code, and the console's leave
// out the same), and these parts serve few pages:
// - 'gs1' (/web/gs1-<hash>.js): the EPCIS event hash (core/epcis-event-hash.ts), which only lots whose
//   entries hold an error declaration need, and the GS1 syntax dictionary with the parser of every identifier
//   beyond the common forms food events and labels carry (food/identifier-forms.ts);
// - 'noble' (6.9 kB): @noble's Ed25519, for a browser without a fit WebCrypto one (page-ed25519.ts), and for
//   the console's signing with a key file;
// - 'tiles' (8.1 kB): the tile reader (core/tiled-log.ts), for a page that reads tiles, not the API;
// - 'words' (1.3 kB): the words for what failed (web/failure-words.ts), for a page that fails;
// - 'hanzi' (11.0 kB): OpenCC's traditional-to-simplified table (seal/simplified.ts), for a seal page or the
//   console's seals view with a split-contract group, whose titles the browser compares again (the seal and
//   console scripts alone).
// Those bundles resolve the modules to web/event-hash-on-demand.ts, food/web/identifiers-on-demand.ts,
// web/ed25519-on-demand.ts, web/open-tiled-log-on-demand.ts, web/failure-words-on-demand.ts and
// seal/web/simplified-on-demand.ts (web/bundle.ts), and each part's script (src/browser/lazy-<part>.ts) provides
// the real code, loaded by those modules or by the verifier (verify.ts), pinned by its hash as the page's own
// script is: for 'gs1', before it derives a view that it knows needs it, and again after a derivation that
// asked for it; for 'hanzi', after a derivation that asked for it. Browser-safe.

import type { Ed25519 } from '../core/ed25519.js'
import type { TiledLog, TiledLogOptions } from '../core/tiled-log.js'
import type { FailureWords } from './failure-words.js'
import type { LazyPart } from './page-scripts.js'

/** What each lazy script provides. */
export interface LazyCode {
  gs1: {
    eventHashId(event: Record<string, unknown>): string
    /** food/identifiers.ts's parseUncommonIdentifier: a food identifier, as web/ names no domain's types */
    parseUncommonIdentifier(text: string, uncommon: { form: string }): object
  }
  noble: { ed25519: Ed25519 }
  tiles: { openTiledLog(options: TiledLogOptions): Promise<TiledLog> }
  words: { failureWords: FailureWords }
  /** seal/simplified.ts's toSimplified */
  hanzi: { toSimplified(text: string): string }
}

/** Whether the script has seal views, which may ask for 'hanzi' (web/bundle.ts, page-scripts.ts lazyPartsOf); undefined outside a page script. */
declare const __TRACECHAIN_SEAL_VIEWS__: boolean | undefined

/** What each part is for, in the error of a script that did not load. */
const PURPOSE: Partial<Record<LazyPart, string>> = {
  gs1: 'uncommon lots',
  noble: "@noble's Ed25519",
  tiles: 'reading tiles',
  words: 'the words for what failed',
  // Only in the scripts that may load it (web/bundle.ts): the consumer script carries no word for it.
  ...(typeof __TRACECHAIN_SEAL_VIEWS__ === 'boolean' && __TRACECHAIN_SEAL_VIEWS__ ? { hanzi: 'titles in traditional Chinese' } : {}),
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

const asked = new Set<LazyPart>()

/**
 * Lazy code's answer when a part is not loaded: remembered by part, so a view that caught the error on the way
 * (an identifier it could not read shows without goods) is still derived again with that part's code in.
 */
export function lazyCodeMissing(part: LazyPart, what: string): never {
  asked.add(part)
  throw new LazyCodeMissing(what)
}

/** Whether anything asked for a part's code that was not loaded. */
export function lazyCodeAsked(part: LazyPart): boolean {
  return asked.has(part)
}

function provided(): Partial<LazyCode> {
  const global = globalThis as Record<string, unknown>
  return (global[GLOBAL] ??= {}) as Partial<LazyCode>
}

/** Called by a lazy script when it runs. */
export function provideLazyCode<P extends LazyPart>(part: P, code: LazyCode[P]): void {
  provided()[part] = code
}

/** A part's code once its script has run, else undefined. */
export function lazyCode<P extends LazyPart>(part: P): LazyCode[P] | undefined {
  return provided()[part]
}

/**
 * The lazy scripts of this page script, named and pinned at build time (web/bundle.ts); undefined in a script
 * that carries all its code.
 */
declare const __TRACECHAIN_LAZY_CODE__: Partial<Record<LazyPart, { file: string; integrity: string }>> | undefined
/** Where this script was loaded from: the lazy scripts are its siblings, wherever the page's origin is. */
const SCRIPT_URL = typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : undefined

const loading = new Map<LazyPart, Promise<void>>()

/**
 * Loads a part's script once, pinned by its hash as the page pins this one; rejects if it does not load, and
 * then tries again when asked again.
 */
export function loadLazyCode(part: LazyPart): Promise<void> {
  if (typeof __TRACECHAIN_LAZY_CODE__ === 'undefined' || lazyCode(part)) return Promise.resolve()
  // A part this script does not pin is one no view of its own asks for (page-scripts.ts lazyPartsOf).
  const { file, integrity } = __TRACECHAIN_LAZY_CODE__[part] as { file: string; integrity: string }
  let loaded = loading.get(part)
  if (!loaded) {
    loaded = new Promise((resolve, reject) => {
      const script = document.createElement('script')
      script.src = new URL(file, SCRIPT_URL ?? window.location.href).href
      script.integrity = integrity
      script.crossOrigin = 'anonymous'
      script.onload = () => resolve()
      script.onerror = () => {
        // Forgotten, so that a later need tries again: a phone's network drops a request and comes back.
        loading.delete(part)
        script.remove()
        reject(new Error(`the script with the code for ${PURPOSE[part]} (${file}) did not load`))
      }
      document.head.append(script)
    })
    loading.set(part, loaded)
  }
  return loaded
}
