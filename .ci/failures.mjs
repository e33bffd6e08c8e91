#!/usr/bin/env node
// Prints every failed test point of a TAP log (not TODO or SKIP) with its file and its diagnostics.
// CI shows only the end of what a run printed, and a failure deep in a 100,000-line log is otherwise lost.
//
//   node .ci/failures.mjs LOG

import { readFileSync } from 'node:fs'

const MAX_DIAGNOSTIC_LINES = 40
const lines = readFileSync(process.argv[2], 'utf8').split('\n')
let file = '(no file)'
let failures = 0
for (let i = 0; i < lines.length; i++) {
  const line = lines[i]
  const subtest = /^# Subtest: (\S+)/.exec(line)
  if (subtest) file = subtest[1]
  const point = /^(\s*)not ok \d+ - (.*)$/.exec(line)
  if (!point || /#\s*(TODO|SKIP)\b/i.test(point[2])) continue
  failures++
  process.stdout.write(`\n${file}\n${line}\n`)
  // The YAML block that follows a point ends at "..." indented two spaces past it.
  if (lines[i + 1]?.trim() !== '---') continue
  const end = `${point[1]}  ...`
  for (let j = i + 1; j < lines.length && j <= i + MAX_DIAGNOSTIC_LINES; j++) {
    process.stdout.write(`${lines[j]}\n`)
    if (lines[j] === end) break
  }
}
process.stdout.write(`\n# ${failures} failed test point(s), listed above with their files\n`)
