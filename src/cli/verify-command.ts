// `tracechain verify`: audits a node (--url) or a data directory (--dir), and with --witness checks that the
// checkpoint it audited against is cosigned by enough of the witnesses the verifier trusts; with --bundle FILE
// --key VKEY, verifies an offline proof bundle with the log key alone (bundle.ts); with --evidence DIR --key VKEY,
// whether a mirror's evidence directory proves a fork (fork-evidence.ts).

import { resolve } from 'node:path'
import { parseWitnessVerifierKey, verifyCosignatures, type WitnessKey } from '../core/cosignature.js'
import { nodeEd25519 } from '../core/ed25519-node.js'
import { TracechainError } from '../core/errors.js'
import { httpUrlFlag, parse, requireString, timeoutFlag } from './args.js'
import { EXIT_OK, EXIT_VERIFY_FAILED } from './exit-codes.js'
import type { VerifyOutcome } from './verify.js'

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    url: { type: 'string' },
    dir: { type: 'string' },
    checkpoint: { type: 'string' },
    'log-key': { type: 'string' },
    witness: { type: 'string', multiple: true },
    min: { type: 'string' },
    quiet: { type: 'boolean' },
    bundle: { type: 'string' },
    evidence: { type: 'string' },
    key: { type: 'string' },
    'late-record-hours': { type: 'string' },
    timeout: { type: 'string' },
  })
  // A flag the mode does not use is refused, never dropped: `--url U --key VKEY` (the mirror's and the bundle's
  // spelling) would otherwise audit U against the key U serves and say ok, whatever VKEY was.
  const given = (names: string[]) => names.filter((name) => values[name] !== undefined).map((name) => `--${name}`)
  const misplaced =
    typeof values.evidence === 'string'
      ? given(['url', 'dir', 'log-key', 'checkpoint', 'bundle', 'witness', 'min', 'late-record-hours'])
      : typeof values.bundle === 'string'
        ? given(['url', 'dir', 'log-key', 'checkpoint'])
        : [...given(['key', 'late-record-hours']), ...(values.url !== undefined && values.dir !== undefined ? ['--url with --dir'] : [])]
  if (misplaced.length > 0) {
    const usage =
      'tracechain verify (--url U [--log-key VKEY] | --dir D [--log-key VKEY]) [--checkpoint FILE] [--witness W… --min N], or verify --bundle FILE --key VKEY [--witness W… --min N] [--late-record-hours H], or verify --evidence DIR --key VKEY'
    throw new TracechainError('BAD_REQUEST', `${misplaced.join(', ')} cannot go here: ${usage}`)
  }
  if (typeof values.evidence === 'string') {
    const { verifyForkEvidenceDir } = await import('./fork-evidence.js')
    const { proven, lines } = await verifyForkEvidenceDir(resolve(values.evidence), requireString(values, 'key'))
    process.stdout.write(`${lines.join('\n')}\n`)
    return proven ? EXIT_OK : EXIT_VERIFY_FAILED
  }
  const witnesses = ((values.witness as unknown as string[] | undefined) ?? []).map((vkey) => parseWitnessVerifierKey(vkey))
  const min = values.min === undefined ? witnesses.length : Number(values.min)
  if (values.min !== undefined && (!Number.isSafeInteger(min) || min < 1 || min > witnesses.length)) {
    throw new TracechainError('BAD_REQUEST', `--min must be 1..${witnesses.length} (the witnesses given), got ${String(values.min)}`)
  }
  if (typeof values.bundle === 'string') {
    const { verifyBundleFile } = await import('./bundle.js')
    const hours = values['late-record-hours'] === undefined ? undefined : Number(values['late-record-hours'])
    if (hours !== undefined && !(hours >= 0)) throw new TracechainError('BAD_REQUEST', `--late-record-hours must be a number of hours, 0 to turn the check off, got ${String(values['late-record-hours'])}`)
    const policy = witnesses.length > 0 ? { keys: witnesses, min } : undefined
    const { ok, lines, checkpoint } = await verifyBundleFile(values.bundle, requireString(values, 'key'), policy, hours === undefined ? undefined : hours * 3_600_000)
    let held = ok
    if (ok && witnesses.length > 0) {
      // The bundle's checkpoint carries the witnesses' lines as the node served it: held against the verifier's own policy.
      const policy = witnessPolicyMet(checkpoint, witnesses, min)
      if (typeof policy === 'string') lines.push(`  witnesses   ${policy}`)
      else {
        lines[0] = lines[0].replace(/^VERIFIED/, 'FAILED')
        lines.push(`  what failed:`, `    WITNESS_POLICY_UNMET: ${policy.reason}`)
        held = false
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`)
    return held ? EXIT_OK : EXIT_VERIFY_FAILED
  }
  const progress = values.quiet === true || !process.stderr.isTTY ? undefined : progressBar()
  const { verifyDir, verifyUrl } = await import('./verify.js')
  let outcome: VerifyOutcome
  if (typeof values.url === 'string') {
    outcome = await verifyUrl(httpUrlFlag(values, 'url'), {
      verifierKey: values['log-key'] as string | undefined,
      checkpointFile: values.checkpoint as string | undefined,
      onProgress: progress,
      timeoutMs: timeoutFlag(values),
    })
  } else if (typeof values.dir === 'string') {
    outcome = await verifyDir(resolve(values.dir), { verifierKey: values['log-key'] as string | undefined, checkpointFile: values.checkpoint as string | undefined, onProgress: progress })
  } else {
    throw new TracechainError('BAD_REQUEST', 'verify needs --url or --dir')
  }
  if (progress) process.stderr.write('\n')
  if (!outcome.ok && outcome.firstBad) {
    process.stdout.write(`FAILED${outcome.firstBad.seq === undefined ? '' : ` at seq ${outcome.firstBad.seq}`}: ${outcome.firstBad.code}: ${outcome.firstBad.reason} (${outcome.checked} entries checked)\n`)
    return EXIT_VERIFY_FAILED
  }
  let witnessed = ''
  if (witnesses.length > 0) {
    const policy = witnessPolicyMet(outcome.note, witnesses, min)
    if (typeof policy !== 'string') {
      process.stdout.write(`FAILED: WITNESS_POLICY_UNMET: ${policy.reason} (${outcome.checked} entries checked)\n`)
      return EXIT_VERIFY_FAILED
    }
    witnessed = `; ${policy}`
  }
  process.stdout.write(`ok: ${outcome.checked} entries verified; size ${outcome.size}; root ${outcome.root}${outcome.consistency ? `; ${outcome.consistency}` : ''}${witnessed}\n`)
  return EXIT_OK
}

/** "witnessed by A at T, B at T" when at least `min` of `witnesses` cosigned `note`, else the reason it falls short. */
export function witnessPolicyMet(note: string | undefined, witnesses: readonly WitnessKey[], min: number): string | { reason: string } {
  if (note === undefined) return { reason: 'no checkpoint was read to check' }
  let cosignatures
  try {
    ;({ cosignatures } = verifyCosignatures(nodeEd25519, note, witnesses))
  } catch (error) {
    return { reason: (error as Error).message }
  }
  const by = cosignatures.map((c) => `${c.name} at ${new Date(c.timestamp * 1000).toISOString()}`)
  if (cosignatures.length < min) {
    return { reason: `the checkpoint is cosigned by ${cosignatures.length} of the ${witnesses.length} witnesses given (${by.join(', ') || 'none'}); ${min} required` }
  }
  return `witnessed by ${by.join(', ')}`
}

function progressBar(): (checked: number, total: number) => void {
  const started = Date.now()
  return (checked, total) => {
    const width = 30
    const filled = Math.round((checked / total) * width)
    const rate = Math.round(checked / Math.max(0.001, (Date.now() - started) / 1000))
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${checked}/${total} entries, ${rate}/s`)
  }
}
