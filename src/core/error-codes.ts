// What each error code means, for the OpenAPI description, the CLI, the console's refusals and the test that
// holds the error table (docs/errors.md) to it.
// Apart from errors.ts so that the page scripts, which carry errors.ts, do not carry these words; a
// code missing here, or one that errors.ts lacks, fails to compile.

import { ERROR_STATUS, type ErrorCode } from './errors.js'

export const ERROR_SUMMARIES: Readonly<Record<ErrorCode, string>> = {
  // Input shape
  BAD_REQUEST: 'the request is malformed or fails its schema',
  INVALID_JSON: 'the body is not valid JSON',
  SCHEMA_INVALID: 'a statement body fails its JSON Schema',
  PAYLOAD_NOT_CANONICAL: 'the DSSE payload is not the RFC 8785 form of itself',
  PAYLOAD_TYPE_UNSUPPORTED: 'the DSSE payloadType is not the tracechain statement type',
  ENCODING_INVALID: 'base64 or hex that does not decode, or a value of the wrong length',
  PAGE_TOKEN_INVALID: 'a page token that this node did not issue',
  STATEMENT_TOO_LARGE: 'a statement payload over 48 KiB',
  BATCH_TOO_LARGE: 'more envelopes in one batch than the limit (1000)',
  BODY_TOO_LARGE: 'the request body is over the route limit',
  UNSUPPORTED_MEDIA_TYPE: 'the Content-Type is not accepted by this route',
  HEADERS_TOO_LARGE: 'the request line and headers are over 16 KiB (a query string that long, or large cookies)',
  REQUEST_TIMEOUT: 'the request (headers and body) did not arrive whole within the time allowed (5 minutes by default)',
  STATEMENT_TYPE_UNKNOWN: 'the statement type is not one this node records',
  ISSUED_IN_FUTURE: 'issuedAt is further ahead of the node clock than the allowed skew',
  TIME_OUT_OF_RANGE: 'a date-time past year 9999 or before year 0000 in UTC (an eventTime at its own offset too; a query bound), which has no RFC 3339 UTC form',
  NAME_BLANK: 'an actor.register or food.product whose name, or one of its languages, shows nothing: empty, spaces, or only invisible characters',
  // Identity and signatures
  UNAUTHORIZED: 'a request to POST /capture or GET /capture without a capture token the node knows (Authorization: Bearer)',
  CUSTODY_NOT_REGISTERED: 'a capture token whose actor is not registered with custody "node" under the custodial key the node holds, or is revoked',
  UNKNOWN_ACTOR: 'the statement names an actor the registry does not know',
  UNKNOWN_KEY: 'a signature keyid matches no registered key',
  KEY_NOT_VALID: 'the key is rotated out or its actor revoked',
  SIGNATURE_INVALID: 'a signature does not verify over the DSSE PAE',
  SIGNATURE_MISSING: 'no signature by a valid key of the statement actor',
  ACTOR_REVOKED: 'the actor is revoked',
  ROLE_FORBIDDEN: 'the actor has no role that may make this statement',
  // Ledger rules
  STATEMENT_ID_CONFLICT: 'the actor already used this statement id for other bytes',
  ACTOR_EXISTS: 'actor.register for an id already registered',
  KEY_IN_USE: 'a public key already registered to an actor',
  RULE_VIOLATION: 'a validly signed statement breaks a ledger rule',
  // Food (EPCIS, identifiers, recall)
  IDENTIFIER_INVALID: 'an EPC URN or GS1 Digital Link that does not parse',
  CHECK_DIGIT_INVALID: 'a GTIN, GLN or SSCC whose GS1 check digit is wrong',
  EPCIS_INVALID: 'a food.event body that fails the EPCIS 2.0 JSON schema, or a rule on its values (a temperature sensorReport whose uom is no temperature unit)',
  LOCATION_NOT_ALLOWED: 'readPoint or bizLocation is not one of the actor\'s registered locations',
  LOCATION_REQUIRED: 'an event with neither readPoint nor bizLocation from an actor that has registered locations',
  NOT_PRODUCT_MAKER: 'an event makes a lot or item of a GTIN whose brand owner neither is the signer nor names it among its makers',
  PRODUCT_OWNED: 'the GTIN is registered by another brand owner',
  LINK_TYPE_INVALID: 'a resolver linkType that is neither "all" nor a GS1 link type (gs1:pip, https://gs1.org/voc/pip)',
  RECALL_FORBIDDEN: 'only a regulator or the producer of a lot may recall it',
  CORRECTION_FORBIDDEN: "an error declaration of another actor's event by a signer who is no regulator",
  CORRECTION_INVALID: 'an error declaration that may not correct the event it names: details.reason is content-differs, declared-before-recorded, declared-in-future or corrects-itself',
  // Seals
  SEAL_NOT_FOUND: 'no such seal or application',
  SEAL_EXISTS: 'seal.register for a seal id already registered',
  APPLICATION_EXISTS: 'seal.apply with an application id already used',
  NOT_APPROVER: 'the signer is not an approver of that seal',
  SELF_APPROVAL: 'an applicant may not approve or reject their own application',
  NOT_CUSTODIAN: 'only the seal\'s custodian may stamp',
  NOT_IN_ORG: 'the applicant is not of the seal\'s organisation',
  USE_WITHOUT_APPROVAL: 'seal.use on an application that is not approved',
  COPIES_EXCEEDED: 'more copies stamped than approved',
  REVOKED_SEAL_USE: 'a statement about a revoked seal',
  INVALID_TRANSITION: 'the application is not in a state that allows this statement',
  REFUSED_BEFORE: 'a seal statement whose very payload was refused before (an attempt record keeps it): a refused statement stays refused, sign a new one',
  // Reads
  NOT_FOUND: 'no such resource',
  METHOD_NOT_ALLOWED: 'a path that is served, asked with a method it does not take; the Allow header and details.allow name the methods it takes',
  ENTRY_NOT_FOUND: 'no entry at that seq',
  RANGE_INVALID: 'a seq, size or range outside the tree',
  RANGE_TOO_LARGE: 'a range larger than the route audits in one request (GET /v1/verify: 10,000 entries; whole logs: tracechain verify)',
  BUNDLE_NOT_AVAILABLE: 'a proof bundle asked of a resource that has none: the resolver makes them for a lot (/01/{gtin}/10/{lot}), not for a product or a serialised item',
  QUERY_PARAMETER_UNSUPPORTED: 'a query parameter outside the EPCIS subset this node answers (EPCIS QueryParameterException)',
  QUERY_TOO_LARGE: 'an EPCIS query that matches more events than its maxEventCount (EPCIS QueryTooLargeException)',
  VERSION_NOT_SUPPORTED: 'GS1-EPCIS-Min/-Max or GS1-CBV-Min/-Max that leave out 2.0.0, the only version spoken (EPCIS NotAcceptableException)',
  // Verification (proofs, notes, audit)
  PROOF_INVALID: 'an inclusion or consistency proof does not verify',
  NOTE_MALFORMED: 'a signed note or checkpoint that does not parse',
  NOTE_SIGNATURE_INVALID: 'no valid signature by the expected key on a signed note',
  VERIFIER_KEY_INVALID: 'a verifier key string that does not parse',
  CHAIN_BROKEN: 'an entry whose prev is not the leaf hash of the one before',
  ENTRY_INVALID: 'a stored entry that fails audit',
  CHECKPOINT_MISMATCH: 'the recomputed root differs from the signed checkpoint',
  WITNESS_POLICY_UNMET: "a checkpoint cosigned by fewer of the verifier's witnesses than its policy requires (verify --witness … --min N)",
  BUNDLE_INVALID: 'a proof bundle that is not tracechain.bundle/v1 in shape (docs/bundles.md); details.path names the field',
  TILE_INVALID: 'a tile, entry bundle or checkpoint of a tiled log (C2SP tlog-tiles) that is missing, malformed, or does not hash to what the signed checkpoint commits to',
  // Witnesses (C2SP tlog-witness, tlog-cosignature)
  COSIGNATURE_INVALID: 'a cosignature line by a known witness that does not verify: not 76 bytes, a timestamp over 2^63 - 1 or in the future, a bad signature, or a second line by the same witness',
  LOG_UNKNOWN: 'a checkpoint sent to a witness for an origin it does not witness',
  LOG_SIGNATURE_INVALID: 'a checkpoint sent to a witness without a valid signature by a key it trusts for that log',
  OLD_SIZE_MISMATCH: 'add-checkpoint\'s old size is not the size the witness last cosigned for that log; the answer is that size (text/x.tlog.size), details.size',
  WITNESS_UNAVAILABLE: 'a witness that could not be reached in time or answered outside the tlog-witness protocol',
  DIRECTORY_IN_USE: 'another process holds the directory: a running witness, or a running node or mirror whose store a command (verify --dir, trace --dir, a second serve) tried to open',
  // Node
  NOT_INITIALISED: 'the data directory has no ledger',
  ALREADY_INITIALISED: 'init on a data directory that already has a ledger',
  STORE_CORRUPT: 'the store holds data that cannot be read back',
  STORE_FORMAT_NEWER: 'the data directory\'s store is in a format written by a newer tracechain than this one (db/format-version); it is left as it is',
  STORE_UNAVAILABLE: 'a write to the store failed; appends are refused until the node has re-established its state from disk (reads keep working)',
  MIRROR_READ_ONLY: 'a write sent to a mirror, which only serves reads of the log it follows; details.primary names where writes go',
  MIRROR_NOT_READY: 'a mirror that has not yet verified a first checkpoint of the log it follows (its first catch-up); retry after Retry-After seconds',
  NODE_UNAVAILABLE: 'a node the CLI asked (--url) that could not be reached, gave no complete answer within the deadline (--timeout), or answered with what is not its own answer, such as a proxy\'s error page',
  SHUTTING_DOWN: 'the node is closing and accepts no more statements',
  RATE_LIMITED: 'too many requests to a costly route from one address; retry after Retry-After seconds',
  BUSY: 'the node is already doing as much of this work as it does at once (an audit, label renders, 64 MiB of statement bodies being read); retry after Retry-After seconds',
  TOO_MANY_STREAMS: 'the node already serves as many alert streams (GET /v1/alerts/stream) as it allows at once; retry after Retry-After seconds',
  INTERNAL: 'an unexpected failure inside the node',
}

/** Each code's HTTP status and summary. */
export const ERROR_CODES = Object.fromEntries(
  (Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => [code, { status: ERROR_STATUS[code], summary: ERROR_SUMMARIES[code] }]),
) as Readonly<Record<ErrorCode, { status: number; summary: string }>>
