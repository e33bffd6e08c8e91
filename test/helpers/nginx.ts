// Debian's nginx for the static-log tests: a child process (no daemon, no master: it runs as this user) on a
// free 127.0.0.1 port with its own temporary config, serving a published tile tree with the server block
// docs/static-log.md gives operators, so the documented configuration is the one tested.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Test } from 'tap'
import { ROOT } from './node-process.js'

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

/** True when nginx is there. Where it is missing, CI fails (.ci/run installs it) and elsewhere the file is skipped. */
export function haveNginx(t: Test): boolean {
  if (existsSync(NGINX)) return true
  if (process.env.CI === 'true') t.fail(`${NGINX} is missing: .ci/run installs Debian's nginx-light`)
  else t.plan(0, `skipped: no nginx at ${NGINX} (apt-get install nginx-light)`)
  return false
}

/** The first ```nginx block of a document (docs/static-log.md: the tile tree's server block), as an operator would copy it. */
export function documentedServerBlock(document = 'docs/static-log.md'): string {
  const doc = readFileSync(join(ROOT, document), 'utf8')
  const match = /```nginx\n([\s\S]*?)```/.exec(doc)
  if (!match) throw new Error(`${document} has no \`\`\`nginx block`)
  return match[1]
}

/** Replaces `from` in a documented block, failing loudly when the document no longer has it. */
export function substitute(block: string, from: RegExp | string, to: string): string {
  const replaced = block.replace(from, to)
  if (replaced === block) throw new Error(`the documented nginx block has no ${String(from)}`)
  return replaced
}

/** The kernel's range for ports chosen by listening on port 0 and for outgoing connections. */
function ephemeralPorts(): [low: number, high: number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
    if (low! > 0 && high! >= low!) return [low!, high!]
  } catch {
    // not Linux: the IANA range
  }
  return [49152, 65535]
}

/** Tries to listen on 127.0.0.1:port; resolves whether it could. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * A port free now, for a server that starts later, chosen below the kernel's ephemeral range. A port the
 * kernel handed out for port 0 could be handed out again to a node or browser of a test running beside
 * this one before our server binds it: nginx then failed to start while the test's readiness check was
 * answered by that other process, whose pages it then loaded (seen in CI, test/mirror/balancer.test.ts).
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralPorts()
  const floor = Math.min(10_000, low - 1_000)
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor))
    if (await canListen(port)) return port
  }
  throw new Error(`no free port in ${floor}-${low - 1}`)
}

export interface NginxProcess {
  url: string
  child: ChildProcess
  /** stops nginx and waits for it to exit; idempotent */
  stop(): Promise<void>
}

/** nginx serving `root` with the documented server block, in `workDir` (config, pid, logs, temp files). */
export async function startNginx(root: string, workDir: string): Promise<NginxProcess> {
  const port = await freePort()
  let server = substitute(documentedServerBlock(), /listen\s+80;/, `listen 127.0.0.1:${port};`)
  server = substitute(server, /root\s+\/srv\/tracechain\/tlog;/, `root ${root};`)
  return startNginxServers(server, `http://127.0.0.1:${port}`, workDir)
}

/** nginx with these server (and upstream) blocks; `url` is one it listens on, polled until it answers. */
export async function startNginxServers(blocks: string, url: string, workDir: string): Promise<NginxProcess> {
  mkdirSync(join(workDir, 'temp'), { recursive: true })
  const temp = (name: string) => `${name}_temp_path ${join(workDir, 'temp', name)};`
  const config = [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(workDir, 'nginx.pid')};`,
    `error_log ${join(workDir, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
    blocks,
    '}',
  ].join('\n')
  const configFile = join(workDir, 'nginx.conf')
  writeFileSync(configFile, config)
  const child = spawn(NGINX, ['-p', workDir, '-c', configFile, '-e', join(workDir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output}${readLog(workDir)}`)
    // nginx names itself; any other answer is another process on that port, and nginx will exit.
    const answer = await fetch(`${url}/`).catch(() => undefined)
    if (answer?.headers.get('server')?.startsWith('nginx')) break
    if (attempt > 200) throw new Error(`nginx did not listen on ${url}: ${output}${readLog(workDir)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await gone
        clearTimeout(timer)
      }
    },
  }
}

function readLog(workDir: string): string {
  try {
    return readFileSync(join(workDir, 'error.log'), 'utf8')
  } catch {
    return ''
  }
}
