// The server's native backends for the pure core, installed once per thread (the CLI's main thread and
// each check worker): OpenSSL's SHA-256 and Buffer's base64 decoder. Same answers, less CPU.
import { nodeBase64Decoder } from './base64-node.js'
import { useBase64Decoder } from './bytes.js'
import { nodeSha256 } from './hash-node.js'
import { useSha256Backend } from './hash.js'

export function useServerBackends(): void {
  useSha256Backend(nodeSha256)
  useBase64Decoder(nodeBase64Decoder)
}
