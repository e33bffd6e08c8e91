// The 'gs1' lazy script (/web/gs1-<hash>.js, web/lazy-code.ts): the EPCIS event hash, for a lot whose entries
// hold an error declaration, and the whole GS1 syntax dictionary, for an identifier with an AI beyond the
// common ones. Browser-safe.

import { eventHashId } from '../core/epcis-event-hash.js'
import { GS1_SYNTAX_ROWS } from '../core/gs1-syntax-table.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode('gs1', { eventHashId: (event) => eventHashId(event), syntaxRows: GS1_SYNTAX_ROWS })
