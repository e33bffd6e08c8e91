// What the node's page scripts (consumer, seal, console) have for web/failure-words.ts (web/bundle.ts resolves
// the one to the other in those bundles alone): the words from the 'words' lazy script (web/lazy-code.ts),
// loaded only when a check failed. Where that script does not load either (the node is down, or the script was
// changed on the way), the page still fails, and names each check by its code with its detail.

import type { FailureWords } from './failure-words.js'
import { lazyCode, loadLazyCode } from './lazy-code.js'

export function failureWords(): FailureWords | undefined {
  return lazyCode('words')?.failureWords
}

export async function loadFailureWords(): Promise<void> {
  await loadLazyCode('words').catch(() => undefined)
}
