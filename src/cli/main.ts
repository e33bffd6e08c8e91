#!/usr/bin/env node
// The `tracechain` command: init, serve, mirror, witness, publish, keygen, sign, submit, epcis import and hash, verify, bundle, export, label, verify-page, demo. The only layer that reads
// the environment, key files, or listens.

import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildStatementEnvelope } from '../core/dsse.js'
import { TracechainError, isTracechainError } from '../core/errors.js'
import { formatKeyFile } from '../core/keys.js'
import type { Statement } from '../core/statement.js'
import { useServerBackends } from '../core/server-backends.js'
import { baseUrlSetting, httpUrlFlag, optionalHttpUrlFlag, parse, parsePort, requireString, timeoutFlag } from './args.js'
import { parseJsonText } from '../core/json-depth.js'
import { HTTP_FLAGS, httpSettings, RULE_SETTING_FLAGS, ruleSettingFlagsOf } from './http-flags.js'
import { generateSigner, readKeyFile, writeKeyFile } from './key-files.js'
import { USAGE } from './usage.js'
import { printableLines } from './printable.js'
import { EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK, EXIT_VERIFY_FAILED } from './exit-codes.js'
export { EXIT_ERROR, EXIT_INCOMPLETE, EXIT_OK, EXIT_VERIFY_FAILED } from './exit-codes.js'

type Command = (argv: string[]) => Promise<number>

