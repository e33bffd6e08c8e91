// What the node's page scripts have for food/identifiers.ts (web/bundle.ts resolves the one to the other in
// those bundles alone): the common forms read here (identifier-forms.ts), and every other identifier once
// the 'gs1' lazy script has provided the whole parser (web/lazy-code.ts). Until then such an identifier
// throws LazyCodeMissing, and the verifier loads that script and derives the view again, so it is read by
// the same rules as on the node.

import { lazyCode, lazyCodeMissing } from '../../web/lazy-code.js'
import { rememberingParser, type Gs1Identifier } from '../identifier-forms.js'

// What the callers of parseIdentifier use of a parsed identifier, and the check digit.
export * from '../identifier-forms.js'

export const parseIdentifier: (text: string) => Readonly<Gs1Identifier> = rememberingParser((text, uncommon) => {
  const code = lazyCode('gs1')
  if (!code) return lazyCodeMissing('gs1', 'the GS1 identifier parser')
  // The lazy script's parser is food/identifiers.ts's own, typed apart from web/ (a shared layer names no domain).
  return code.parseUncommonIdentifier(text, uncommon) as Gs1Identifier
})
