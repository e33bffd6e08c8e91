// The standalone verifier's entry (bundled into /web/verify-<hash>.js by web/bundle.ts): the scripts of
// the standalone verification page (GET /verify, `tracechain verify-page`): a log and a lot, or a proof
// bundle file. Its versioned name and SHA-384 are the ones people pin (the README prints them); the
// node's own pages load their own scripts (src/browser/, web/page-scripts.ts).

import { startBundleDrop } from './web/verify-bundle-drop.js'
import { startStandaloneVerifier } from './web/verify-standalone.js'

startStandaloneVerifier()
startBundleDrop()
