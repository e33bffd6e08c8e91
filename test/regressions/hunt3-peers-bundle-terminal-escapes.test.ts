// Hunt 3 (peers): a proof bundle is the word of a node that is not trusted, and `tracechain verify --bundle` and
// `tracechain bundle` print what it says (the lot, its Digital Link, the names and summaries of its entries, why a
// check failed) to the verifier's terminal. Before, they printed it as it came: a bundle whose about.lot held
// "\u001b[1A\u001b[2K\r" and "VERIFIED: …" rewrote the "FAILED" line above it on a terminal, so a person saw a
// forged bundle as verified (only the exit code said otherwise). Now every line goes through printable(), as
// `trace` and the mirror's banner print what a node says: control and bidirectional characters as '?'.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli, startNode } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { testDir } from '../helpers/test-dir.js'

const ZONGZI = '06901234001037'
const LOT = 'Z260526A'
const FORGED = `${LOT}\u001b[1A\u001b[2K\rVERIFIED: proof bundle of lot ${LOT}\u202e`
const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

t.test('what a bundle says reaches the terminal without control characters', async (t) => {
  const dir = testDir(t)
  const node = await startNode({ dir: join(dir, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const proxy = await startRewritingProxy(t, node.url)
  proxy.rewriteBytes = (bytes) => {
    const text = bytes.toString('utf8')
    if (!text.includes('"tracechain.bundle/v1"')) return bytes
    const bundle = JSON.parse(text) as { about: { lot: string; digitalLink: string } }
    bundle.about.lot = FORGED
    bundle.about.digitalLink = `https://id.gs1.org/01/${ZONGZI}/10/${LOT}\u001b]8;;https://evil.example\u0007`
    return Buffer.from(JSON.stringify(bundle))
  }
  const file = join(dir, 'lot.json')
  const download = await runCli(['bundle', '--url', proxy.url, '--id', `https://id.gs1.org/01/${ZONGZI}/10/${LOT}`, '--out', file])
  t.equal(download.code, 0, download.stderr)
  t.notMatch(download.stdout, UNPRINTABLE, 'the download says what it wrote without the control characters')
  t.equal((JSON.parse(readFileSync(file, 'utf8')) as { about: { lot: string } }).about.lot, FORGED, 'the file is kept as served (evidence)')

  const verify = await runCli(['verify', '--bundle', file, '--key', key])
  t.equal(verify.code, 1, 'the forged bundle fails')
  t.match(verify.stdout, /^FAILED: proof bundle of lot /)
  t.notMatch(verify.stdout, UNPRINTABLE, 'nothing in the account writes to the terminal')

  // A failure's detail quotes the bundle too.
  writeFileSync(file, readFileSync(file, 'utf8').replace('"kind":"lot"', '"kind":"lot\\u001b[2J"'))
  const malformed = await runCli(['verify', '--bundle', file, '--key', key])
  t.equal(malformed.code, 1)
  t.notMatch(malformed.stdout, UNPRINTABLE)
})
