// The browser verifier's entry (bundled into /web/verify.js by web/bundle.ts): the shared verifier with
// every domain's bound views registered, so a page's facts are derived again from verified entries.
// A composition point like domains.ts, but browser-safe: it imports pages' pure views only.

import { provenanceBoundView } from './food/web/provenance-bound.js'
import { recentEntriesView } from './web/recent-entries.js'
import { registerBoundView, startPageVerification } from './web/verify.js'

for (const view of [provenanceBoundView, recentEntriesView]) registerBoundView(view)
startPageVerification()
