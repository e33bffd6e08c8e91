// A witness's data directory: D/keys/witness.json (its Ed25519 key, the key file format, mode 0600),
// D/witness.json ({"name"}), D/logs/ (the latest cosigned checkpoint per log, witness/state.ts),
// D/witness.lock (the pid of the process serving D, and the boot it runs in) and D/.gitignore (data-dir-ignore.ts).
// The only place that reads the witness's key file.

import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { witnessKeyOf, type Cosigner } from '../core/cosignature.js'
import { fail } from '../core/errors.js'
import { writeFileDurably } from '../store/durable-file.js'
import { WitnessState } from '../witness/state.js'
import { keptOrNewKeyFile, readKeyFile, removeKeyFileTemporaries } from './key-files.js'
import { isValidKeyName } from '../core/signed-note.js'
import { makeDirectorySync } from '../store/make-directory.js'
import { isDataDirIgnoreName, writeDataDirIgnore } from './data-dir-ignore.js'

export interface WitnessConfig {
  /** the witness's key name, a schema-less URL such as witness.example.org/zj-amr */
  name: string
}

export interface OpenWitnessDir {
  config: WitnessConfig
  cosigner: Cosigner
  state: WitnessState
  /** removes the lock; call once the server is closed */
  release(): void
}

const CONFIG_FILE = 'witness.json'
const KEY_FILE = join('keys', 'witness.json')
const LOCK_FILE = 'witness.lock'

export function isWitnessDir(dir: string): boolean {
  return existsSync(join(dir, CONFIG_FILE)) && existsSync(join(dir, KEY_FILE))
}

/** Whether `dir` holds only what an init killed before its config leaves: its .gitignore, keys/ with the key file or its temporary. */
function isUnfinishedInit(dir: string): boolean {
  const keys = join(dir, 'keys')
  if (existsSync(join(dir, CONFIG_FILE)) || !readdirSync(dir).every((name) => name === 'keys' || isDataDirIgnoreName(name))) return false
  if (!existsSync(keys)) return true
  return statSync(keys).isDirectory() && readdirSync(keys).every((name) => /^\.?witness\.json(\.\d+\.tmp)?$/.test(name))
}

/**
 * `tracechain witness init`: a new key (0600) and the config. Throws ALREADY_INITIALISED for a directory
 * that is not empty, VERIFIER_KEY_INVALID for a name notes forbid (empty, spaces, "+").
 */
export function initialiseWitnessDir(dir: string, name: string): { config: WitnessConfig; cosigner: Cosigner } {
  if (isWitnessDir(dir)) fail('ALREADY_INITIALISED', `${dir} already holds a witness`)
  if (existsSync(dir) && readdirSync(dir).length > 0 && !isUnfinishedInit(dir)) fail('ALREADY_INITIALISED', `${dir} is not empty; witness init wants an empty or new directory`)
  // The name first: a name notes forbid makes nothing.
  if (!isValidKeyName(name)) fail('VERIFIER_KEY_INVALID', `witness name ${JSON.stringify(name)} is not allowed`)
  // An init killed before its config is resumed: the key it wrote is kept (a key file is never replaced).
  removeKeyFileTemporaries(join(dir, 'keys'))
  makeDirectorySync(dir, 0o700)
  // Before the key: a directory inside a git checkout must never hold a key that `git add -A` takes.
  writeDataDirIgnore(dir)
  makeDirectorySync(join(dir, 'keys'), 0o700)
  const signer = keptOrNewKeyFile(join(dir, KEY_FILE))
  const config: WitnessConfig = { name }
  // The config last: a directory without it is an unfinished init.
  writeFileDurably(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n')
  return { config, cosigner: { name, publicKey: signer.publicKey, sign: signer.sign } }
}

/** Opens an initialised witness directory and takes its lock. Throws NOT_INITIALISED, DIRECTORY_IN_USE. */
export function openWitnessDir(dir: string): OpenWitnessDir {
  if (!isWitnessDir(dir)) fail('NOT_INITIALISED', `${dir} holds no witness; run tracechain witness init --dir ${dir} --name NAME`)
  const config = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8')) as WitnessConfig
  const signer = readKeyFile(join(dir, KEY_FILE))
  const cosigner: Cosigner = { name: config.name, publicKey: signer.publicKey, sign: signer.sign }
  witnessKeyOf(cosigner.name, cosigner.publicKey)
  const release = lockDirectory(dir)
  return { config, cosigner, state: new WitnessState(join(dir, 'logs')), release }
}

/**
 * One witness process per directory: two would each check against the record and then write, and could
 * cosign a fork between them. The lock file holds the owner's pid and the boot it was taken in; a lock whose
 * process is gone (a kill -9), or taken in an earlier boot (a power cut: its pid may be another live process
 * now), is taken over. Throws DIRECTORY_IN_USE while the owner lives.
 */
function lockDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE)
  const boot = bootId()
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}${boot === undefined ? '' : ` ${boot}`}\n`, { flag: 'wx', mode: 0o600 })
      let released = false
      return () => {
        if (released) return
        released = true
        rmSync(path, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const [pid, ownerBoot] = readFileSync(path, 'utf8').trim().split(' ')
    const owner = Number(pid)
    const earlierBoot = ownerBoot !== undefined && boot !== undefined && ownerBoot !== boot
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && !earlierBoot && isAlive(owner)) {
      fail('DIRECTORY_IN_USE', `${dir} is served by witness process ${owner}`, { pid: owner })
    }
    rmSync(path, { force: true }) // stale: its process is gone
  }
  return fail('DIRECTORY_IN_USE', `${dir}: could not take ${LOCK_FILE}`)
}

/** This boot's id where the system says it (Linux), else undefined: a pid names a process only within one boot. */
function bootId(): string | undefined {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    return /^[0-9a-f-]{36}$/.test(id) ? id : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
