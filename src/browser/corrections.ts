// The 'corrections' script (/web/corrections-<hash>.js): the EPCIS event hash, which the consumer script
// loads only for a lot whose entries hold an error declaration (web/lazy-code.ts). Browser-safe.

import { eventHashId } from '../core/epcis-event-hash.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode({ eventHashId: (event) => eventHashId(event) })
