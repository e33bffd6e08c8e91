// A webhook delivery as it travels: a DSSE v1 envelope (core/dsse.ts) of one alert, signed by the node's
// own key, the key its checkpoints are signed with. A receiver checks it with the node's verifier key (GET
// /v1/log/key, or the `log key` line `tracechain serve` prints) and nothing else: no shared secret.
// Browser-safe: a receiver in any JavaScript runtime can import verifyAlertDelivery.

import { fromBase64 } from '../core/bytes.js'
import { canonicalBytes, parseCanonical } from '../core/canonical-json.js'
import { pae, signEnvelope, type Envelope } from '../core/dsse.js'
import { nobleEd25519, type Ed25519 } from '../core/ed25519.js'
import { SIGNATURE_LENGTH } from '../core/ed25519-strict.js'
import { fail } from '../core/errors.js'
import { keyIdOf, type Signer } from '../core/keys.js'
import { parseVerifierKey } from '../core/signed-note.js'
import type { Alert } from './alerts.js'

/** The DSSE payloadType of a delivery: its payload is the RFC 8785 JSON of an AlertDelivery. */
export const ALERT_PAYLOAD_TYPE = 'application/vnd.tracechain.alert+json'

/** A delivery's envelope is refused over this size, before it is decoded. */
export const MAX_DELIVERY_BYTES = 256 * 1024

export interface AlertDelivery {
  /** the node's origin: the name in its verifier key, so a delivery signed for one node is not another's */
  origin: string
  /** the alert's position, as the alert stream's event id: the same alert delivered twice has the same id */
  id: string
  /** the webhook it was delivered for: its kind (`*` for every kind) */
  webhook: string
  /** when the node signed this delivery (its clock); a retry is signed again */
  sentAt: string
  alert: Alert
}

/** Signs `delivery` with the node's signer. */
export function signAlertDelivery(delivery: AlertDelivery, nodeSigner: Signer): Envelope {
  return signEnvelope(ALERT_PAYLOAD_TYPE, canonicalBytes(delivery), [nodeSigner])
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Verifies a delivery's envelope (attacker-controlled: the request body a receiver got) against the node's
 * verifier key (`origin+hash+base64`) and returns what it carries. Throws VERIFIER_KEY_INVALID for a bad key,
 * PAYLOAD_TYPE_UNSUPPORTED for another payloadType, BAD_REQUEST for a body that is no envelope or a payload
 * that is no delivery, ENCODING_INVALID for bad base64, INVALID_JSON or PAYLOAD_NOT_CANONICAL for a payload
 * not in RFC 8785 form, SIGNATURE_MISSING when no signature
 * names the node's key, SIGNATURE_INVALID when it does not verify or the payload names another origin.
 */
export function verifyAlertDelivery(envelope: unknown, verifierKey: string, ed: Ed25519 = nobleEd25519): AlertDelivery {
  const { name, publicKey } = parseVerifierKey(verifierKey)
  if (!isRecord(envelope) || typeof envelope.payloadType !== 'string' || typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures)) {
    fail('BAD_REQUEST', 'a delivery is a DSSE envelope: payloadType, payload and signatures')
  }
  if (envelope.payloadType !== ALERT_PAYLOAD_TYPE) fail('PAYLOAD_TYPE_UNSUPPORTED', `payloadType must be ${ALERT_PAYLOAD_TYPE}`)
  if (envelope.payload.length > (MAX_DELIVERY_BYTES / 3) * 4) fail('BAD_REQUEST', `the payload is over ${MAX_DELIVERY_BYTES} bytes`)
  const payload = fromBase64(envelope.payload, 'payload')
  const keyid = keyIdOf(publicKey)
  const signature = envelope.signatures.find((entry: unknown) => isRecord(entry) && entry.keyid === keyid) as { sig?: unknown } | undefined
  if (!signature || typeof signature.sig !== 'string') fail('SIGNATURE_MISSING', `no signature by the node's key ${keyid}`)
  const sig = fromBase64(signature.sig, 'signature')
  if (sig.length !== SIGNATURE_LENGTH || !ed.verify(publicKey, pae(ALERT_PAYLOAD_TYPE, payload), sig)) {
    fail('SIGNATURE_INVALID', `the signature by ${keyid} does not verify`)
  }
  const delivery = parseCanonical(payload)
  if (!isRecord(delivery) || typeof delivery.origin !== 'string' || typeof delivery.id !== 'string' || typeof delivery.webhook !== 'string' || typeof delivery.sentAt !== 'string' || !isRecord(delivery.alert)) {
    fail('BAD_REQUEST', 'the payload is not an alert delivery')
  }
  if (delivery.origin !== name) fail('SIGNATURE_INVALID', `the delivery names origin ${delivery.origin}, the key is ${name}'s`)
  return delivery as unknown as AlertDelivery
}
