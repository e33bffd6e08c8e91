// Issue 14: a mirror's evidence of a fork is checked without our code too. Go's sumdb/note opens both checkpoints
// with the log key and sumdb/tlog's CheckTree verifies the fork proof's consistency proof from the larger tree's
// root at the smaller size (test/interop/forkcheck, which shares no code with tracechain), as docs/mirror.md
// says; a proof hash flipped, or the smaller checkpoint's own root stated, proves nothing.

import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGoProgram, run } from '../helpers/go.js'
import { forkEvidence } from '../helpers/forked-log.js'
import { testDir } from '../helpers/test-dir.js'

for (const sizes of [
  { accepted: 21, offered: 300 },
  { accepted: 300, offered: 16 },
]) {
  t.test(`a fork from ${sizes.accepted} to ${sizes.offered} entries: Go's note and tlog prove it from the evidence`, async (t) => {
    const root = testDir(t)
    const binary = join(root, 'forkcheck')
    const build = await buildGoProgram(t, binary, 'forkcheck')
    if (!build) return
    t.equal(build.code, 0, `build.sh: ${build.stderr}`)
    const { evidence, node } = await forkEvidence(t, root, sizes)
    const key = node.ledger.verifierKey
    const proven = await run(binary, ['-dir', evidence, '-key', key])
    t.equal(proven.code, 0, proven.stdout + proven.stderr)
    t.match(proven.stdout, /^fork proven: larger=(accepted|offered) size=300 /)

    const proofFile = join(evidence, 'fork-proof')
    const text = readFileSync(proofFile, 'utf8')
    const lines = text.split('\n')
    // The first proof hash (line 5) with one character changed.
    lines[4] = (lines[4][0] === 'A' ? 'B' : 'A') + lines[4].slice(1)
    writeFileSync(proofFile, lines.join('\n'))
    const flipped = await run(binary, ['-dir', evidence, '-key', key])
    t.equal(flipped.code, 1, flipped.stdout)
    t.match(flipped.stdout, /^NOT PROVEN: the consistency proof does not verify/)
    writeFileSync(proofFile, text)
    t.equal((await run(binary, ['-dir', evidence, '-key', key])).code, 0, 'the evidence as the mirror kept it again')
  })
}
