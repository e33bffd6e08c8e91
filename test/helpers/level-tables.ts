// What LevelDB's open tables keep in memory, read from the table files themselves (LevelDB's table format,
// doc/table_format.md in its source): each table's index block, which an open table holds decompressed on
// the heap, beside the table's size. The filter block is left out: it is stored uncompressed and read in
// place from the mapped file.

import { closeSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const FOOTER_BYTES = 48
const SNAPPY = 1

function varint(bytes: Buffer, at: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  let byte: number
  do {
    byte = bytes[at++]!
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
  } while (byte & 0x80)
  return [value, at]
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const bytes = Buffer.alloc(length)
  readSync(fd, bytes, 0, length, offset)
  return bytes
}

export interface TableMemory {
  tables: number
  tableBytes: number
  /** the index blocks' bytes once decompressed, as an open table holds them */
  indexBytes: number
}

/** Sums the index blocks of every table (`*.ldb`) in a LevelDB directory. */
export function tableMemory(dir: string): TableMemory {
  const sum: TableMemory = { tables: 0, tableBytes: 0, indexBytes: 0 }
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.ldb'))) {
    const fd = openSync(join(dir, name), 'r')
    try {
      const size = fstatSync(fd).size
      const footer = readAt(fd, size - FOOTER_BYTES, FOOTER_BYTES)
      // The footer's two block handles: the metaindex's (skipped), then the index's.
      const at = varint(footer, varint(footer, 0)[1])[1]
      const [offset, next] = varint(footer, at)
      const [length] = varint(footer, next)
      // A block is followed by its compression type; a snappy block starts with its decompressed length.
      const block = readAt(fd, offset, length + 1)
      sum.indexBytes += block[length] === SNAPPY ? varint(block, 0)[0] : length
      sum.tables += 1
      sum.tableBytes += size
    } finally {
      closeSync(fd)
    }
  }
  return sum
}
