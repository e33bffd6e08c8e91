// The 'gs1' lazy script (/web/gs1-<hash>.js, web/lazy-code.ts): the EPCIS event hash, for a lot whose entries
// hold an error declaration, and the whole GS1 syntax dictionary with the identifier parser that reads it, for
// an identifier beyond the common forms (food/identifier-forms.ts). Browser-safe.

import { eventHashId } from '../core/epcis-event-hash.js'
import type { UncommonIdentifier } from '../food/identifier-forms.js'
import { parseUncommonIdentifier } from '../food/identifiers.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode('gs1', {
  eventHashId: (event) => eventHashId(event),
  parseUncommonIdentifier: (text, uncommon) => parseUncommonIdentifier(text, uncommon as UncommonIdentifier),
})
