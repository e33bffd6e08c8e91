// The one error class and the codes with their HTTP statuses. Codes are a contract (README "Error codes"):
// they never change meaning; messages may be reworded. What each code means, in words, is in
// error-codes.ts, apart: the browser's page scripts carry this file, and need neither the words nor the
// statuses (errorStatus is a function so that a bundler leaves the table out).

export const ERROR_STATUS = {
  // Input shape
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  SCHEMA_INVALID: 400,
  PAYLOAD_NOT_CANONICAL: 400,
  PAYLOAD_TYPE_UNSUPPORTED: 400,
  ENCODING_INVALID: 400,
  PAGE_TOKEN_INVALID: 400,
  STATEMENT_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  STATEMENT_TYPE_UNKNOWN: 400,
  ISSUED_IN_FUTURE: 400,
  TIME_OUT_OF_RANGE: 400,
  NAME_BLANK: 400,
  // Identity and signatures
  UNAUTHORIZED: 401,
  CUSTODY_NOT_REGISTERED: 403,
  UNKNOWN_ACTOR: 403,
  UNKNOWN_KEY: 403,
  KEY_NOT_VALID: 403,
  SIGNATURE_INVALID: 403,
  SIGNATURE_MISSING: 403,
  ACTOR_REVOKED: 403,
  ROLE_FORBIDDEN: 403,
  // Ledger rules
  STATEMENT_ID_CONFLICT: 409,
  ACTOR_EXISTS: 409,
  KEY_IN_USE: 409,
  RULE_VIOLATION: 409,
  // Food (EPCIS, identifiers, recall)
  IDENTIFIER_INVALID: 400,
  CHECK_DIGIT_INVALID: 400,
  EPCIS_INVALID: 400,
  LOCATION_NOT_ALLOWED: 403,
  LOCATION_REQUIRED: 403,
  NOT_PRODUCT_MAKER: 403,
  PRODUCT_OWNED: 409,
  LINK_TYPE_INVALID: 400,
  RECALL_FORBIDDEN: 403,
  CORRECTION_FORBIDDEN: 403,
  CORRECTION_INVALID: 409,
  // Seals
  SEAL_NOT_FOUND: 404,
  SEAL_EXISTS: 409,
  APPLICATION_EXISTS: 409,
  NOT_APPROVER: 403,
  SELF_APPROVAL: 403,
  NOT_CUSTODIAN: 403,
  NOT_IN_ORG: 403,
  USE_WITHOUT_APPROVAL: 409,
  COPIES_EXCEEDED: 409,
  REVOKED_SEAL_USE: 409,
  INVALID_TRANSITION: 409,
  REFUSED_BEFORE: 409,
  // Reads
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ENTRY_NOT_FOUND: 404,
  RANGE_INVALID: 400,
  RANGE_TOO_LARGE: 400,
  BUNDLE_NOT_AVAILABLE: 406,
  QUERY_PARAMETER_UNSUPPORTED: 400,
  QUERY_TOO_LARGE: 413,
  VERSION_NOT_SUPPORTED: 406,
  // Verification (proofs, notes, audit)
  PROOF_INVALID: 422,
  NOTE_MALFORMED: 422,
  NOTE_SIGNATURE_INVALID: 422,
  VERIFIER_KEY_INVALID: 400,
  CHAIN_BROKEN: 422,
  ENTRY_INVALID: 422,
  CHECKPOINT_MISMATCH: 422,
  WITNESS_POLICY_UNMET: 422,
  BUNDLE_INVALID: 422,
  TILE_INVALID: 422,
  // Witnesses (C2SP tlog-witness, tlog-cosignature)
  COSIGNATURE_INVALID: 422,
  LOG_UNKNOWN: 404,
  LOG_SIGNATURE_INVALID: 403,
  OLD_SIZE_MISMATCH: 409,
  WITNESS_UNAVAILABLE: 502,
  DIRECTORY_IN_USE: 409,
  // Node
  NOT_INITIALISED: 500,
  ALREADY_INITIALISED: 409,
  STORE_CORRUPT: 500,
  STORE_FORMAT_NEWER: 500,
  STORE_UNAVAILABLE: 503,
  MIRROR_READ_ONLY: 405,
  MIRROR_NOT_READY: 503,
  NODE_UNAVAILABLE: 502,
  SHUTTING_DOWN: 503,
  RATE_LIMITED: 429,
  BUSY: 429,
  TOO_MANY_STREAMS: 503,
  INTERNAL: 500,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export class TracechainError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'TracechainError'
    this.code = code
    if (details !== undefined) this.details = details
  }
}

/**
 * The HTTP status of an error's code (500 for a code this build does not know). A function, not a property of
 * the error, so that the page scripts, which carry this class but answer no request, leave the table out.
 */
export function errorStatus(error: TracechainError): number {
  return ERROR_STATUS[error.code] ?? 500
}

/**
 * By its name and code, not by instanceof: a page's lazy scripts (web/lazy-code.ts) carry copies of this class
 * of their own, and what the tile reader there throws is read by the page script's code.
 */
export function isTracechainError(value: unknown): value is TracechainError {
  return value instanceof Error && value.name === 'TracechainError' && typeof (value as { code?: unknown }).code === 'string'
}

/** Throws a TracechainError with the given code; for use in expressions. */
export function fail(code: ErrorCode, message: string, details?: unknown): never {
  throw new TracechainError(code, message, details)
}
