// Label PNGs rendered off the event loop: one worker thread runs resvg (a render loads the system's
// fonts and rasterises; on the main thread a burst of them stalled every other route), a bounded queue
// in front of it (BUSY when full), and a least-recently-used cache of the results bounded in bytes.

import { Worker } from 'node:worker_threads'
import { TracechainError } from '../core/errors.js'
import type { LabelSize } from './label.js'

export interface PngRendererOptions {
  /** renders waiting or running at once; more are refused with BUSY (default DEFAULT_MAX_QUEUED) */
  maxQueued?: number
  /** bytes of PNGs (and their keys) the cache keeps (default DEFAULT_CACHE_BYTES) */
  cacheBytes?: number
  /** PNGs the cache keeps (default DEFAULT_CACHE_ENTRIES) */
  cacheEntries?: number
}

export const DEFAULT_MAX_QUEUED = 16
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024
/** Labels change only when a product is renamed; a node prints a few hundred lots a day. */
export const DEFAULT_CACHE_ENTRIES = 512
/** What a refused request is told to wait, in seconds. */
const BUSY_RETRY_AFTER_SECONDS = 1

// Under tap the sources run as TypeScript, and workers inherit the loader.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './png-worker.ts' : './png-worker.js', import.meta.url)

interface Job {
  resolve(png: Buffer): void
  reject(error: unknown): void
}

export class LabelPngRenderer {
  private readonly maxQueued: number
  private readonly cacheBytes: number
  private readonly cacheEntries: number
  /** key → PNG, oldest use first (a Map keeps insertion order; a hit moves its key to the end) */
  private readonly cache = new Map<string, Buffer>()
  private cachedBytes = 0
  /** renders asked for and not finished, by key: a burst for one label renders it once */
  private readonly rendering = new Map<string, Promise<Buffer>>()
  /** the worker renders are sent to, and the renders it has; one that died has none left to fail */
  private worker: { thread: Worker; jobs: Map<number, Job> } | undefined
  private nextId = 0
  private closed = false

  constructor(options: PngRendererOptions = {}) {
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED
    this.cacheBytes = options.cacheBytes ?? DEFAULT_CACHE_BYTES
    this.cacheEntries = options.cacheEntries ?? DEFAULT_CACHE_ENTRIES
  }

  /**
   * The PNG of a label SVG at `size`, the bytes renderLabelPng gives. Throws BUSY when maxQueued renders
   * are already waiting, SHUTTING_DOWN once closed, INTERNAL when the renderer fails.
   */
  async render(svg: string, size: LabelSize): Promise<Buffer> {
    const key = `${size}\u0000${svg}`
    const cached = this.cache.get(key)
    if (cached) {
      this.cache.delete(key)
      this.cache.set(key, cached)
      return cached
    }
    const running = this.rendering.get(key)
    if (running) return running
    if (this.closed) throw new TracechainError('SHUTTING_DOWN', 'the label renderer is closed')
    if (this.rendering.size >= this.maxQueued) {
      throw new TracechainError('BUSY', `${this.rendering.size} label renders are waiting; retry later`, { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS })
    }
    const render = this.send(svg, size).finally(() => this.rendering.delete(key))
    this.rendering.set(key, render)
    const png = await render
    this.remember(key, png)
    return png
  }

  /** PNGs in the cache now */
  get cachedCount(): number {
    return this.cache.size
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = undefined
    if (worker) await worker.thread.terminate()
  }

  private remember(key: string, png: Buffer): void {
    const bytes = png.length + key.length * 2
    if (bytes > this.cacheBytes || this.cache.has(key)) return
    this.cache.set(key, png)
    this.cachedBytes += bytes
    for (const [oldKey, oldPng] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes && this.cache.size <= this.cacheEntries) break
      this.cache.delete(oldKey)
      this.cachedBytes -= oldPng.length + oldKey.length * 2
    }
  }

  private send(svg: string, size: LabelSize): Promise<Buffer> {
    const { thread, jobs } = this.started()
    const id = this.nextId++
    return new Promise<Buffer>((resolve, reject) => {
      jobs.set(id, { resolve, reject })
      thread.postMessage({ id, svg, size })
    })
  }

  /** The worker, started on first use; idle, it never keeps the process alive. */
  private started(): { thread: Worker; jobs: Map<number, Job> } {
    if (this.worker) return this.worker
    const thread = new Worker(WORKER_URL)
    const jobs = new Map<number, Job>()
    thread.unref()
    thread.on('message', ({ id, png, failure }: { id: number; png?: Uint8Array; failure?: string }) => {
      const job = jobs.get(id)
      if (!job) return
      jobs.delete(id)
      if (png) job.resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength))
      else job.reject(new TracechainError('INTERNAL', 'a label render failed', { failure }))
    })
    // A worker that dies fails what it had, and only that: its 'exit' follows its 'error', by when renders sent
    // since went to the next worker, the one the next render starts.
    const failAll = (reason: string) => {
      if (this.worker?.thread === thread) this.worker = undefined
      for (const job of jobs.values()) job.reject(new TracechainError(this.closed ? 'SHUTTING_DOWN' : 'INTERNAL', reason))
      jobs.clear()
    }
    thread.on('error', (error) => failAll(`the label renderer failed: ${error.message}`))
    thread.on('exit', (code) => failAll(`the label renderer exited with code ${code}`))
    this.worker = { thread, jobs }
    return this.worker
  }
}
