// RFC 9162 section 2.1.1: the root of a tree grown one leaf at a time, kept as its perfect subtrees (a
// compact range from 0), so an audit that reads every leaf in order recomputes the root in O(log n) memory.

import { nodeHash } from './merkle.js'

/** The root of a growing tree from its perfect subtrees, left to right (a compact range from 0). */
export class RootAccumulator {
  private readonly stack: Uint8Array[] = []
  size = 0

  push(leaf: Uint8Array): void {
    let hash = leaf
    let size = this.size
    while (size % 2 === 1) {
      hash = nodeHash(this.stack.pop() as Uint8Array, hash)
      size = Math.floor(size / 2)
    }
    this.stack.push(hash)
    this.size++
  }

  /** RFC 9162 root of the leaves pushed so far; requires size > 0. */
  root(): Uint8Array {
    if (this.size === 0) throw new RangeError('"size" must be positive for a root')
    let hash = this.stack[this.stack.length - 1]
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i], hash)
    return hash
  }
}
