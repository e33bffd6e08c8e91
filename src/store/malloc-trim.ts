// Under glibc's malloc, the node hands the memory it freed back to the kernel every few seconds.
//
// Why: glibc gives memory back on free only from the top of each arena (allocator.ts says what churns
// there: LevelDB opening and closing tables from several threads). Pages freed in the middle stay the
// process's, so its memory kept creeping under sustained appends while the memory in use did not.
// `malloc_trim(0)` (glibc 2.8 and later) also gives back every whole free page inside the arenas. It walks
// each arena under its lock, 0.3-60 ms under the soak (docs/storage.md), so it runs on libuv's thread pool
// and the event loop never waits for it. A preloaded jemalloc gives memory back itself: nothing starts here.
//
// koffi calls the C function: Node has no foreign-function interface of its own, and koffi ships prebuilt
// binaries for the platforms Node runs on, so nothing is compiled at install.

import { TracechainError } from '../core/errors.js'
import { processAllocator, type Allocator } from './allocator.js'

/** How often, by default: the soak's figures (docs/storage.md) were taken with this. */
export const MALLOC_TRIM_DEFAULT_SECONDS = 10

export type MallocTrim =
  | { state: 'trimming'; everySeconds: number; stop(): void; trimNow(): Promise<boolean> }
  | { state: 'off'; reason: string }

type TrimFunction = { async(pad: number, done: (error: unknown, released: number) => void): void }

/**
 * Starts trimming every `everySeconds` (0 turns it off) when the process runs on glibc's malloc. The
 * timer does not keep the process alive. Never throws: where koffi or glibc is missing it says why not.
 */
export async function startMallocTrim(everySeconds = MALLOC_TRIM_DEFAULT_SECONDS, allocator: Allocator = processAllocator()): Promise<MallocTrim> {
  if (!(everySeconds > 0)) return { state: 'off', reason: 'turned off' }
  if (allocator.name !== 'glibc') return { state: 'off', reason: `the malloc is ${allocator.name}, not glibc's` }
  let trim: TrimFunction
  try {
    const { default: koffi } = await import('koffi')
    trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as unknown as TrimFunction
  } catch (error) {
    return { state: 'off', reason: `malloc_trim could not be loaded: ${(error as Error).message}` }
  }
  const trimNow = () =>
    new Promise<boolean>((resolve, reject) => trim.async(0, (error, released) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(released === 1))))
  let running = false
  const timer = setInterval(() => {
    // A slow trim (a huge heap, a busy thread pool) is not stacked behind another.
    if (running) return
    running = true
    trimNow()
      .catch(() => undefined)
      .finally(() => (running = false))
  }, everySeconds * 1000)
  timer.unref()
  return { state: 'trimming', everySeconds, stop: () => clearInterval(timer), trimNow }
}

/** `TRACECHAIN_MALLOC_TRIM_SECONDS` from the environment: unset is the default, 0 turns trimming off. Throws BAD_REQUEST. */
export function mallocTrimSecondsFrom(env: NodeJS.ProcessEnv): number {
  const value = env.TRACECHAIN_MALLOC_TRIM_SECONDS
  if (value === undefined || value === '') return MALLOC_TRIM_DEFAULT_SECONDS
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds < 0) throw new TracechainError('BAD_REQUEST', `TRACECHAIN_MALLOC_TRIM_SECONDS: ${JSON.stringify(value)} is not a number of seconds (0 turns trimming off)`)
  return seconds
}
