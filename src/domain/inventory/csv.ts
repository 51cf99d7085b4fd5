import type { FieldError } from '../shared/errors.js'

export interface CsvRecord {
  /** The 1-based line the record starts on, for messages. */
  line: number
  cells: Record<string, string>
}

/**
 * Reads RFC 4180 CSV with a header line: comma-separated, fields optionally in double quotes (a
 * quote inside one doubled), CRLF or LF line ends, blank lines skipped. Header names and cells are
 * trimmed; empty cells are left out. A record with more cells than the header, or an unterminated quote, is an error.
 */
export function parseCsv(text: string): { header: string[]; records: CsvRecord[]; errors: FieldError[] } {
  const lines = splitRecords(text.replace(/^\uFEFF/, ''))
  const errors: FieldError[] = []
  const first = lines.shift()
  if (!first)
    return {
      header: [],
      records: [],
      errors: [{ path: '/line/1', message: 'the file is empty: expected a header line' }],
    }
  const header = first.cells.map((h) => h.trim())
  const records: CsvRecord[] = []
  for (const { line, cells, unterminated } of lines) {
    if (unterminated) errors.push({ path: `/line/${line}`, message: 'a quoted field is not closed' })
    if (cells.length > header.length)
      errors.push({ path: `/line/${line}`, message: `has ${cells.length} cells but the header has ${header.length}` })
    const record: Record<string, string> = {}
    header.forEach((name, i) => {
      const value = cells[i]?.trim()
      if (value) record[name] = value
    })
    records.push({ line, cells: record })
  }
  return { header, records, errors }
}

interface RawRecord {
  line: number
  cells: string[]
  unterminated: boolean
}

function splitRecords(text: string): RawRecord[] {
  const out: RawRecord[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let start = 1
  let blank = true
  const endRecord = () => {
    cells.push(cell)
    if (!(blank && cells.length === 1 && cell === '')) out.push({ line: start, cells, unterminated: false })
    cells = []
    cell = ''
    blank = true
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        cell += c
      }
    } else if (c === '"' && cell.trim() === '') {
      quoted = true
      cell = ''
      blank = false
    } else if (c === ',') {
      cells.push(cell)
      cell = ''
      blank = false
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else {
      cell += c
      blank = false
    }
  }
  if (quoted) {
    cells.push(cell)
    out.push({ line: start, cells, unterminated: true })
  } else if (cell !== '' || cells.length > 0) endRecord()
  return out
}
