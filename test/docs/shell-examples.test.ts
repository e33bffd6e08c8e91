// The README's and docs' shell examples, run as written against a seeded node on a real port: a command
// a newcomer copies must work. Each document runs in order in one bash, in a fresh directory beside a
// fresh node; `http://127.0.0.1:3000` in the text is that node. A curl whose answer is an HTTP error
// fails the example unless the comment under it shows that status ("statusCode":409).

import { spawn } from 'node:child_process'
import { statSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { projectDocuments, readDocument, shellExamplesOf, type ShellExample } from '../helpers/markdown.js'
import { ROOT, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const DOCUMENTED_URL = 'http://127.0.0.1:3000'

// Every document's examples against a node each, one after another: 150 s on a loaded 2-core machine.
t.setTimeout(360_000)

/** What the examples use from the checkout, linked into each run's directory. */
const LINKED = ['keys', 'examples', 'test', 'schemas', 'package.json']

const PRELUDE = `set -euo pipefail
# The package's own bin, as \`npx tracechain\` runs it in the checkout.
npx() { if [ "$1" = tracechain ]; then shift; node "$TRACECHAIN_ROOT/dist/cli/main.js" "$@"; else command npx "$@"; fi; }
curl() {
  local err; err=$(mktemp)
  local rc=0
  command curl --write-out '%{stderr}%{http_code}' "$@" 2>"$err" || rc=$?
  local code; code=$(tail -c 3 "$err")
  if [ "$rc" -ne 0 ]; then cat "$err" >&2; return "$rc"; fi
  if [ "$code" -ge 400 ] && [ "$code" != "\${EXPECT_STATUS:-}" ]; then echo "curl $*: HTTP $code" >&2; return 22; fi
  echo
}
`

/** Marks a curl line whose documented answer is an HTTP error with that status. */
export function withExpectedStatuses(script: string): string {
  const lines = script.split('\n')
  return lines
    .map((line, i) => {
      const expected = /"statusCode":(\d{3})/.exec(lines[i + 1] ?? '')
      return expected && /^\s*curl\s/.test(line) && lines[i + 1].trim().startsWith('#') ? `EXPECT_STATUS=${expected[1]} ${line}` : line
    })
    .join('\n')
}

function scriptOf(examples: ShellExample[], url: string): string {
  const blocks = examples.map((example) => `echo "### ${example.where}" >&2\n${withExpectedStatuses(example.script)}`)
  return PRELUDE + blocks.join('\n').replaceAll(DOCUMENTED_URL, url) + '\n'
}

function runBash(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, TRACECHAIN_ROOT: ROOT } })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (code) => resolve({ code, output }))
  })
}

t.test('withExpectedStatuses marks only a curl whose comment shows an error status', async (t) => {
  t.equal(withExpectedStatuses('curl -s x\n# {"statusCode":409}'), 'EXPECT_STATUS=409 curl -s x\n# {"statusCode":409}')
  t.equal(withExpectedStatuses('curl -s x\n# {"seq":1}'), 'curl -s x\n# {"seq":1}')
  t.equal(withExpectedStatuses('npx tracechain x\n# {"statusCode":409}'), 'npx tracechain x\n# {"statusCode":409}')
})

for (const path of projectDocuments()) {
  const examples = shellExamplesOf(path, readDocument(path))
  if (examples.length === 0) continue
  t.test(`${path}: every shell example runs`, async (t) => {
    const needsGo = examples.some((example) => example.script.includes('test/interop/build.sh'))
    if (needsGo && !(await hasCommand('go'))) {
      if (process.env.CI === 'true') t.fail('go is missing: .ci/run installs golang-go')
      else t.plan(0, 'skipped: it builds the Go interop checker (apt-get install golang-go golang-golang-x-mod-dev)')
      return
    }
    const cwd = testDir(t, {})
    for (const name of LINKED) symlinkSync(join(ROOT, name), join(cwd, name))
    const node = await startNode({ dir: join(cwd, 'data'), args: ['--seed'] })
    t.teardown(() => node.stop())
    const run = await runBash(scriptOf(examples, node.url), cwd)
    t.equal(run.code, 0, `${path}: the examples exit 0`, { output: run.output.slice(-4000) })
  })
}

async function hasCommand(name: string): Promise<boolean> {
  return (await runBash(`command -v ${name}`, ROOT)).code === 0
}

t.test('npx tracechain runs the package bin in the checkout, as the docs say', async (t) => {
  // tsc writes a new file 0644, and npm sets the bin's mode only for packages it installs, not for the
  // project it runs in: on a fresh clone the build itself must make the bin executable, or npx answers
  // "Permission denied" (CI, stop 22).
  const mode = statSync(join(ROOT, 'dist/cli/main.js')).mode
  t.equal(mode & 0o111, 0o111, `dist/cli/main.js is executable by everyone (mode ${(mode & 0o777).toString(8)})`)
  const out = join(testDir(t, {}), 'key.json')
  const run = await runBash(`npx --no-install tracechain keygen --out ${out}`, ROOT)
  t.equal(run.code, 0, run.output)
  t.match(run.output, /"keyid":"[0-9a-f]{16}"/)
})
