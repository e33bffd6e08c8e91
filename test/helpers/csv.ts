// Reads what the node's CSV exports write, strictly, so a test fails on any deviation from RFC 4180.

/** RFC 4180, strictly: quoted fields may hold commas, quotes (doubled) and line breaks; records end in CRLF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  while (i < text.length) {
    if (text[i] === '"' && field === '') {
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote')
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2)
        else if (text[i] === '"') {
          i++
          break
        } else field += text[i++]
      }
    } else if (text[i] === ',') {
      record.push(field)
      field = ''
      i++
    } else if (text.startsWith('\r\n', i)) {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i += 2
    } else if (text[i] === '\n' || text[i] === '\r' || text[i] === '"') {
      throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`)
    } else field += text[i++]
  }
  if (field !== '' || record.length > 0) throw new Error('last record not CRLF-terminated')
  return records
}
