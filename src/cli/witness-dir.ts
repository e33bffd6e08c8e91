// A witness's data directory: D/keys/witness.json (its Ed25519 key, the key file format, mode 0600),
// D/witness.json ({"name"}), D/logs/ (the latest cosigned checkpoint per log, witness/state.ts),
// D/witness.lock (locked by the process serving D while it lives; it names that process's pid and boot) and D/.gitignore (data-dir-ignore.ts).
// The only place that reads the witness's key file.

import { existsSync, ftruncateSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { witnessKeyOf, type Cosigner } from '../core/cosignature.js'
import { fail } from '../core/errors.js'
import { writeFileDurably } from '../store/durable-file.js'
import { lockFile } from '../store/file-lock.js'
import { WitnessState } from '../witness/state.js'
import { keptOrNewKeyFile, readKeyFile, removeKeyFileTemporaries } from './key-files.js'
import { isValidKeyName } from '../core/signed-note.js'
import { makeDirectorySync } from '../store/make-directory.js'
import { isDataDirIgnoreName, writeDataDirIgnore } from './data-dir-ignore.js'
import { lockDataDirectory } from './data-dir-lock.js'

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
  makeDirectorySync(dir, 0o700)
  // Locked, then looked at again: of two inits started at once, the second sees the first's witness, or is refused.
  const release = lockDataDirectory(dir)
  try {
    if (isWitnessDir(dir) || !isUnfinishedInit(dir)) fail('ALREADY_INITIALISED', `${dir} is not empty; witness init wants an empty or new directory`)
    // An init killed before its config is resumed: the key it wrote is kept (a key file is never replaced).
    removeKeyFileTemporaries(join(dir, 'keys'))
    // Before the key: a directory inside a git checkout must never hold a key that `git add -A` takes.
    writeDataDirIgnore(dir)
    makeDirectorySync(join(dir, 'keys'), 0o700)
    const signer = keptOrNewKeyFile(join(dir, KEY_FILE))
    const config: WitnessConfig = { name }
    // The config last: a directory without it is an unfinished init.
    writeFileDurably(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n')
    return { config, cosigner: { name, publicKey: signer.publicKey, sign: signer.sign } }
  } finally {
    release()
  }
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
 * cosign a fork between them. The kernel holds the lock (store/file-lock.ts) and drops it when the process dies,
 * a kill -9 or a power cut, so no lock is ever taken over; the file holds the owner's pid and boot for those it
 * refuses. Throws DIRECTORY_IN_USE while the owner lives.
 */
function lockDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE)
  const locked = lockFile(path)
  if (locked === 'unsupported') return lockDirectoryByPid(dir)
  if (locked === 'held') {
    const owner = ownerOf(path)
    fail('DIRECTORY_IN_USE', `${dir} is served by ${owner === undefined ? 'another witness process' : `witness process ${owner}`}`, owner === undefined ? undefined : { pid: owner })
  }
  ftruncateSync(locked.fd, 0)
  writeSync(locked.fd, ownerLine(), 0)
  return locked.release
}

/** The pid a lock file names, if it names one yet: it is empty between its holder's open and its write. */
function ownerOf(path: string): number | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  const owner = Number(text.trim().split(' ')[0])
  return text.trim() !== '' && Number.isSafeInteger(owner) && owner > 0 ? owner : undefined
}

function ownerLine(): string {
  const boot = bootId()
  return `${process.pid}${boot === undefined ? '' : ` ${boot}`}\n`
}

/**
 * Where flock is missing (no koffi, no libc: Windows) or the filesystem refuses it: the lock is the file alone. A
 * lock whose process is gone, or taken in an earlier boot (its pid may be another live process now), is taken
 * over; two processes taking over one stale lock at the same instant may then both hold it (docs/witness.md).
 */
function lockDirectoryByPid(dir: string): () => void {
  const path = join(dir, LOCK_FILE)
  const boot = bootId()
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, ownerLine(), { flag: 'wx', mode: 0o600 })
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
