// `tracechain serve`: opens (or initialises) a data directory, seeds the examples into an empty
// ledger when asked, listens, and closes cleanly on SIGINT/SIGTERM.

import { join } from 'node:path'
import { existsSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../http/app.js'
import { DEFAULT_INTAKE_BYTES } from '../http/intake.js'
import { CaptureJobStore } from '../store/capture-jobs.js'
import { custodyKeysIn } from './custody-dir.js'
import { WITNESSED_CHECKPOINT_FILE, initialiseNode, isInitialisable, isInitialised, openNode, readKeyFile, type OpenNode } from './node-dir.js'
import { DEMO_GENESIS, readDemoKeys, seedLedger } from './demo.js'
import type { RateLimits } from '../http/rate-limits.js'
import type { TrustProxy } from '../http/trust-proxy.js'
import { TracechainError } from '../core/errors.js'
import { logKeyIdOf } from '../core/log-key-id.js'
import { standaloneVerifierHref } from '../web/standalone-page.js'
import { readVerifierAsset } from '../web/verifier-asset.js'
import { Publisher } from '../publish/publisher.js'
import { checkPublishDirectory } from './publish.js'
import { checkListenable, localBaseUrl } from './http-flags.js'
import { closeOnSignals } from './signals.js'
import { parseVerifierKey } from '../core/signed-note.js'
import { startWitnessServer } from './witness.js'
import { isWitnessDir } from './witness-dir.js'
import { checkPolicy, CheckpointCosigning, type WitnessEndpoint } from '../publish/cosigning.js'
import type { TreeSource } from '../publish/publish-tree.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { writeFileDurably } from '../store/durable-file.js'
import { mallocTrimSecondsFrom, startMallocTrim } from '../store/malloc-trim.js'
import { allocatorLine } from './allocator-line.js'
import { onlineDiscardMount } from '../store/mount-options.js'
import { appSettingsOf, ruleSettingsOf, settingsWithFlags, type SealSettings } from './node-settings.js'
import { WebhookDispatcher, type WebhookTarget, type WebhookTiming } from '../publish/webhooks.js'
import { urlWithoutCredentials } from '../core/url-credentials.js'
import { DOMAINS, domainAlertSources, startWarmUp } from '../domains.js'
import type { AlertSource } from '../ledger/alerts.js'
import { makePublicDirectorySync } from '../store/make-directory.js'

export interface ServeOptions {
  dir: string
  host: string
  port: number
  origin?: string
  baseUrl?: string
  seed?: boolean
  /** the costly routes' limits (http/rate-limits.ts); unset ones keep their defaults */
  rateLimits?: RateLimits
  /** whose X-Forwarded-For names the client (http/trust-proxy.ts) */
  trustProxy?: TrustProxy
  /** the standalone verifier on another origin, which the consumer page links to */
  independentVerifier?: string
  /** a directory to keep up to date with the log as static C2SP tlog-tiles after every commit */
  publish?: string
  /** witnesses to submit checkpoints to (C2SP tlog-witness), and how many must cosign one before it is served */
  witnesses?: WitnessEndpoint[]
  witnessMin?: number
  /** this node also witnesses other logs: a witness directory (`tracechain witness init`), the logs, its port */
  witnessFor?: { dir: string; logs: string[]; port: number }
  /** LATE_RECORD's window in hours (default 24; 0 turns the alert off); kept in D/settings.json */
  lateRecordHours?: number
  /** --webhook values: KIND=URL (KIND an alert kind or *), or `off`; they replace the saved webhooks */
  webhooks?: string[]
  /** the seal domain's split-contract threshold and window, zone and off hours; kept in D/settings.json */
  seal?: SealSettings
  /** bytes of bodies each write route (statements, capture) holds at once (http/intake.ts) */
  intakeBytes?: number
  /** the webhooks' retry timing (tests shorten it) */
  webhookTiming?: Partial<WebhookTiming>
}

export async function serve(options: ServeOptions): Promise<void> {
  // Checked before anything opens: a typo here would put a dead link on every consumer page.
  if (options.independentVerifier !== undefined) {
    try {
      standaloneVerifierHref(options.independentVerifier, {})
    } catch (error) {
      throw new TracechainError('BAD_REQUEST', `--independent-verifier: ${(error as Error).message}`)
    }
  }
  if (options.witnessMin !== undefined && !options.witnesses?.length) throw new TracechainError('BAD_REQUEST', '--witness-min without --witness')
  if (options.witnesses?.length) checkPolicy({ witnesses: options.witnesses, min: options.witnessMin ?? options.witnesses.length })
  if (options.witnessFor && !isWitnessDir(options.witnessFor.dir)) {
    throw new TracechainError('NOT_INITIALISED', `--witness-dir ${options.witnessFor.dir} holds no witness; run tracechain witness init --dir ${options.witnessFor.dir} --name NAME`)
  }
  for (const vkey of options.witnessFor?.logs ?? []) {
    try {
      parseVerifierKey(vkey)
    } catch (error) {
      throw new TracechainError('VERIFIER_KEY_INVALID', `--witness-log ${JSON.stringify(vkey.slice(0, 200))}: ${(error as Error).message}`)
    }
  }
  await checkListenable(options.host, options.port)
  if (options.witnessFor) await checkListenable(options.host, options.witnessFor.port, '--witness-port')
  // The directory to publish into is made now: one that cannot be (a file in its path, no permission) is said before a node is.
  if (options.publish !== undefined) {
    // DIR is public: one holding the node's keys, or its witness's, would publish them.
    const own = [{ what: "the node's data directory", path: options.dir }, ...(options.witnessFor ? [{ what: 'the witness directory', path: options.witnessFor.dir }] : [])]
    checkPublishDirectory('--publish', options.publish, own)
    makePublicDirectorySync(options.publish)
  }
  const { settings, save } = settingsWithFlags(options.dir, {
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.lateRecordHours !== undefined ? { lateRecordHours: options.lateRecordHours } : {}),
    ...(options.seal ? { seal: options.seal } : {}),
  })
  const { domainConfigs, ...ledgerOptions } = ruleSettingsOf(settings)
  const mallocTrim = await startMallocTrim(mallocTrimSecondsFrom(process.env))
  // Empty, or an init killed before it finished (node-dir.ts): made afresh.
  const initialisable = !isInitialised(options.dir) && (await isInitialisable(options.dir))
  // Everything serve opens, closed in this order at a signal, or at once when starting fails half-way (a port
  // taken, a witness directory that is not one): a half-started node must not keep the process alive.
  let node: OpenNode | undefined
  let webhooks: WebhookDispatcher | undefined
  let cosigning: CheckpointCosigning | undefined
  let publisher: Publisher | undefined
  let app: FastifyInstance | undefined
  let ownWitness: Awaited<ReturnType<typeof startWitnessServer>> | undefined
  let warmUp: ReturnType<typeof startWarmUp> | undefined
  const close = async () => {
    await app?.close()
    await warmUp?.stop()
    await ownWitness?.close()
    // Cosigning first: a round that ends after the publisher closed would have it write again.
    await cosigning?.close()
    await publisher?.close()
    await webhooks?.close()
    await node?.close()
    if (mallocTrim.state === 'trimming') mallocTrim.stop()
  }
  try {
    await start()
  } catch (error) {
    await close().catch(() => undefined)
    throw error
  }
  closeOnSignals(close)

  async function start(): Promise<void> {
    const fresh = initialisable
    if (fresh) {
      // A demo node's log starts before the story it is seeded with, which is then recorded as of its own times.
      node = await initialiseNode(options.dir, { origin: options.origin, ...ledgerOptions, ...(options.seed ? { genesisAt: DEMO_GENESIS } : {}) })
      process.stdout.write(`initialised a new node in ${options.dir}\n`)
    } else {
      node = await openNode(options.dir, ledgerOptions)
    }
    const saved = save(fresh ? 0 : node.ledger.size)
    if (options.seed && node.ledger.size === 1) {
      const operator = readKeyFile(join(options.dir, 'keys', 'operator.json'))
      const seeded = await seedLedger(node.ledger, operator)
      process.stdout.write(`seeded ${seeded} example statements\n`)
    }
    webhooks = settings.webhooks?.length ? await startWebhooks(node, settings.webhooks, domainAlertSources(DOMAINS, domainConfigs), options.webhookTiming) : undefined
    cosigning = options.witnesses?.length ? await startCosigning(node, options.dir, options.witnesses, options.witnessMin ?? options.witnesses.length) : undefined
    publisher = options.publish ? await startPublishing(node, options.publish, cosigning) : undefined
    const baseUrl = options.baseUrl ?? localBaseUrl(options.host, options.port)
    const intakeBytes = options.intakeBytes ?? DEFAULT_INTAKE_BYTES
    app = await buildApp({
      ledger: node.ledger,
      config: {
        baseUrl,
        logger: { level: process.env.LOG_LEVEL ?? 'warn' },
        demoKeys: readDemoKeys(),
        ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
        ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
        ...(options.independentVerifier !== undefined ? { independentVerifier: options.independentVerifier } : {}),
        statementIntakeBytes: intakeBytes,
      },
      ...(publisher ? { publishing: publisher } : {}),
      ...(cosigning ? { witnessing: cosigning } : {}),
      ...(webhooks ? { webhooks } : {}),
      ...appSettingsOf(saved),
      capture: { custody: custodyKeysIn(options.dir), jobs: new CaptureJobStore(node.store), intakeBytes },
    })
    const address = await app.listen({ host: options.host, port: options.port })
    // A node can witness other logs (a regulator's node witnessing the villages' and producers'): its own server.
    ownWitness = options.witnessFor ? await startWitnessServer({ ...options.witnessFor, host: options.host }) : undefined
    let verifier: string
    try {
      const asset = readVerifierAsset()
      verifier = `${address}/web/${asset.fileName}  ${asset.integrity}`
    } catch {
      verifier = 'not built: run npm run build'
    }
    process.stdout.write(
      [
        `tracechain listening on ${address}`,
        `  origin      ${node.config.origin}  (size ${node.ledger.size})`,
        `  explorer    ${address}/`,
        `  console     ${address}/console`,
        `  API docs    ${address}/docs`,
        `  checkpoint  ${address}/v1/checkpoint`,
        `  tiles       ${address}/tlog/checkpoint${publisher ? `  (published to ${publisher.dir})` : ''}`,
        `  log key     ${node.ledger.verifierKey}  (labels: #log=${logKeyIdOf(node.ledger.verifierKey)})`,
        `  verifier    ${verifier}`,
        `  standalone  ${options.independentVerifier ?? `${address}/verify`}`,
        ...(webhooks ? settings.webhooks?.map((hook) => `  webhook     ${hook.kind}  ${urlWithoutCredentials(hook.url)}`) ?? [] : []),
        ...(ownWitness ? [`  witness     ${ownWitness.address}  ${ownWitness.flag}  (for ${options.witnessFor?.logs.length} logs)`] : []),
        `  intake      ${intakeBytes / 1024 / 1024} MiB of request bodies at once, each write route (statements, capture)`,
        `  data        ${options.dir}`,
        ...discardWarning(options.dir),
        ...allocatorLine(mallocTrim),
        '',
      ].join('\n'),
    )
    // The banner first: a small ledger's warm-up is over at once.
    warmUp = startWarmUp(node.ledger.records)
    void warmUp.done.then((said) => process.stdout.write(`warmed up    ${said.join('; ')}\n`))
  }
}

