// The browser verifier's entry (bundled into /web/verify-<hash>.js by web/bundle.ts): the shared verifier with
// every domain's bound views registered, so a page's facts are derived again from verified entries, the
// standalone verification page's scripts (GET /verify: a log and a lot, or a proof bundle file), and the
// console's live updates, its signing page and its audit page (whose worker is a file of its own). One file, so one hash to publish and pin.
// A composition point like domains.ts, but browser-safe: it imports pages' pure views only.

import { FOOD_ACTION_FORMS } from './food/action-forms.js'
import { provenanceBoundView } from './food/web/provenance-bound.js'
import { SEAL_ACTION_FORMS } from './seal/action-forms.js'
import { startConsoleAct } from './web/console-act.js'
import { startConsoleAudit } from './web/console-audit.js'
import { alertEntriesView } from './web/alert-entries.js'
import { startConsoleLive } from './web/console-live.js'
import { SEAL_FACTS, sealView } from './seal/web/seal-view.js'
import { sealTableView } from './seal/web/seal-table-view.js'
import { recentEntriesView } from './web/recent-entries.js'
import { registerBoundView, startPageVerification, type RegisteredView } from './web/verify.js'
import { startBundleDrop } from './web/verify-bundle-drop.js'
import { startStandaloneVerifier } from './web/verify-standalone.js'

const views: RegisteredView[] = [
  provenanceBoundView,
  recentEntriesView,
  alertEntriesView,
  // A seal page (/seals/:id) must carry its area: stripping the area's attributes fails it.
  { ...sealView, facts: SEAL_FACTS, requiredAt: /^\/seals\// },
  { ...sealTableView, facts: SEAL_FACTS, requiredAt: /^\/console\/seals$/ },
]

for (const view of views) registerBoundView(view)
startPageVerification()
startStandaloneVerifier()
startBundleDrop()
startConsoleLive()
startConsoleAct([...FOOD_ACTION_FORMS, ...SEAL_ACTION_FORMS])
startConsoleAudit()
