// `tracechain mirror --witness-min K`: how many of its --witness-key witnesses the mirror's pages require, as a
// node's --witness-min; all of them without it. Pinned in D/mirror.json with the keys (a start with new keys and no
// --witness-min requires all of those); a quorum that cannot be met is refused with nothing written.

import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { formatWitnessVerifierKey, type WitnessKey } from '../../src/core/cosignature.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { runCli, startMirror, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

const vkeyOf = (key: WitnessKey) => formatWitnessVerifierKey(key.name, key.publicKey)
const policyOf = (min: number, keys: WitnessKey[]) => ({ min, witnesses: keys.map((key) => ({ name: key.name, verifierKey: vkeyOf(key) })) })

t.test('a mirror requires --witness-min of its witnesses, pinned in mirror.json; a quorum out of range is refused', async (t) => {
  const root = testDir(t)
  // Two witnesses, one of them down, one required: the node's notes carry one cosignature.
  const { url: nodeUrl, node, witnesses, pin } = await witnessedNode(t, 1, 1)
  const [up, down] = witnesses.map((w) => w.key)
  t.same(await (await fetch(`${nodeUrl}/v1/witnesses`)).json(), policyOf(1, [up, down]))
  const from = `${nodeUrl}/tlog/`
  const key = node.ledger.verifierKey

  for (const [args, why] of [
    [['--witness-key', vkeyOf(up), '--witness-min', '2'], 'more than the witnesses given'],
    [['--witness-key', vkeyOf(up), '--witness-min', '0'], 'none'],
    [['--witness-min', '1'], 'without --witness-key'],
  ] as const) {
    const refused = await runCli(['mirror', '--dir', join(root, 'refused'), '--from', from, '--key', key, '--port', '0', ...args])
    t.not(refused.code, 0, why)
    t.match(refused.stdout + refused.stderr, /BAD_REQUEST/, why)
    t.equal(existsSync(join(root, 'refused')), false, `${why}: nothing written`)
  }
  // In this process: a mirror that started before the fix would serve, and the test would wait on it.
  await t.rejects(openMirrorDir(join(root, 'refused'), { verifierKey: key, source: from, primary: nodeUrl, witnessKeys: [vkeyOf(up), vkeyOf(up)] }), { code: 'BAD_REQUEST' }, 'a witness named twice')
  t.equal(existsSync(join(root, 'refused')), false, 'a witness named twice: nothing written')

  const dir = join(root, 'mirror')
  const start = async (args: string[]) => {
    const mirror = await startMirror({ dir, from, key, args })
    t.teardown(() => mirror.stop())
    await until('the mirror caught up', async () => ((await fetch(`${mirror.url}/healthz`)).ok ? true : undefined))
    return mirror
  }
  let mirror = await start(['--witness-key', vkeyOf(up), '--witness-key', vkeyOf(down), '--witness-min', '1'])
  t.match(mirror.output(), '  pages       require 1 of the 2 witnesses to have cosigned', 'the banner says what its pages require')
  t.same(await (await fetch(`${mirror.url}/v1/witnesses`)).json(), policyOf(1, [up, down]), 'the node’s policy, as its operator gave it')
  t.same(JSON.parse(readFileSync(join(dir, 'mirror.json'), 'utf8')).witnessMin, 1, 'pinned in mirror.json')
  if (haveChromium(t)) {
    const { page, errors } = await launchChromium(t)
    const opened = await openVerifiedPage(page, `${mirror.url}${lotPath(FINE_LOT)}?lang=en${pin}`)
    t.equal(opened.state, 'verified', opened.status)
    t.match(opened.status, /Witnessed by witness\.test\/hz-amr \(1\)/)
    t.same(errors, [])
  }
  await mirror.stop()

  mirror = await start([])
  t.same(await (await fetch(`${mirror.url}/v1/witnesses`)).json(), policyOf(1, [up, down]), 'a start without the flags keeps the pinned policy')
  await mirror.stop()

  mirror = await start(['--witness-min', '2'])
  t.same(await (await fetch(`${mirror.url}/v1/witnesses`)).json(), policyOf(2, [up, down]), '--witness-min alone changes the quorum of the pinned keys')
  await mirror.stop()

  mirror = await start(['--witness-key', vkeyOf(up)])
  t.same(await (await fetch(`${mirror.url}/v1/witnesses`)).json(), policyOf(1, [up]), 'new keys without --witness-min: all of them')
  t.equal(JSON.parse(readFileSync(join(dir, 'mirror.json'), 'utf8')).witnessMin, undefined)
  await mirror.stop()
})
