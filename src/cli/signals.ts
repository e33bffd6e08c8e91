// How the long-running commands (serve, mirror, witness) stop: on SIGINT or SIGTERM, once, closing what they
// opened in order, then exiting 0.

export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    process.stdout.write(`${signal}: closing\n`)
    await close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}
