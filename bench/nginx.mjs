// Debian's nginx serving a published tile tree for the benches, configured as test/helpers/nginx.ts does: a child
// process (no daemon, no master) on a free 127.0.0.1 port with the server block docs/static-log.md gives operators.

import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { ROOT } from './lib.mjs'

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** nginx serving `root`, its config, pid and logs in `workDir`; resolves with its URL and a stop(). */
export async function startNginx(root, workDir) {
  mkdirSync(join(workDir, 'temp'), { recursive: true })
  const port = await freePort()
  const block = /```nginx\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'docs/static-log.md'), 'utf8'))?.[1]
  if (!block) throw new Error('docs/static-log.md has no ```nginx block')
  const server = block.replace(/listen\s+80;/, `listen 127.0.0.1:${port};`).replace(/root\s+\/srv\/tracechain\/tlog;/, `root ${root};`)
  if (!server.includes(`listen 127.0.0.1:${port};`) || !server.includes(`root ${root};`)) throw new Error('the documented server block has no "listen 80;" or "root /srv/tracechain/tlog;"')
  const temp = (name) => `  ${name}_temp_path ${join(workDir, 'temp', name)};`
  const config = [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(workDir, 'nginx.pid')};`,
    `error_log ${join(workDir, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp),
    server,
    '}',
  ].join('\n')
  writeFileSync(join(workDir, 'nginx.conf'), config)
  const child = spawn(NGINX, ['-p', workDir, '-c', join(workDir, 'nginx.conf'), '-e', join(workDir, 'error.log')], { stdio: 'ignore' })
  const gone = new Promise((resolve) => child.once('exit', resolve))
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode})`)
    try {
      await fetch(`${url}/checkpoint`)
      break
    } catch {
      if (attempt > 200) throw new Error(`nginx did not listen on ${url}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await gone
      }
    },
  }
}
