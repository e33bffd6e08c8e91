// What the node's seal and console scripts have for seal/simplified.ts (web/bundle.ts resolves the one to the
// other in those bundles alone): OpenCC's table from the 'hanzi' lazy script (web/lazy-code.ts), which only a
// page that compares titles needs (a split-contract group). A text with no Chinese character needs no table;
// any other throws LazyCodeMissing until the script is in, and the verifier loads it and derives the view
// again, so the titles are compared by the same rule as on the node.

import { lazyCode, lazyCodeMissing } from '../../web/lazy-code.js'

const HAN = /\p{Script=Han}/u

export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text
  const code = lazyCode('hanzi')
  if (!code) return lazyCodeMissing('hanzi', 'the traditional-to-simplified table')
  return code.toSimplified(text)
}
