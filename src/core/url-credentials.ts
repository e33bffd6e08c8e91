// A URL an operator gave that may carry credentials (https://user:password@host/…): a webhook's, the copy of the
// tiles a mirror follows, a witness's. fetch refuses to build a request from such a URL, so the credentials travel
// as Basic authorization (RFC 7617) to the URL without them; and what is shown of the URL (/healthz, a refusal's
// details, start-up lines) is that URL, never the secret. Pure.

import { toBase64, utf8 } from './bytes.js'

/** A URL component's text; one that does not decode is taken as it is written. */
function decodedComponent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Where a request to `url` (absolute) is sent, and its Authorization header when `url` carries credentials. */
export function requestTarget(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url)
  if (parsed.username === '' && parsed.password === '') return { url }
  const credentials = `${decodedComponent(parsed.username)}:${decodedComponent(parsed.password)}`
  parsed.username = ''
  parsed.password = ''
  return { url: parsed.href, authorization: `Basic ${toBase64(utf8(credentials))}` }
}

/** `url` (absolute) without its credentials: what may be shown of it. */
export function urlWithoutCredentials(url: string): string {
  return requestTarget(url).url
}
