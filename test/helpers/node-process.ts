// End-to-end fixtures: the built `tracechain` CLI (dist/cli/main.js, which `npm test` builds first
// through pretest) as a real node process on 127.0.0.1 on a free port, and one-shot CLI runs.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import type { Signer } from '../../src/core/keys.js'
import { newSigner } from './ledger.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CLI = join(ROOT, 'dist/cli/main.js')

/** How long a node may take to print its listening line (a cold start on a busy 2-core machine is ~1 s). */
export const DEFAULT_START_TIMEOUT_MS = 60_000
/** How long `stop()` waits after SIGTERM before it falls back to SIGKILL. */
export const DEFAULT_STOP_TIMEOUT_MS = 15_000

let warnedStale = false

/** Requires dist/ to hold a build; warns once (stderr) when a source file is newer than the CLI. */
function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it through pretest)`)
  if (warnedStale) return
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(dir, entry.name)
      return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
    }, 0)
  if (newest(join(ROOT, 'src')) > statSync(CLI).mtimeMs) {
    warnedStale = true
    process.stderr.write(`# warning: ${CLI} is older than src/; these tests run the built CLI (npm run build)\n`)
  }
}

export interface NodeProcess {
  url: string
  port: number
  child: ChildProcess
  /** everything the node printed so far (stdout and stderr interleaved) */
  output(): string
  /** SIGTERM (a clean close of the store), SIGKILL if it does not exit in time; resolves with the exit code. Idempotent. */
  stop(): Promise<number | null>
  /** SIGKILL, no chance to close anything; resolves once the process is gone. Idempotent. */
  kill9(): Promise<void>
}

export interface StartOptions {
  dir: string
  /** extra `serve` arguments, e.g. ['--seed'] */
  args?: string[]
  /** added to this process's environment */
  env?: Record<string, string>
  timeoutMs?: number
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** `tracechain serve --dir D --port 0 --host 127.0.0.1 [args]`; resolves once it listens, rejects (with its output) if it exits first. */
export function startNode(options: StartOptions): Promise<NodeProcess> {
  return startListening(['serve', '--dir', options.dir], options)
}

/** `tracechain mirror --dir D --from URL --key VKEY --port 0 --host 127.0.0.1 [args]`, as startNode. */
export function startMirror(options: StartOptions & { from: string; key: string }): Promise<NodeProcess> {
  return startListening(['mirror', '--dir', options.dir, '--from', options.from, '--key', options.key], options)
}

/** `tracechain witness --dir D --log VKEY… --port 0 --host 127.0.0.1 [args]`, as startNode. */
export function startWitness(options: StartOptions & { logs: string[] }): Promise<NodeProcess> {
  return startListening(['witness', '--dir', options.dir, ...options.logs.flatMap((log) => ['--log', log])], options)
}

async function startListening(command: string[], options: StartOptions): Promise<NodeProcess> {
  requireBuiltCli()
  const child = spawn(process.execPath, [CLI, ...command, '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const gone = exited(child)
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the node did not listen within ${options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS} ms:\n${output}`))
    }, options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /tracechain (?:mirror |witness )?listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the node exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), DEFAULT_STOP_TIMEOUT_MS)
        await gone
        clearTimeout(timer)
      }
      return child.exitCode
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await gone
    },
  }
}

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `tracechain ARGS` to completion; `input` goes to its stdin. */
export function runCli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  requireBuiltCli()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.once('error', reject)
    child.once('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    )
    child.stdin.on('error', () => undefined) // a command that never reads stdin may close it first
    child.stdin.end(options.input ?? '')
  })
}

/** GET a JSON document; throws with the body on a non-2xx answer. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** POST a JSON body; resolves with the status and the parsed answer, whatever the status. */
export async function postJson<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as T }
}

/** The node's latest signed checkpoint note and the tree size it names. */
export async function getCheckpoint(url: string): Promise<{ note: string; size: number }> {
  const response = await fetch(`${url}/v1/checkpoint`)
  if (!response.ok) throw new Error(`GET ${url}/v1/checkpoint: ${response.status}`)
  const note = await response.text()
  return { note, size: Number(note.split('\n')[1]) }
}

/** `count` actor.register statements by the operator; `tag` keeps ids apart between calls and ledgers. */
export function registrations(operator: Signer, tag: string, count: number): Envelope[] {
  return Array.from({ length: count }, (_, i) =>
    buildStatementEnvelope(
      {
        type: 'actor.register',
        actor: 'operator',
        id: `register-${tag}-${i}`,
        issuedAt: '2024-05-01T00:00:00.000Z',
        body: { id: `${tag}-${i}`, name: `${tag} ${i}`, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) },
      },
      [operator],
    ),
  )
}

/** Appends a batch over HTTP; throws unless every envelope was accepted. */
export async function appendAll(url: string, envelopes: Envelope[]): Promise<void> {
  const { status, body } = await postJson<{ results: { seq?: number; code?: string }[] }>(`${url}/v1/statements`, { envelopes })
  if (status !== 200 || body.results.some((r) => r.seq === undefined)) throw new Error(`append refused: ${JSON.stringify(body).slice(0, 500)}`)
}

/** Polls `probe` every 100 ms until it gives a value (a probe that throws counts as not yet); fails after `deadlineMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