/** A warning line when the data directory's filesystem discards freed blocks online (store/mount-options.ts says why). */
function discardWarning(dir: string): string[] {
  const mount = onlineDiscardMount(dir)
  if (mount === undefined) return []
  return [`  warning     ${mount.mountPoint} (${mount.fsType}) is mounted with online discard: its trims stall the node's writes, and reads behind them; trim with fstrim instead (docs/storage.md)`]
}

/** Publishes the log into `dir` now (in the background) and after every commit, or every witnessed checkpoint. */
async function startPublishing(node: OpenNode, dir: string, cosigning: CheckpointCosigning | undefined): Promise<Publisher> {
  // With witnesses the tree published is the one their policy accepts, its checkpoint with their cosignatures.
  const ledger = node.ledger
  const source: TreeSource = cosigning
    ? {
        get checkpoint() {
          return cosigning.checkpoint ?? ledger.checkpoint
        },
        get size() {
          return ledger.size
        },
        tile: (level, index, width) => ledger.tile(level, index, width),
        entryBundle: (index, width) => ledger.entryBundle(index, width),
        rootAt: (size) => ledger.rootAt(size),
      }
    : ledger
  const publisher = await Publisher.open(source, dir, {
    onError: (error) => process.stderr.write(`publishing to ${dir} failed (retrying): ${(error as Error).message}\n`),
  })
  if (cosigning) cosigning.onWitnessed(() => publisher.notify())
  else {
    ledger.addObserver({
      onCommit(accepted) {
        if (accepted > 0) publisher.notify()
      },
    })
  }
  publisher.notify()
  return publisher
}

