// The key-validity rule at its edges: genesis, the seq that adds a key, the seq that retires it, after.

import t from 'tap'
import { keyValidAt } from '../../src/core/key-validity.js'

t.test('entry 0: the operator signs with the key it registers', async (t) => {
  t.ok(keyValidAt({ addedAt: 0 }, 0), 'a key added at 0 signs entry 0')
  t.ok(keyValidAt({ addedAt: 0 }, 1), 'and what follows')
  t.notOk(keyValidAt({ addedAt: 1 }, 0), 'a key added later never signs entry 0')
  t.notOk(keyValidAt({ addedAt: 0, retiredAt: 0 }, 1), 'retired at 0: nothing after it')
})

t.test('added at a seq: valid only after it', async (t) => {
  t.notOk(keyValidAt({ addedAt: 5 }, 4), 'before')
  t.notOk(keyValidAt({ addedAt: 5 }, 5), 'the statement that adds it is not signed by it')
  t.ok(keyValidAt({ addedAt: 5 }, 6), 'the next one')
  t.ok(keyValidAt({ addedAt: 5 }, Number.MAX_SAFE_INTEGER), 'never retired: valid on')
})

t.test('retired at a seq: valid up to and at it, not after', async (t) => {
  const key = { addedAt: 5, retiredAt: 9 }
  t.ok(keyValidAt(key, 8))
  t.ok(keyValidAt(key, 9), 'the rotation or revocation that retires it is signed by it')
  t.notOk(keyValidAt(key, 10), 'after')
  t.notOk(keyValidAt(key, 5), 'still not at its own addition')
  t.notOk(keyValidAt({ addedAt: 5, retiredAt: 5 }, 5), 'added and retired at once: never valid')
  t.notOk(keyValidAt({ addedAt: 5, retiredAt: 5 }, 6))
})
