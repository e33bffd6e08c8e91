// The one error class and the one table of codes. Codes are a contract (README "Error codes"):
// they never change meaning; messages may be reworded.

export const ERROR_CODES = {
  // Input shape
  BAD_REQUEST: { status: 400, summary: 'the request is malformed or fails its schema' },
  INVALID_JSON: { status: 400, summary: 'the body is not valid JSON' },
  SCHEMA_INVALID: { status: 400, summary: 'a statement body fails its JSON Schema' },
  PAYLOAD_NOT_CANONICAL: { status: 400, summary: 'the DSSE payload is not the RFC 8785 form of itself' },
  PAYLOAD_TYPE_UNSUPPORTED: { status: 400, summary: 'the DSSE payloadType is not the tracechain statement type' },
  ENCODING_INVALID: { status: 400, summary: 'base64 or hex that does not decode, or a value of the wrong length' },
  PAGE_TOKEN_INVALID: { status: 400, summary: 'a page token that this node did not issue' },
  STATEMENT_TOO_LARGE: { status: 413, summary: 'a statement payload over 48 KiB' },
  BATCH_TOO_LARGE: { status: 413, summary: 'more envelopes in one batch than the limit (1000)' },
  BODY_TOO_LARGE: { status: 413, summary: 'the request body is over the route limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'the Content-Type is not accepted by this route' },
  STATEMENT_TYPE_UNKNOWN: { status: 400, summary: 'the statement type is not one this node records' },
  ISSUED_IN_FUTURE: { status: 400, summary: 'issuedAt is further ahead of the node clock than the allowed skew' },
  // Identity and signatures
  UNAUTHORIZED: { status: 401, summary: 'a request to POST /capture or GET /capture without a capture token the node knows (Authorization: Bearer)' },
  CUSTODY_NOT_REGISTERED: { status: 403, summary: 'a capture token whose actor is not registered with custody "node" under the custodial key the node holds, or is revoked' },
  UNKNOWN_ACTOR: { status: 403, summary: 'the statement names an actor the registry does not know' },
  UNKNOWN_KEY: { status: 403, summary: 'a signature keyid matches no registered key' },
  KEY_NOT_VALID: { status: 403, summary: 'the key is rotated out or its actor revoked' },
  SIGNATURE_INVALID: { status: 403, summary: 'a signature does not verify over the DSSE PAE' },
  SIGNATURE_MISSING: { status: 403, summary: 'no signature by a valid key of the statement actor' },
  ACTOR_REVOKED: { status: 403, summary: 'the actor is revoked' },
  ROLE_FORBIDDEN: { status: 403, summary: 'the actor has no role that may make this statement' },
  // Ledger rules
  STATEMENT_ID_CONFLICT: { status: 409, summary: 'the actor already used this statement id for other bytes' },
  ACTOR_EXISTS: { status: 409, summary: 'actor.register for an id already registered' },
  KEY_IN_USE: { status: 409, summary: 'a public key already registered to an actor' },
  RULE_VIOLATION: { status: 409, summary: 'a validly signed statement breaks a ledger rule' },
  // Food (EPCIS, identifiers, recall)
  IDENTIFIER_INVALID: { status: 400, summary: 'an EPC URN or GS1 Digital Link that does not parse' },
  CHECK_DIGIT_INVALID: { status: 400, summary: 'a GTIN, GLN or SSCC whose GS1 check digit is wrong' },
  EPCIS_INVALID: { status: 400, summary: 'a food.event body that fails the EPCIS 2.0 JSON schema' },
  LOCATION_NOT_ALLOWED: { status: 403, summary: 'readPoint or bizLocation is not one of the actor\'s registered locations' },
  LOCATION_REQUIRED: { status: 403, summary: 'an event with neither readPoint nor bizLocation from an actor that has registered locations' },
  NOT_PRODUCT_MAKER: { status: 403, summary: 'an event makes a lot or item of a GTIN whose brand owner neither is the signer nor names it among its makers' },
  PRODUCT_OWNED: { status: 409, summary: 'the GTIN is registered by another brand owner' },
  LINK_TYPE_INVALID: { status: 400, summary: 'a resolver linkType that is neither "all" nor a GS1 link type (gs1:pip, https://gs1.org/voc/pip)' },
  RECALL_FORBIDDEN: { status: 403, summary: 'only a regulator or the producer of a lot may recall it' },
  CORRECTION_FORBIDDEN: { status: 403, summary: "an error declaration of another actor's event by a signer who is no regulator" },
  CORRECTION_INVALID: { status: 409, summary: 'an error declaration that may not correct the event it names: details.reason is content-differs, declared-before-recorded, declared-in-future or corrects-itself' },
  // Seals
  SEAL_NOT_FOUND: { status: 404, summary: 'no such seal or application' },
  SEAL_EXISTS: { status: 409, summary: 'seal.register for a seal id already registered' },
  APPLICATION_EXISTS: { status: 409, summary: 'seal.apply with an application id already used' },
  NOT_APPROVER: { status: 403, summary: 'the signer is not an approver of that seal' },
  SELF_APPROVAL: { status: 403, summary: 'an applicant may not approve or reject their own application' },
  NOT_CUSTODIAN: { status: 403, summary: 'only the seal\'s custodian may stamp' },
  NOT_IN_ORG: { status: 403, summary: 'the applicant is not of the seal\'s organisation' },
  USE_WITHOUT_APPROVAL: { status: 409, summary: 'seal.use on an application that is not approved' },
  COPIES_EXCEEDED: { status: 409, summary: 'more copies stamped than approved' },
  REVOKED_SEAL_USE: { status: 409, summary: 'a statement about a revoked seal' },
  INVALID_TRANSITION: { status: 409, summary: 'the application is not in a state that allows this statement' },
  // Reads
  NOT_FOUND: { status: 404, summary: 'no such resource' },
  ENTRY_NOT_FOUND: { status: 404, summary: 'no entry at that seq' },
  RANGE_INVALID: { status: 400, summary: 'a seq, size or range outside the tree' },
  RANGE_TOO_LARGE: { status: 400, summary: 'a range larger than the route audits in one request (GET /v1/verify: 10,000 entries; whole logs: tracechain verify)' },
  BUNDLE_NOT_AVAILABLE: { status: 406, summary: 'a proof bundle asked of a resource that has none: the resolver makes them for a lot (/01/{gtin}/10/{lot}), not for a product or a serialised item' },
  QUERY_PARAMETER_UNSUPPORTED: { status: 400, summary: 'a query parameter outside the EPCIS subset this node answers (EPCIS QueryParameterException)' },
  QUERY_TOO_LARGE: { status: 413, summary: 'an EPCIS query that matches more events than its maxEventCount (EPCIS QueryTooLargeException)' },
  VERSION_NOT_SUPPORTED: { status: 406, summary: 'GS1-EPCIS-Min/-Max or GS1-CBV-Min/-Max that leave out 2.0.0, the only version spoken (EPCIS NotAcceptableException)' },
  // Verification (proofs, notes, audit)
  PROOF_INVALID: { status: 422, summary: 'an inclusion or consistency proof does not verify' },
  NOTE_MALFORMED: { status: 422, summary: 'a signed note or checkpoint that does not parse' },
  NOTE_SIGNATURE_INVALID: { status: 422, summary: 'no valid signature by the expected key on a signed note' },
  VERIFIER_KEY_INVALID: { status: 400, summary: 'a verifier key string that does not parse' },
  CHAIN_BROKEN: { status: 422, summary: 'an entry whose prev is not the leaf hash of the one before' },
  ENTRY_INVALID: { status: 422, summary: 'a stored entry that fails audit' },
  CHECKPOINT_MISMATCH: { status: 422, summary: 'the recomputed root differs from the signed checkpoint' },
  WITNESS_POLICY_UNMET: { status: 422, summary: "a checkpoint cosigned by fewer of the verifier's witnesses than its policy requires (verify --witness … --min N)" },
  BUNDLE_INVALID: { status: 422, summary: 'a proof bundle that is not tracechain.bundle/v1 in shape (docs/bundles.md); details.path names the field' },
  TILE_INVALID: { status: 422, summary: 'a tile, entry bundle or checkpoint of a tiled log (C2SP tlog-tiles) that is missing, malformed, or does not hash to what the signed checkpoint commits to' },
  // Witnesses (C2SP tlog-witness, tlog-cosignature)
  COSIGNATURE_INVALID: { status: 422, summary: 'a cosignature line by a known witness that does not verify: not 76 bytes, a timestamp over 2^63 - 1 or in the future, a bad signature, or a second line by the same witness' },
  LOG_UNKNOWN: { status: 404, summary: 'a checkpoint sent to a witness for an origin it does not witness' },
  LOG_SIGNATURE_INVALID: { status: 403, summary: 'a checkpoint sent to a witness without a valid signature by a key it trusts for that log' },
  OLD_SIZE_MISMATCH: { status: 409, summary: 'add-checkpoint\'s old size is not the size the witness last cosigned for that log; the answer is that size (text/x.tlog.size), details.size' },
  WITNESS_UNAVAILABLE: { status: 502, summary: 'a witness that could not be reached in time or answered outside the tlog-witness protocol' },
  DIRECTORY_IN_USE: { status: 409, summary: 'another witness process holds the directory\'s lock' },
  // Node
  NOT_INITIALISED: { status: 500, summary: 'the data directory has no ledger' },
  ALREADY_INITIALISED: { status: 409, summary: 'init on a data directory that already has a ledger' },
  STORE_CORRUPT: { status: 500, summary: 'the store holds data that cannot be read back' },
  STORE_UNAVAILABLE: { status: 503, summary: 'a write to the store failed; appends are refused until the node has re-established its state from disk (reads keep working)' },
  MIRROR_READ_ONLY: { status: 405, summary: 'a write sent to a mirror, which only serves reads of the log it follows; details.primary names where writes go' },
  MIRROR_NOT_READY: { status: 503, summary: 'a mirror that has not yet verified a first checkpoint of the log it follows (its first catch-up); retry after Retry-After seconds' },
  SHUTTING_DOWN: { status: 503, summary: 'the node is closing and accepts no more statements' },
  RATE_LIMITED: { status: 429, summary: 'too many requests to a costly route from one address; retry after Retry-After seconds' },
  BUSY: { status: 429, summary: 'the node is already doing as much of this work as it does at once (an audit, label renders); retry after Retry-After seconds' },
  TOO_MANY_STREAMS: { status: 503, summary: 'the node already serves as many alert streams (GET /v1/alerts/stream) as it allows at once; retry after Retry-After seconds' },
  INTERNAL: { status: 500, summary: 'an unexpected failure inside the node' },
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export class TracechainError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'TracechainError'
    this.code = code
    this.statusCode = ERROR_CODES[code].status
    if (details !== undefined) this.details = details
  }
}

export function isTracechainError(value: unknown): value is TracechainError {
  return value instanceof TracechainError
}

/** Throws a TracechainError with the given code; for use in expressions. */
export function fail(code: ErrorCode, message: string, details?: unknown): never {
  throw new TracechainError(code, message, details)
}
