// Hunt 3 (peers): `tracechain verify --url U --checkpoint FILE` proves the node's tree extends the checkpoint it
// saw before with the node's GET /v1/proofs/consistency. The node audited is not trusted, and its answer may be
// valid JSON of another shape. A proof that was not a list of hex hashes was already a finding (exit 1,
// CHECKPOINT_MISMATCH); but an answer of `null` threw a TypeError out of the destructuring: the command printed a
// JavaScript stack and exited 2, as for an error of its own, not a finding about the node. Now any answer that is
// not an object with a proof is the same finding as a proof that does not verify.

import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import t from 'tap'
import { registrations, runCli } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { servedNode } from '../helpers/served-node.js'
import { testDir } from '../helpers/test-dir.js'

t.test('a consistency proof answer of another JSON shape is a finding, not a crash', async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 3))
  const seen = mkdtempSync(join(tmpdir(), 'tracechain-seen-'))
  t.teardown(() => rmSync(seen, { recursive: true, force: true }))
  const file = join(seen, 'checkpoint')
  const first = await runCli(['verify', '--url', url, '--log-key', node.ledger.verifierKey, '--checkpoint', file, '--quiet'])
  t.equal(first.code, 0, first.stderr)
  await node.ledger.submitMany(registrations(node.operator, 'b', 3))

  const proxy = await startRewritingProxy(t, url)
  for (const answer of ['null', '7', '"proof"', '{"proof":null}', '{"proof":{"0":"00"}}']) {
    proxy.rewriteBytes = (bytes, path) => (path.startsWith('/v1/proofs/consistency') ? Buffer.from(answer) : bytes)
    const run = await runCli(['verify', '--url', proxy.url, '--log-key', node.ledger.verifierKey, '--checkpoint', file, '--quiet'])
    t.equal(run.code, 1, `${answer}: exit 1, a finding (${run.stderr.slice(0, 300)})`)
    t.match(run.stdout, /FAILED at seq \d+: CHECKPOINT_MISMATCH: .*consistency proof/, `${answer}: named as the node's consistency proof failing`)
    t.notMatch(run.stderr, /TypeError|at .*\.js:\d+/, `${answer}: no stack`)
  }
})
