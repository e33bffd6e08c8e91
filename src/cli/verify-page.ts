// `tracechain verify-page --out DIR`: writes the standalone verification page (index.html) and the
// versioned verifier beside it (verify-<hash>.js), for any static origin to serve. Nothing in them names
// the node's origin: a copy made with --url and --log-id starts with that log and its key id filled in.

import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { TracechainError } from '../core/errors.js'
import { isLogKeyId } from '../core/log-key-id.js'
import { renderStandalonePage } from '../web/standalone-page.js'
import { readVerifierAsset, VERIFY_BUNDLE_PATH } from '../web/verifier-asset.js'
import { makeDirectorySync } from '../store/make-directory.js'

export interface VerifyPageOptions {
  out: string
  /** the log URL the page starts with */
  url?: string
  /** the key id the page starts with (8 to 64 lowercase hex) */
  logId?: string
  /** the built bundle (default dist/public/verify.js) */
  bundlePath?: string
}

export interface VerifyPageResult {
  files: string[]
  integrity: string
  sha256: string
}

/** Writes the two files. Throws BAD_REQUEST for a bad --url or --log-id, NOT_FOUND when the bundle is not built. */
export function writeVerifyPage(options: VerifyPageOptions): VerifyPageResult {
  if (options.url !== undefined && !/^https?:\/\/[^\s]+$/.test(options.url)) throw new TracechainError('BAD_REQUEST', `--url must be an http(s) URL, got ${options.url}`)
  if (options.logId !== undefined && !isLogKeyId(options.logId)) throw new TracechainError('BAD_REQUEST', `--log-id must be 8 to 64 lowercase hex digits, got ${options.logId}`)
  const asset = readVerifierAsset(options.bundlePath ?? VERIFY_BUNDLE_PATH)
  const html = renderStandalonePage({
    // Relative: the page and its script travel together, to whatever origin and path serves them.
    scriptSrc: asset.fileName,
    asset: { integrity: asset.integrity, sha256: asset.sha256, fileName: asset.fileName },
    defaults: { ...(options.url !== undefined ? { url: options.url } : {}), ...(options.logId !== undefined ? { log: options.logId } : {}) },
  })
  const dir = resolve(options.out)
  makeDirectorySync(dir)
  writeFileSync(join(dir, asset.fileName), asset.bytes)
  writeFileSync(join(dir, 'index.html'), html)
  return { files: [join(dir, 'index.html'), join(dir, asset.fileName)], integrity: asset.integrity, sha256: asset.sha256 }
}
