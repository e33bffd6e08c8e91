// Where gs1-syntax.ts takes the dictionary's rows from. Every build holds the whole table here but the consumer
// page's script, which a phone fetches from a label: web/bundle.ts gives that script the rows of the AIs food
// labels and events carry (web/gs1-syntax-on-demand.ts) and the rest with its on-demand script. Pure.

import { GS1_SYNTAX_ROWS, type SyntaxRow } from './gs1-syntax-table.js'

/** The rows an AI is looked up in first: here, all of them. */
export const COMMON_SYNTAX_ROWS: readonly SyntaxRow[] = GS1_SYNTAX_ROWS

/** Every row; asked for only when an AI is not among the common rows. */
export function allSyntaxRows(): readonly SyntaxRow[] {
  return GS1_SYNTAX_ROWS
}
