// `tracechain witness init --dir D --name NAME` and `tracechain witness --dir D --log VKEY … [--port P]
// [--host H]`: a C2SP tlog-witness (witness/) on its own small server.

import { resolve } from 'node:path'
import { toBase64 } from '../core/bytes.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { isTracechainError, TracechainError } from '../core/errors.js'
import { formatWitnessVerifierKey } from '../core/cosignature.js'
import { buildWitnessApp } from '../witness/server.js'
import { Witness } from '../witness/witness.js'
import { parse, parsePort, requireString } from './args.js'
import { localBaseUrl } from './http-flags.js'
import { closeOnSignals } from './signals.js'
import { initialiseWitnessDir, openWitnessDir } from './witness-dir.js'

export const DEFAULT_WITNESS_PORT = 3030
const USAGE = 'usage: tracechain witness init --dir D --name NAME | tracechain witness --dir D --log VKEY... [--port P] [--host H]'

/** Runs either subcommand; resolves once init is done, or once the witness listens (it then serves until a signal). */
export async function runWitnessCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    dir: { type: 'string' },
    name: { type: 'string' },
    log: { type: 'string', multiple: true },
    port: { type: 'string' },
    host: { type: 'string' },
  }, { allowPositionals: true })
  const dir = resolve(requireString(values, 'dir'))
  if (positionals.length === 1 && positionals[0] === 'init') {
    const { cosigner } = initialiseWitnessDir(dir, requireString(values, 'name'))
    process.stdout.write(
      [
        `initialised witness ${dir}`,
        `  witness key ${formatWitnessVerifierKey(cosigner.name, cosigner.publicKey)}`,
        `  public key  ${toBase64(cosigner.publicKey)}`,
        `  key file    ${dir}/keys/witness.json (mode 0600)`,
        '',
      ].join('\n'),
    )
    return
  }
  if (positionals.length > 0) throw new TracechainError('BAD_REQUEST', USAGE)
  const logs = (values.log as unknown as string[] | undefined) ?? []
  if (logs.length === 0) throw new TracechainError('BAD_REQUEST', `name the logs to witness with --log VKEY (their note verifier keys); ${USAGE}`)
  await serveWitness({
    dir,
    logs,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: parsePort((values.port as string | undefined) ?? String(DEFAULT_WITNESS_PORT)),
  })
}

/** A witness of `logs` from its directory, listening; `close` stops it and releases the directory. */
export async function startWitnessServer(options: { dir: string; logs: string[]; host: string; port: number }) {
  const opened = openWitnessDir(options.dir)
  let app: ReturnType<typeof buildWitnessApp>
  let witness: Witness
  try {
    witness = new Witness({ cosigner: opened.cosigner, logs: options.logs, state: opened.state, ed: nodeEd25519 })
    app = buildWitnessApp({ witness, logger: { level: process.env.LOG_LEVEL ?? 'warn' } })
    await app.listen({ host: options.host, port: options.port })
  } catch (error) {
    opened.release()
    throw error
  }
  const address = localBaseUrl(options.host, (app.server.address() as { port: number }).port)
  const flag = `--witness '${address}|${opened.config.name}|${toBase64(opened.cosigner.publicKey)}'`
  const close = async () => {
    await app.close()
    opened.release()
  }
  return { app, witness, address, flag, name: opened.config.name, close }
}

/**
 * A log's latest cosigned size for the start-up lines; or, for a record that cannot be read, that it cannot: the
 * witness runs all the same, refusing that log's requests (500 STORE_CORRUPT) until an operator restores it.
 */
function latestSaid(witness: Witness, origin: string): string {
  try {
    return `latest cosigned size ${witness.latestSize(origin)}`
  } catch (error) {
    if (!isTracechainError(error)) throw error
    return `${error.code}: ${error.message}; its requests are refused until the record is restored`
  }
}

async function serveWitness(options: { dir: string; logs: string[]; host: string; port: number }): Promise<void> {
  const { witness, address, flag, close } = await startWitnessServer(options)
  process.stdout.write(
    [
      `tracechain witness listening on ${address}`,
      `  witness key ${witness.verifierKey}`,
      `  for serve   ${flag}`,
      `  submit      POST ${address}/add-checkpoint`,
      ...witness.origins.map((origin) => `  witnesses   ${origin} (${latestSaid(witness, origin)})`),
      `  data        ${options.dir}`,
      '',
    ].join('\n'),
  )
  closeOnSignals(close)
}
