// The seal pages' script (/web/seal-<hash>.js): the page verifier with the seal view. A composition
// point like domains.ts, browser-safe.

import { SEAL_FACTS, sealView } from '../seal/web/seal-view.js'
import { registerBoundView, startPageVerification } from '../web/verify.js'

// A seal page (/seals/:id) must carry its area: stripping the area's attributes fails it.
registerBoundView({ ...sealView, facts: SEAL_FACTS, requiredAt: /^\/seals\// })
startPageVerification()
