// The consumer pages' script (/web/consumer-<hash>.js): the page verifier with the lot page's provenance
// view and the explorer's recent entries, and nothing else, so the page a phone opens from a label stays
// small. A composition point like domains.ts, browser-safe.

import { provenanceBoundView } from '../food/web/provenance-bound.js'
import { recentEntriesView } from '../web/recent-entries.js'
import { registerBoundView, startPageVerification } from '../web/verify.js'

registerBoundView(provenanceBoundView)
registerBoundView(recentEntriesView)
startPageVerification()
