// The 'hanzi' lazy script (/web/hanzi-<hash>.js, web/lazy-code.ts): OpenCC's table folding traditional Chinese
// to simplified, for a seal page or the console's seals view whose split-contract group the browser checks
// again (seal/similarity.ts compares the titles folded). Browser-safe.

import { toSimplified } from '../seal/simplified.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode('hanzi', { toSimplified })
