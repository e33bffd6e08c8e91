// The console's script (/web/console-<hash>.js): the page verifier with the alerts' entries view and the Seals
// view's table, the live
// updates that add new alerts and verify them again, the signing page (/console/act) and the audit page
// (/console/audit, whose worker is a file of its own). A composition point like domains.ts, browser-safe.

import { FOOD_ACTION_FORMS } from '../food/action-forms.js'
import { SEAL_ACTION_FORMS } from '../seal/action-forms.js'
import { SEAL_FACTS } from '../seal/web/seal-view.js'
import { sealTableView } from '../seal/web/seal-table-view.js'
import { alertEntriesView } from '../web/alert-entries.js'
import { startConsoleAct } from '../web/console-act.js'
import { startConsoleAudit } from '../web/console-audit.js'
import { startConsoleLive } from '../web/console-live.js'
import { registerBoundView, startPageVerification } from '../web/verify.js'

registerBoundView(alertEntriesView)
// The Seals view (/console/seals) must carry its area: stripping the area's attributes fails it.
registerBoundView({ ...sealTableView, facts: SEAL_FACTS, requiredAt: /^\/console\/seals$/ })
startPageVerification()
startConsoleLive()
startConsoleAct([...FOOD_ACTION_FORMS, ...SEAL_ACTION_FORMS])
startConsoleAudit()