const commands: Record<string, Command> = {
  async init(argv) {
    const { values } = parse(argv, { dir: { type: 'string' }, origin: { type: 'string' } })
    const dir = resolve(requireString(values, 'dir'))
    const { initialiseNode } = await import('./node-dir.js')
    const node = await initialiseNode(dir, { origin: values.origin as string | undefined })
    process.stdout.write(`initialised ${dir}\n  origin ${node.config.origin}\n  log key ${node.ledger.verifierKey}\n  keys ${dir}/keys (mode 0600)\n`)
    await node.close()
    return EXIT_OK
  },

  async serve(argv) {
    const { values } = parse(argv, {
      ...HTTP_FLAGS,
      dir: { type: 'string' },
      origin: { type: 'string' },
      seed: { type: 'boolean' },
      'independent-verifier': { type: 'string' },
      publish: { type: 'string' },
      witness: { type: 'string', multiple: true },
      'witness-min': { type: 'string' },
      'witness-dir': { type: 'string' },
      'witness-log': { type: 'string', multiple: true },
      'witness-port': { type: 'string' },
      webhook: { type: 'string', multiple: true },
      'intake-mib': { type: 'string' },
      ...RULE_SETTING_FLAGS,
    })
    const { serve } = await import('./serve.js')
    const { parseIntakeMib } = await import('../http/intake.js')
    const intakeMib = (values['intake-mib'] as string | undefined) ?? process.env.TRACECHAIN_INTAKE_MIB
    const { parseWitnessFlag } = await import('../publish/cosigning.js')
    const witnesses = ((values.witness as unknown as string[] | undefined) ?? []).map(parseWitnessFlag)
    await serve({
      ...(await httpSettings(values)),
      dir: resolve((values.dir as string | undefined) ?? process.env.TRACECHAIN_DIR ?? './data'),
      origin: (values.origin as string | undefined) ?? process.env.TRACECHAIN_ORIGIN,
      seed: values.seed === true,
      independentVerifier: (values['independent-verifier'] as string | undefined) ?? process.env.TRACECHAIN_INDEPENDENT_VERIFIER,
      publish: optionalPath((values.publish as string | undefined) ?? process.env.TRACECHAIN_PUBLISH),
      witnesses,
      ...(values['witness-min'] !== undefined ? { witnessMin: wholeNumberFlag(values, 'witness-min') } : {}),
      ...(values.webhook !== undefined ? { webhooks: values.webhook as unknown as string[] } : {}),
      ...(intakeMib !== undefined ? { intakeBytes: parseIntakeMib(intakeMib, values['intake-mib'] !== undefined ? '--intake-mib' : 'TRACECHAIN_INTAKE_MIB') } : {}),
      ...(await ruleSettingFlagsOf(values)),
      ...witnessForOf(values),
    })
    return EXIT_OK
  },

  async mirror(argv) {
    const { values } = parse(argv, { ...HTTP_FLAGS, ...RULE_SETTING_FLAGS, from: { type: 'string' }, key: { type: 'string' }, dir: { type: 'string' }, primary: { type: 'string' }, 'witness-key': { type: 'string', multiple: true }, 'witness-min': { type: 'string' } })
    const { runMirror } = await import('./mirror.js')
    await runMirror({
      ...(await httpSettings(values)),
      from: httpUrlFlag(values, 'from'),
      verifierKey: requireString(values, 'key'),
      dir: resolve(requireString(values, 'dir')),
      primary: optionalHttpUrlFlag(values, 'primary'),
      ...(values['witness-key'] !== undefined ? { witnessKeys: values['witness-key'] as unknown as string[] } : {}),
      ...(values['witness-min'] !== undefined ? { witnessMin: wholeNumberFlag(values, 'witness-min') } : {}),
      ...(await ruleSettingFlagsOf(values)),
    })
    return EXIT_OK
  },

  async witness(argv) {
    const { runWitnessCommand } = await import('./witness.js')
    await runWitnessCommand(argv)
    return EXIT_OK
  },

  async publish(argv) {
    const { values } = parse(argv, { dir: { type: 'string' }, out: { type: 'string' } })
    const out = resolve(requireString(values, 'out'))
    const { publishNodeDirectory } = await import('./publish.js')
    const { publication, size } = await publishNodeDirectory(resolve(requireString(values, 'dir')), out)
    if (publication === undefined) process.stdout.write(`${out} is up to date: size ${size}\n`)
    else {
      process.stdout.write(`published size ${size} to ${out}: ${publication.files} tiles and bundles (${publication.bytes} bytes) and the checkpoint in ${Math.round(publication.milliseconds)} ms\n`)
    }
    return EXIT_OK
  },

  async actor(argv) {
    const { actorCommand } = await import('./actor.js')
    return actorCommand(argv, (text) => process.stdout.write(text))
  },

  async keygen(argv) {
    const { values } = parse(argv, { out: { type: 'string' }, force: { type: 'boolean' } })
    const out = requireString(values, 'out')
    if (existsSync(out) && values.force !== true) throw new TracechainError('BAD_REQUEST', `${out} exists; pass --force to overwrite`)
    const signer = generateSigner()
    writeKeyFile(out, signer)
    const { keyid, publicKey } = formatKeyFile(signer)
    process.stdout.write(`${JSON.stringify({ keyid, publicKey })}\n`)
    return EXIT_OK
  },

  async sign(argv) {
    const { values } = parse(argv, {
      key: { type: 'string' },
      cosign: { type: 'string', multiple: true },
      statement: { type: 'string' },
      type: { type: 'string' },
      actor: { type: 'string' },
      id: { type: 'string' },
      body: { type: 'string' },
      'issued-at': { type: 'string' },
    })
    const signers = [readKeyFile(requireString(values, 'key')), ...((values.cosign as unknown as string[] | undefined) ?? []).map(readKeyFile)]
    let statement: Statement
    if (typeof values.statement === 'string') {
      statement = parseJsonText(readInput(values.statement), `--statement ${values.statement}`) as Statement
    } else {
      statement = {
        type: requireString(values, 'type'),
        actor: requireString(values, 'actor'),
        id: requireString(values, 'id'),
        issuedAt: (values['issued-at'] as string | undefined) ?? new Date().toISOString(),
        body: parseJsonText(readInput(requireString(values, 'body')), `--body ${String(values.body)}`) as Record<string, unknown>,
      }
    }
    process.stdout.write(`${JSON.stringify(buildStatementEnvelope(statement, signers))}\n`)
    return EXIT_OK
  },

  async submit(argv) {
    const { values, positionals } = parse(argv, { url: { type: 'string' }, timeout: { type: 'string' } }, { allowPositionals: true })
    const { submitFiles } = await import('./submit.js')
    const refused = await submitFiles(httpUrlFlag(values, 'url'), positionals, (line) => process.stdout.write(`${line}\n`), timeoutFlag(values))
    return refused === 0 ? EXIT_OK : EXIT_VERIFY_FAILED
  },

  async epcis(argv) {
    const { values, positionals } = parse(argv, {
      key: { type: 'string' },
      actor: { type: 'string' },
      url: { type: 'string' },
      'issued-at': { type: 'string' },
      prehash: { type: 'boolean' },
      timeout: { type: 'string' },
    }, { allowPositionals: true })
    const [sub, file, ...extra] = positionals
    const usage = 'usage: tracechain epcis import DOC --key K --actor A --url U, or tracechain epcis hash DOC [--prehash]'
    if ((sub !== 'import' && sub !== 'hash') || !file || extra.length > 0) throw new TracechainError('BAD_REQUEST', usage)
    const { hashEpcisDocument, importEpcisDocument, readDocument } = await import('./epcis.js')
    const isXmlFile = /\.xml$/i.test(file)
    if (sub === 'hash') {
      for (const line of hashEpcisDocument(readDocument(file), values.prehash === true, isXmlFile)) process.stdout.write(`${line}\n`)
      return EXIT_OK
    }
    const summary = await importEpcisDocument({
      text: readDocument(file),
      signer: readKeyFile(requireString(values, 'key')),
      actor: requireString(values, 'actor'),
      url: httpUrlFlag(values, 'url'),
      issuedAt: (values['issued-at'] as string | undefined) ?? new Date().toISOString(),
      xml: isXmlFile,
      write: (line) => process.stdout.write(`${line}\n`),
      timeoutMs: timeoutFlag(values),
    })
    return summary.refused === 0 ? EXIT_OK : EXIT_VERIFY_FAILED
  },

  async bundle(argv) {
    const { values } = parse(argv, { url: { type: 'string' }, id: { type: 'string' }, seq: { type: 'string' }, application: { type: 'string' }, out: { type: 'string' }, timeout: { type: 'string' } })
    const { downloadBundle } = await import('./bundle.js')
    const summary = await downloadBundle({
      url: httpUrlFlag(values, 'url'),
      timeoutMs: timeoutFlag(values),
      out: requireString(values, 'out'),
      ...(typeof values.id === 'string' ? { id: values.id } : {}),
      ...(typeof values.seq === 'string' ? { seq: values.seq } : {}),
      ...(typeof values.application === 'string' ? { application: values.application } : {}),
    })
    process.stdout.write(`${summary}\n`)
    return EXIT_OK
  },

  async export(argv) {
    const { values, positionals } = parse(argv, {
      url: { type: 'string' },
      lot: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      timeout: { type: 'string' },
    }, { allowPositionals: true })
    if (positionals.length !== 1 || positionals[0] !== 'fsma204') throw new TracechainError('BAD_REQUEST', 'usage: tracechain export fsma204 --url U [--lot L] [--from D] [--to D] [--out FILE]')
    const { exportFsma204 } = await import('./export.js')
    const out = values.out as string | undefined
    const { rows, bytes, truncated } = await exportFsma204({
      url: httpUrlFlag(values, 'url'),
      lot: values.lot as string | undefined,
      from: values.from as string | undefined,
      to: values.to as string | undefined,
      out,
      idleMs: timeoutFlag(values),
    })
    process.stderr.write(`fsma204: ${rows} rows, ${bytes} bytes${out ? ` written to ${out}` : ''}\n`)
    if (truncated) {
      // Not a complete answer to a records request: the file is written, and the exit status says so.
      process.stderr.write('fsma204: INCOMPLETE: the lot\'s trace reached the node\'s bounds, so lots linked to it may be missing; export the lots it names one by one\n')
      return EXIT_INCOMPLETE
    }
    return EXIT_OK
  },

  async verify(argv) {
    const { verifyCommand } = await import('./verify-command.js')
    return verifyCommand(argv)
  },

  async trace(argv) {
    const { values } = parse(argv, {
      id: { type: 'string' },
      url: { type: 'string' },
      dir: { type: 'string' },
      direction: { type: 'string' },
      depth: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    })
    const { traceLines, traceOf } = await import('./trace.js')
    const graph = await traceOf({
      id: requireString(values, 'id'),
      url: optionalHttpUrlFlag(values, 'url'),
      dir: values.dir as string | undefined,
      direction: values.direction as string | undefined,
      depth: values.depth as string | undefined,
      timeoutMs: timeoutFlag(values),
    })
    process.stdout.write(values.json === true ? `${JSON.stringify(graph, null, 2)}\n` : `${traceLines(graph).join('\n')}\n`)
    return EXIT_OK
  },

  async label(argv) {
    const { values } = parse(argv, {
      id: { type: 'string' },
      url: { type: 'string' },
      'base-url': { type: 'string' },
      dir: { type: 'string' },
      'log-key': { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      size: { type: 'string' },
      timeout: { type: 'string' },
    })
    const { writeLabel } = await import('./label.js')
    const summary = await writeLabel(
      {
        id: requireString(values, 'id'),
        url: optionalHttpUrlFlag(values, 'url'),
        // With --url the running node's base goes into the code: the environment's is not asked for.
        baseUrl: values['base-url'] !== undefined || !values.url ? baseUrlSetting(values) : undefined,
        dir: values.dir as string | undefined,
        logKey: values['log-key'] as string | undefined,
        out: values.out as string | undefined,
        format: values.format as string | undefined,
        size: values.size as string | undefined,
        timeoutMs: timeoutFlag(values),
      },
      process.stdout,
    )
    process.stderr.write(`${summary}\n`)
    return EXIT_OK
  },

  async 'verify-page'(argv) {
    const { values } = parse(argv, { out: { type: 'string' }, url: { type: 'string' }, 'log-id': { type: 'string' } })
    const { writeVerifyPage } = await import('./verify-page.js')
    const written = writeVerifyPage({ out: requireString(values, 'out'), url: values.url as string | undefined, logId: values['log-id'] as string | undefined })
    process.stdout.write(`${written.files.map((file) => `wrote ${file}`).join('\n')}\n  integrity ${written.integrity}\n  sha256    ${written.sha256}\n`)
    return EXIT_OK
  },

  async demo(argv) {
    const { values } = parse(argv, { url: { type: 'string' }, dir: { type: 'string' }, 'operator-key': { type: 'string' }, timeout: { type: 'string' } })
    const { seedOverHttp } = await import('./demo.js')
    const keyFile =
      (values['operator-key'] as string | undefined) ??
      (typeof values.dir === 'string' ? resolve(values.dir, 'keys', 'operator.json') : undefined)
    if (!keyFile) throw new TracechainError('BAD_REQUEST', 'demo needs --dir D (the node directory) or --operator-key FILE')
    const report = await seedOverHttp(httpUrlFlag(values, 'url'), keyFile, timeoutFlag(values))
    process.stdout.write(`${report}\n`)
    return EXIT_OK
  },
}

/** serve's --witness-dir, --witness-log and --witness-port: this node also witnesses other logs. Throws BAD_REQUEST. */
function witnessForOf(values: Record<string, unknown>): { witnessFor?: { dir: string; logs: string[]; port: number } } {
  const logs = (values['witness-log'] as string[] | undefined) ?? []
  if (values['witness-dir'] === undefined && logs.length === 0) return {}
  if (typeof values['witness-dir'] !== 'string' || logs.length === 0) throw new TracechainError('BAD_REQUEST', '--witness-dir and --witness-log go together')
  return { witnessFor: { dir: resolve(values['witness-dir']), logs, port: parsePort((values['witness-port'] as string | undefined) ?? '0') } }
}

/** A flag that must be a whole number, as its text says it: "1.5", "abc" or "1e3" is refused by name. Throws BAD_REQUEST. */
function wholeNumberFlag(values: Record<string, unknown>, name: string): number {
  const text = String(values[name])
  if (!/^\d{1,9}$/.test(text)) throw new TracechainError('BAD_REQUEST', `--${name} "${text}" is not a whole number`)
  return Number(text)
}

function optionalPath(path: string | undefined): string | undefined {
  return path === undefined || path === '' ? undefined : resolve(path)
}

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch (error) {
    throw new TracechainError('NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`)
  }
}

async function main(argv: string[]): Promise<number> {
  // The same functions as the portable core's, faster on the server.
  useServerBackends()
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return name ? EXIT_OK : EXIT_ERROR
  }
  const command = commands[name]
  if (!command) {
    process.stderr.write(`unknown command ${name}\n\n${USAGE}\n`)
    return EXIT_ERROR
  }
  try {
    return await command(rest)
  } catch (error) {
    if (isTracechainError(error)) {
      // A refusal quotes the node in its own words, which are not this program's to send to a terminal.
      process.stderr.write(`tracechain ${name}: ${error.code}: ${printableLines(error.message)}\n`)
    } else if (isFetchFailure(error)) {
      // The node or copy could not be reached: what is wrong is the address or the network, not this code.
      process.stderr.write(`tracechain ${name}: ${error.message}: ${(error.cause as Error).message}\n`)
    } else if (isSystemError(error)) {
      // A path the user named that cannot be read or written (missing, a file where a directory goes, no
      // permission, no space): its errno code and path say it all, as a shell's tools say it.
      process.stderr.write(`tracechain ${name}: ${error.message}\n`)
    } else {
      process.stderr.write(`tracechain ${name}: ${(error as Error).stack ?? String(error)}\n`)
    }
    return EXIT_ERROR
  }
}

/** An error of the filesystem or another system call: Node's, with an errno code (ENOENT, ENOTDIR, EACCES, ENOSPC...) and the call. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { code, syscall } = error as NodeJS.ErrnoException
  return error instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string'
}

/** fetch's own failure to reach a server (undici: a TypeError "fetch failed" whose cause says why). */
function isFetchFailure(error: unknown): error is TypeError & { cause: Error } {
  return error instanceof TypeError && error.message === 'fetch failed' && error.cause instanceof Error
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== EXIT_OK || !['serve', 'mirror', 'witness'].includes(process.argv[2])) process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exitCode = EXIT_ERROR
  },
)
