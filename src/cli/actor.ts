// `tracechain actor custody <id> --dir D [--json]`: a key the node holds for an actor that cannot sign itself
// (a producer's EPCIS system), and its capture token. `tracechain actor token <id> --dir D [--json]` rotates it.

import { resolve } from 'node:path'
import { TracechainError } from '../core/errors.js'
import { toBase64 } from '../core/bytes.js'
import { parse } from './args.js'
import { createCustody, custodyDir, rotateCaptureToken } from './custody-dir.js'
import { EXIT_OK } from './exit-codes.js'

const USAGE = 'usage: tracechain actor custody <id> [--dir D] [--json], or tracechain actor token <id> [--dir D] [--json]'

export async function actorCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, { dir: { type: 'string' }, json: { type: 'boolean' } }, { allowPositionals: true })
  const [sub, actor, ...extra] = positionals
  if ((sub !== 'custody' && sub !== 'token') || !actor || extra.length > 0) throw new TracechainError('BAD_REQUEST', USAGE)
  const dir = resolve((values.dir as string | undefined) ?? process.env.TRACECHAIN_DIR ?? './data')
  if (sub === 'token') {
    const token = rotateCaptureToken(dir, actor)
    write(values.json ? `${JSON.stringify({ actor, token })}\n` : `new capture token for ${actor} (shown once; the node keeps its SHA-256; the old one is refused from now on):\n${token}\n`)
    return EXIT_OK
  }
  const { signer, token } = createCustody(dir, actor)
  const { keyid } = signer
  const publicKey = toBase64(signer.publicKey)
  const keyFile = `${custodyDir(dir)}/${actor}.json`
  if (values.json) {
    write(`${JSON.stringify({ actor, keyid, publicKey, keyFile, token })}\n`)
    return EXIT_OK
  }
  write(
    `custodial key for ${actor}: ${keyFile} (mode 0600)\n  keyid ${keyid}\n  publicKey ${publicKey}\n` +
      `capture token (shown once; the node keeps its SHA-256): ${token}\n` +
      `an admin registers it with custody "node", e.g. the actor.register body\n` +
      `  ${JSON.stringify({ id: actor, name: actor, roles: ['farm'], publicKey, custody: 'node' })}\n`,
  )
  return EXIT_OK
}
