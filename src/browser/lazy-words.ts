// The 'words' lazy script (/web/words-<hash>.js, web/lazy-code.ts): the words for what failed, for a page that
// fails. Browser-safe.

import { FAILURE_WORDS } from '../web/failure-words.js'
import { provideLazyCode } from '../web/lazy-code.js'

provideLazyCode('words', { failureWords: FAILURE_WORDS })
