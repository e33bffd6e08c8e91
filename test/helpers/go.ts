// The Go interop programs (test/interop/*): built with build.sh from Debian's Go and golang.org/x/mod, and run.
// Where Go is missing, CI fails (.ci/run installs it) and a developer's machine skips with the reason.

import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { Test } from 'tap'
import { ROOT } from './node-process.js'

const BUILD_SCRIPT = join(ROOT, 'test/interop/build.sh')
/** build.sh's exit code when Go or golang.org/x/mod is missing. */
const EXIT_GO_MISSING = 2
const GO_MISSING = 'Go toolchain not installed (apt-get install golang-go golang-golang-x-mod-dev)'

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a program from the repository root and collects its output. */
export function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Builds test/interop/`program` (default: checker) to `out`; the build's result, or undefined where Go is
 * missing (a failure under CI, a skip with the install command elsewhere).
 */
export async function buildGoProgram(t: Test, out: string, program?: string): Promise<Run | undefined> {
  const build = await run('sh', [BUILD_SCRIPT, out, ...(program ? [program] : [])])
  if (build.code !== EXIT_GO_MISSING) return build
  if (process.env.CI) t.fail(`${GO_MISSING}; CI must install it: ${build.stderr.trim()}`)
  else t.skip(GO_MISSING, () => undefined)
  return undefined
}
