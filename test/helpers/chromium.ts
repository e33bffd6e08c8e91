// Debian's Chromium for the page tests, driven by playwright-core: no browser is ever downloaded.

import { existsSync } from 'node:fs'
import type { Test } from 'tap'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Headless, no sandbox (the tests run as root in CI), and nothing that reaches for Google's hosts:
 * this machine's network is closed, and Chromium's background connections are refused many at a time.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * True when Chromium is there. Where it is missing, CI fails (.ci/run installs it), and a developer's
 * machine skips the file with the reason and the command that installs it.
 */
export function haveChromium(t: Test): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI === 'true') t.fail(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`)
  else t.plan(0, `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`)
  return false
}