/** Submits the node's checkpoints to its witnesses after commits, and keeps the latest the policy accepts. */
async function startCosigning(node: OpenNode, dir: string, witnesses: WitnessEndpoint[], min: number): Promise<CheckpointCosigning> {
  const file = join(dir, WITNESSED_CHECKPOINT_FILE)
  const cosigning = await CheckpointCosigning.open(node.ledger, { witnesses, min }, {
    ed: nodeEd25519,
    ...(existsSync(file) ? { witnessed: readFileSync(file, 'utf8') } : {}),
  })
  cosigning.onWitnessed((note) => writeFileDurably(file, note))
  node.ledger.addObserver({
    onCommit(accepted) {
      if (accepted > 0) cosigning.notify()
    },
  })
  cosigning.notify()
  return cosigning
}

/** Delivers the node's alerts to its webhooks, from where each left off. */
async function startWebhooks(node: OpenNode, targets: WebhookTarget[], sources: AlertSource[], timing: Partial<WebhookTiming> | undefined): Promise<WebhookDispatcher> {
  const dispatcher = new WebhookDispatcher({
    ledger: node.ledger,
    store: node.store,
    nodeSigner: node.nodeSigner,
    origin: node.config.origin,
    targets,
    sources,
    ...(timing ? { timing } : {}),
    onFailure: (_target, error) => process.stderr.write(`${error}\n`),
  })
  await dispatcher.start()
  return dispatcher
}
