// The CLI's exit codes: a contract for scripts (README, CLI).

export const EXIT_OK = 0
/** A verification found something: a bad entry, a refused statement, an unmet witness policy. */
export const EXIT_VERIFY_FAILED = 1
export const EXIT_ERROR = 2
/** An export written in part: the node cut the answer at its bounds. */
export const EXIT_INCOMPLETE = 3
