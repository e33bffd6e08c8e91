// Hunt 3 (crash): the GS1 key upgrade at open (food/key-upgrade.ts) moves each index row from its old
// "local:" key to its new key as a delete and a put. Its batches were cut by count alone, so a cut could fall
// between the two: a node killed (or out of disk) right after that commit had deleted the row and never
// written it again, and the next open, finding no old key left, finished the move without it. Here a real
// process runs the upgrade and is killed with SIGKILL after each of its commits in turn; every reopened
// store must hold the records an upgrade that ran through wrote.

import t from 'tap'
import { spawn } from 'node:child_process'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { openNode } from '../../src/cli/node-dir.js'
import { GS1_KEY_INDEX_META, GS1_KEY_PLAN_META } from '../../src/food/key-upgrade.js'
import { SPACES } from '../../src/food/records.js'
import { LevelStore } from '../../src/store/level-store.js'
import { ROOT } from '../helpers/node-process.js'
import { oldFormatStore } from '../helpers/old-gs1-store.js'
import { testDir } from '../helpers/test-dir.js'

/**
 * Runs the built upgrade in a child process, one record a batch, and kills it with SIGKILL once its
 * `stopAfter`th commit is on disk. Resolves whether the upgrade finished before that.
 */
function upgradeKilledAfter(dbDir: string, stopAfter: number): Promise<boolean> {
  const url = (path: string) => pathToFileURL(join(ROOT, path)).href
  const script = `
    const { LevelStore } = await import(${JSON.stringify(url('dist/store/level-store.js'))})
    const { buildGs1KeyIndex } = await import(${JSON.stringify(url('dist/food/key-upgrade.js'))})
    const store = await LevelStore.open(${JSON.stringify(dbDir)})
    const commit = store.commit.bind(store)
    let commits = 0
    store.commit = async (batch) => {
      await commit(batch)
      if (++commits === ${stopAfter}) {
        process.stdout.write('stopped\\n')
        await new Promise(() => {})
      }
    }
    await buildGs1KeyIndex(store, { batch: 1 })
    process.stdout.write('finished\\n')
    await new Promise(() => {})
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (!output.includes('\n')) return
      child.kill('SIGKILL')
      child.once('exit', () => resolve(output.startsWith('finished')))
    })
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the upgrade exited (${code ?? signal}): ${output}`))
    })
  })
}

const COMPARED = [SPACES.byObject, SPACES.byLocation, SPACES.object, SPACES.recall, SPACES.recalled, SPACES.quantity, SPACES.forward, SPACES.backward, SPACES.event]

async function recordsOf(dir: string): Promise<Record<string, [string, unknown][]>> {
  const node = await openNode(dir)
  try {
    const spaces: Record<string, [string, unknown][]> = {}
    for (const space of COMPARED) spaces[space] = await node.store.getRange<unknown>(space)
    spaces.meta = [[GS1_KEY_INDEX_META, await node.store.getMeta(GS1_KEY_INDEX_META)], [GS1_KEY_PLAN_META, await node.store.getMeta(GS1_KEY_PLAN_META)]]
    return spaces
  } finally {
    await node.close()
  }
}

t.test('an upgrade killed after any of its commits, then opened again, holds every record an upgrade run through holds', async (t) => {
  const root = testDir(t)
  const original = join(root, 'original')
  await (await oldFormatStore(original)).close()
  const whole = join(root, 'whole')
  cpSync(original, whole, { recursive: true })
  const expected = await recordsOf(whole)
  t.same(expected.meta[0]?.[1], { version: 1, keys: 3 }, 'the upgrade moved the three old keys')

  let stops = 0
  for (let stopAfter = 1; ; stopAfter++) {
    const dir = join(root, `stop-${stopAfter}`)
    cpSync(original, dir, { recursive: true })
    const finished = await upgradeKilledAfter(join(dir, 'db'), stopAfter)
    const reopened = await recordsOf(dir)
    const differing = Object.keys(expected).filter((space) => JSON.stringify(reopened[space]) !== JSON.stringify(expected[space]))
    if (differing.length > 0) {
      t.fail(`killed after commit ${stopAfter}: the reopened store differs in ${differing.join(', ')}`, {
        found: Object.fromEntries(differing.map((space) => [space, reopened[space]?.map(([key]) => key)])),
        wanted: Object.fromEntries(differing.map((space) => [space, expected[space]?.map(([key]) => key)])),
      })
      break
    }
    if (finished) break
    stops++
  }
  t.ok(stops >= 5, `killed after each of ${stops} commits`)
})
