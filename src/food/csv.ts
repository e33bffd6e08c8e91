// CSV writing (RFC 4180): CRLF records, a field quoted when it holds a quote, comma or line break, and
// text that a spreadsheet would run as a formula kept as text (OWASP CSV injection).

/** UTF-8 byte order mark: Excel reads a CSV without it in the legacy code page and garbles Chinese names. */
export const UTF8_BOM = '\uFEFF'

export type CsvCell = string | number

/** One CSV record, RFC 4180: quoted when it holds a quote, comma or line break, CRLF-terminated. */
export function formatCsvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(formatCsvCell).join(',')}\r\n`
}

function formatCsvCell(cell: CsvCell): string {
  if (typeof cell === 'number') return String(cell)
  // A text cell that starts like a formula would run in a spreadsheet: keep it text (OWASP CSV injection).
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}
