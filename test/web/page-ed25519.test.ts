// The page verifier's Ed25519 (web/webcrypto-ed25519.ts, web/deferred-ed25519.ts, web/page-ed25519.ts): WebCrypto's
// where it passes the probe, each pass of the log's checks run ahead of its verdicts and standing only once
// they all hold. In Node, over Node's own WebCrypto; the browser tests run the same code in Chromium.

import * as ed from '@noble/ed25519'
import t from 'tap'
import { fromHex, utf8 } from '../../src/core/bytes.js'
import { nobleEd25519, type Ed25519 } from '../../src/core/ed25519.js'
import { DeferredEd25519 } from '../../src/web/deferred-ed25519.js'
import { verifyingWith } from '../../src/web/page-ed25519.js'
import type { CheckpointMemory, RememberedCheckpoint } from '../../src/web/verify-log.js'
import { PROBE, webCryptoEd25519, webCryptoVerify, type VerifyAsync } from '../../src/web/webcrypto-ed25519.js'

const subtle = globalThis.crypto.subtle
const probeKey = fromHex(PROBE.publicKey)
const probeMessage = utf8(PROBE.message)
const seed = new Uint8Array(32).fill(7)
const publicKey = nobleEd25519.publicKeyFromSeed(seed)
const signed = (text: string) => ({ message: utf8(text), signature: nobleEd25519.sign(seed, utf8(text)) })

t.test('the probe: a good signature, and one that only the cofactored equation accepts', async (t) => {
  t.ok(nobleEd25519.verify(probeKey, probeMessage, fromHex(PROBE.valid)), 'the first verifies')
  t.notOk(nobleEd25519.verify(probeKey, probeMessage, fromHex(PROBE.torsionR)), 'the second fails the cofactorless equation the node checks')
  t.ok(ed.verify(fromHex(PROBE.torsionR), probeMessage, probeKey, { zip215: false }), "and holds in @noble's cofactored one")
})

t.test("WebCrypto's Ed25519 is taken only where it passes the probe", async (t) => {
  t.type(await webCryptoEd25519(subtle), 'function', "Node's WebCrypto passes")
  t.equal(await webCryptoEd25519(null), undefined, 'no crypto.subtle (a page outside a secure context): none')
  const cofactored = { ...subtle, importKey: subtle.importKey.bind(subtle), verify: async () => true } as unknown as SubtleCrypto
  t.equal(await webCryptoEd25519(cofactored), undefined, 'one that accepts the torsion signature: refused')
  const absent = { importKey: async () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')) } as unknown as SubtleCrypto
  t.equal(await webCryptoEd25519(absent), undefined, 'one without Ed25519 (it cannot import the key): none')
  const verify = webCryptoVerify(subtle)
  const { message, signature } = signed('hello')
  t.equal(await verify(publicKey, message, signature), true)
  t.equal(await verify(publicKey, utf8('hullo'), signature), false)
  t.equal(await verify(new Uint8Array(32), message, signature), false, 'a small-order key: the shared pre-check, no throw')
  t.equal(await verify(publicKey.subarray(1), message, signature), false, 'a short key: no throw')
})

/** A VerifyAsync that counts its calls. */
function counted(verify: VerifyAsync): VerifyAsync & { calls: number } {
  const wrapped = Object.assign(async (...args: Parameters<VerifyAsync>) => {
    wrapped.calls++
    return verify(...args)
  }, { calls: 0 })
  return wrapped
}

t.test('a deferred pass assumes each signature good, then verifies them together', async (t) => {
  const verify = counted(webCryptoVerify(subtle))
  const deferred = new DeferredEd25519(verify)
  const good = signed('good')
  const bad = { message: utf8('bad'), signature: signed('other').signature }
  t.equal(deferred.verify(publicKey, good.message, good.signature), true)
  t.equal(deferred.verify(publicKey, bad.message, bad.signature), true, 'assumed good in the pass')
  t.equal(deferred.verify(new Uint8Array(32), good.message, good.signature), false, 'the pre-check still answers at once')
  t.equal(verify.calls, 0, 'nothing verified during the pass')
  t.equal(await deferred.settle(), false, 'one assumption did not hold')
  t.equal(verify.calls, 2)
  t.equal(deferred.verify(publicKey, bad.message, bad.signature), false, 'the next pass knows its verdict')
  t.equal(deferred.verify(publicKey, good.message, good.signature), true)
  const later = signed('later')
  deferred.answerUnknownWith(nobleEd25519)
  t.equal(deferred.verify(publicKey, later.message, later.signature), true, 'a signature first asked now: verified on the spot')
  t.equal(deferred.verify(publicKey, utf8('later?'), later.signature), false)
  t.equal(await deferred.settle(), true, 'nothing left to settle')
  t.equal(verify.calls, 2)
  t.throws(() => deferred.sign(), TypeError)
})

/** A stand-in for the log's checks: verifies the signatures named, remembers a checkpoint, says which verified. */
function checks(cases: { message: Uint8Array; signature: Uint8Array }[]) {
  let runs = 0
  const run = async (ed: Ed25519, memory: CheckpointMemory | undefined) => {
    runs++
    const verdicts = cases.map(({ message, signature }) => ed.verify(publicKey, message, signature))
    if (verdicts.every(Boolean)) memory?.write('origin', { size: 10, root: 'root', key: 'key' } as RememberedCheckpoint)
    return verdicts
  }
  return { run, runs: () => runs }
}

function memory() {
  const written: string[] = []
  return { written, memory: { read: () => undefined, write: (origin: string) => void written.push(origin) } as CheckpointMemory }
}

t.test('verifyingWith: one pass when every signature holds, its checkpoint remembered after', async (t) => {
  const { written, memory: remembered } = memory()
  const { run, runs } = checks([signed('a'), signed('b')])
  t.same(await verifyingWith(remembered, run), [true, true])
  t.equal(runs(), 1)
  t.same(written, ['origin'])
})

t.test('verifyingWith: a signature that fails makes the checks run again, and nothing is remembered', async (t) => {
  const { written, memory: remembered } = memory()
  const { run, runs } = checks([signed('a'), { message: utf8('b'), signature: signed('c').signature }])
  t.same(await verifyingWith(remembered, run), [true, false], 'the outcome of the second pass, on the verdicts')
  t.equal(runs(), 2)
  t.same(written, [], 'the first pass wrote into a memory held back; the second verified nothing to remember')
})

t.test('verifyingWith without WebCrypto: the same deferred pass, its signatures verified by @noble after it', async (t) => {
  const good = memory()
  const one = checks([signed('a'), signed('b')])
  t.same(await verifyingWith(good.memory, one.run, null), [true, true])
  t.equal(one.runs(), 1, 'one pass: @noble settles what it assumed')
  t.same(good.written, ['origin'])

  const bad = memory()
  const two = checks([signed('a'), { message: utf8('b'), signature: signed('c').signature }])
  t.same(await verifyingWith(bad.memory, two.run, null), [true, false], 'a signature @noble refuses: the second pass, on the verdicts')
  t.equal(two.runs(), 2)
  t.same(bad.written, [], 'nothing remembered')
})
