// Hunt 3 (labels): the public base URL (--base-url, TRACECHAIN_BASE_URL) is what every QR label's URI, every
// linkset and every page link is built on, and the CLI checked only that it was http(s). A base with a query
// or a fragment (https://trace.example.cn/?from=qr, a campaign tag pasted in) passed: `serve` started, and every
// label request then answered 500 INTERNAL (the label's URI builder refuses such a base); `label --base-url`
// printed a RangeError with its stack. Now both refuse it up front: BAD_REQUEST naming the flag or variable,
// exit code 2, no stack, nothing made.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { makeNode } from '../helpers/ledger.js'
import { CLI, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const LOT = 'https://id.gs1.org/01/06901234001037/10/Z260526A'
const BAD_BASES = ['https://trace.example.cn/?from=qr', 'https://trace.example.cn/#top']

/** `serve` run until it exits or `ms` pass (then stopped): its exit code, or 'running'. */
function serveFor(args: string[], env: Record<string, string>, ms: number): Promise<{ code: number | 'running'; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve({ code: 'running', stderr })
    }, ms)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stderr })
    })
  })
}

t.test('a base URL with a query or fragment is refused by label and serve', async (t) => {
  const root = testDir(t)
  const node = await makeNode(join(root, 'node'))
  const logKey = node.ledger.verifierKey
  await node.close()
  for (const [i, base] of BAD_BASES.entries()) {
    const flag = await runCli(['label', '--base-url', base, '--log-key', logKey, '--id', LOT])
    t.equal(flag.code, 2, `label --base-url ${base}`)
    t.match(flag.stderr, /BAD_REQUEST: --base-url/, 'named as the flag')
    t.notMatch(flag.stderr, /\n\s+at /, 'no stack trace')
    const env = await runCli(['label', '--log-key', logKey, '--id', LOT], { env: { TRACECHAIN_BASE_URL: base } })
    t.equal(env.code, 2, `label with TRACECHAIN_BASE_URL=${base}`)
    t.match(env.stderr, /BAD_REQUEST: TRACECHAIN_BASE_URL/)

    const dir = join(root, `serve-${i}`)
    const served = await serveFor(['--dir', dir, '--port', '0', '--host', '127.0.0.1', '--base-url', base], {}, 15_000)
    t.equal(served.code, 2, `serve --base-url ${base} is refused, not started (${served.stderr.trim().slice(0, 200)})`)
    t.match(served.stderr, /BAD_REQUEST: --base-url/)
    t.notOk(existsSync(dir), 'nothing made')
  }
  const good = await runCli(['label', '--base-url', 'https://trace.example.cn/', '--log-key', logKey, '--id', LOT])
  t.equal(good.code, 0, 'a plain base still makes a label')
  t.match(good.stdout, 'https://trace.example.cn/01/06901234001037/10/Z260526A#log=')
})
