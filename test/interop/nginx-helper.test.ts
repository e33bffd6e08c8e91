// The nginx helper's readiness check: a port that another process took first (a node of a test running
// beside this one) must fail the start, not pass it with that process's answers.

import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { freePort, haveNginx, startNginxServers } from '../helpers/nginx.js'
import { testDir } from '../helpers/test-dir.js'

const PORT_RANGE = '/proc/sys/net/ipv4/ip_local_port_range'

t.test('nginx whose port another server holds is refused, not taken for ready', async (t) => {
  if (!haveNginx(t)) return
  const port = await freePort()
  const squatter = createServer((_, response) => response.end('not nginx'))
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
  const url = `http://127.0.0.1:${port}`
  const block = `server { listen 127.0.0.1:${port}; location / { return 200 'nginx'; } }`
  await t.rejects(startNginxServers(block, url, join(testDir(t), 'nginx')), /nginx exited/)
})

t.test('freePort chooses below the kernel’s ephemeral range', async (t) => {
  if (!existsSync(PORT_RANGE)) return t.plan(0, `skipped: no ${PORT_RANGE} (not Linux)`)
  const low = Number(readFileSync(PORT_RANGE, 'utf8').trim().split(/\s+/)[0])
  const port = await freePort()
  t.ok(port < low, `port ${port}, below ${low}`)
})
