// What the node's page scripts (consumer, seal, console) have for core/gs1-syntax-rows.ts (web/bundle.ts
// resolves the one to the other in those bundles alone): the dictionary's rows of the common AIs (bundle.ts:
// COMMON_AIS), written in at build time, and every row once the 'gs1' lazy script has provided them
// (web/lazy-code.ts). An identifier with another AI is read after that script has loaded, so it is read by the
// same rules as on the node.

import type { SyntaxRow } from '../core/gs1-syntax-table.js'
import { lazyCode, lazyCodeMissing } from './lazy-code.js'

declare const __TRACECHAIN_COMMON_SYNTAX_ROWS__: readonly SyntaxRow[]

export const COMMON_SYNTAX_ROWS: readonly SyntaxRow[] = __TRACECHAIN_COMMON_SYNTAX_ROWS__

export function allSyntaxRows(): readonly SyntaxRow[] {
  const code = lazyCode('gs1')
  if (!code) return lazyCodeMissing('gs1', 'the GS1 syntax dictionary')
  return code.syntaxRows
}
