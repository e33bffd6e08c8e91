// The browser scripts the node serves, one per kind of page, so a phone on the consumer page fetches the
// consumer's verifier and nothing of the console's or the standalone page's. Each is built by
// web/bundle.ts from its entry in src/browser/ (the standalone verifier from src/verifier.ts), served as
// /web/<name>-<16 hex of its SHA-256>.js and pinned by SRI in the pages that load it. Browser-safe.

/**
 * - `verify`: the standalone verification page (GET /verify, `tracechain verify-page`): a log and a lot,
 *   or a proof bundle file. Its versioned name and SHA-384 are the ones the README prints for pinning.
 * - `consumer`: the lot pages and the explorer: the provenance view and the recent entries, with the words of
 *   the Chinese pages alone; `consumer-en`, the same with the English pages' (web/one-language.ts): a phone
 *   fetches the words of the page it reads, never the other language's.
 * - `seal`: the seal pages (/seals/:id), a villager's phone opens from the notice board's QR code; `seal-en`,
 *   the same with the English pages' words, as the consumer scripts.
 * - `console`: the console's pages and their live updates.
 * - the LAZY_PARTS: no page's own: what the consumer, seal and console scripts load for the few pages that
 *   need it (web/lazy-code.ts); `hanzi` for the seal and console scripts alone.
 */
export const PAGE_SCRIPTS = ['verify', 'consumer', 'consumer-en', 'seal', 'seal-en', 'console', 'gs1', 'noble', 'tiles', 'words', 'hanzi'] as const

/**
 * The lazy scripts (web/lazy-code.ts): `gs1`, the EPCIS event hash and the whole GS1 syntax dictionary;
 * `noble`, @noble's Ed25519; `tiles`, the tile reader; `words`, the words for what failed; `hanzi`, the table
 * that folds traditional Chinese to simplified, for the titles of a split-contract group.
 */
export const LAZY_PARTS = ['gs1', 'noble', 'tiles', 'words', 'hanzi'] as const satisfies readonly (typeof PAGE_SCRIPTS)[number][]

export type LazyPart = (typeof LAZY_PARTS)[number]

/**
 * The lazy scripts a page script names and pins: the consumer scripts have no seal views, so they leave out
 * 'hanzi' and its pin, which would be bytes every phone fetches from a label for nothing.
 */
export function lazyPartsOf(script: PageScript): readonly LazyPart[] {
  return script === 'consumer' || script === 'consumer-en' ? LAZY_PARTS.filter((part) => part !== 'hanzi') : LAZY_PARTS
}

export type PageScript = (typeof PAGE_SCRIPTS)[number]

export function isPageScript(name: string): name is PageScript {
  return (PAGE_SCRIPTS as readonly string[]).includes(name)
}

/** The script a page of `script`'s kind loads in `lang`: the consumer and seal pages have one per language. */
export function pageScriptIn(script: PageScript, lang: 'zh' | 'en'): PageScript {
  if (lang === 'zh') return script
  return script === 'consumer' ? 'consumer-en' : script === 'seal' ? 'seal-en' : script
}
