// transparency-dev/merkle proof vectors (test/fixtures/merkle/SOURCE.md) through verifyInclusion and verifyConsistency.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { fromBase64 } from '../../src/core/bytes.js'
import { verifyConsistency, verifyInclusion } from '../../src/core/merkle.js'

const root = fileURLToPath(new URL('../fixtures/merkle/testdata/', import.meta.url))

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort()
}

const hashes = (list: string[] | null) => (list ?? []).map((h) => fromBase64(h))

interface InclusionCase { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyCase { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

t.test('inclusion vectors', async (t) => {
  const files = jsonFiles(join(root, 'inclusion'))
  t.equal(files.length, 98)
  for (const file of files) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase
    const name = `${file.slice(root.length)}: ${c.desc}`
    // Decode outside the assertion, so that a decoding bug cannot pass as an expected error.
    const [leaf, rootHash, proof] = [fromBase64(c.leafHash), fromBase64(c.root), hashes(c.proof)]
    const run = () => verifyInclusion(c.leafIdx, c.treeSize, leaf, proof, rootHash)
    if (c.wantErr) t.throws(run, { code: 'PROOF_INVALID' }, name)
    else t.doesNotThrow(run, name)
  }
})

t.test('consistency vectors', async (t) => {
  const files = jsonFiles(join(root, 'consistency'))
  t.equal(files.length, 98)
  for (const file of files) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase
    const name = `${file.slice(root.length)}: ${c.desc}`
    const [root1, root2, proof] = [fromBase64(c.root1), fromBase64(c.root2), hashes(c.proof)]
    const run = () => verifyConsistency(c.size1, c.size2, proof, root1, root2)
    if (c.wantErr) t.throws(run, { code: 'PROOF_INVALID' }, name)
    else t.doesNotThrow(run, name)
  }
})
