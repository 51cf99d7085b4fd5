import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { CsvRecord } from '../../domain/inventory/csv.js'
import { parseCsv } from '../../domain/inventory/csv.js'
import { invalidImport } from '../../domain/inventory/import.js'
import { NUMBER_FIELDS } from '../../domain/inventory/numbers.js'
import { SIM_FIELDS } from '../../domain/inventory/sims.js'
import { unknownFieldMessage } from '../../domain/shared/strict.js'
import { InvalidInputError } from '../../domain/shared/errors.js'

/** Rows read from a file, and where each came from (for the messages about bad ones). */
export interface ImportFile {
  rows: unknown[]
  pathOf: (index: number) => string
}

/**
 * A numbers file for `openline numbers import`: CSV (`.csv`) with a header naming at least
 * `msisdn,type` (and `grade`; any other column goes into each number's metadata), or JSON: an
 * array of `{msisdn, type, grade?, metadata?}` or `{ numbers: [...] }` as the admin API takes.
 */
export function readNumbersFile(path: string): ImportFile {
  return parseNumbersText(readFileSync(path, 'utf8'), path)
}

/** A numbers file's text (read from disk or uploaded); `name` ending in `.csv` means CSV, else JSON. */
export function parseNumbersText(text: string, name: string): ImportFile {
  return parseImportText(text, name, 'numbers', NUMBER_FIELDS, ['msisdn', 'type'], (cells) => {
    const grade = cells.grade
    return { ...cells, ...(grade !== undefined && { grade: /^[0-9]+$/.test(grade) ? Number(grade) : grade }) }
  })
}

/**
 * A SIMs file for `openline sims import`: CSV with a header naming at least `iccid,type` (and any
 * of `status,imsi,lpa,puk1,puk2,pin`; other columns go into metadata), or JSON as the admin API takes.
 */
export function readSimsFile(path: string): ImportFile {
  return parseSimsText(readFileSync(path, 'utf8'), path)
}

/** A SIMs file's text (read from disk or uploaded); `name` ending in `.csv` means CSV, else JSON. */
export function parseSimsText(text: string, name: string): ImportFile {
  return parseImportText(text, name, 'sims', SIM_FIELDS, ['iccid', 'type'], (cells) => cells)
}

function parseImportText(
  text: string,
  path: string,
  key: 'numbers' | 'sims',
  known: readonly string[],
  required: string[],
  convert: (cells: Record<string, string>) => Record<string, unknown>,
): ImportFile {
  const what = key === 'numbers' ? 'numbers' : 'SIMs'
  if (extname(path).toLowerCase() === '.csv') {
    const { header, records, errors } = parseCsv(text)
    const lower = header.map((h) => h.toLowerCase())
    for (const column of required)
      if (!lower.includes(column)) errors.push({ path: '/line/1', message: `the header has no '${column}' column` })
    if (errors.length > 0) throw invalidImport(what, errors)
    const rows = records.map((record) => toRow(record, known, convert))
    return { rows, pathOf: (i) => `/line/${records[i]?.line ?? '?'}` }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new InvalidInputError(
      'inventory.unreadable_file',
      `${path} is neither CSV (.csv) nor valid JSON: ${(error as Error).message}`,
      { file: path },
    )
  }
  if (Array.isArray(parsed)) return { rows: parsed, pathOf: (i) => `/${i}` }
  const list = (parsed as Record<string, unknown> | null)?.[key]
  if (!Array.isArray(list))
    throw new InvalidInputError(
      'inventory.unreadable_file',
      `${path} must hold a JSON array, or an object with a '${key}' array.`,
      { file: path },
    )
  const others = Object.keys(parsed as object).filter((name) => name !== key)
  if (others.length > 0)
    throw invalidImport(
      what,
      others.map((name) => ({ path: `/${name}`, message: unknownFieldMessage(name, [key], 'key') })),
    )
  return { rows: list, pathOf: (i) => `/${key}/${i}` }
}

/** A CSV record as an import row: known columns by name (any case), the rest as metadata. */
function toRow(
  record: CsvRecord,
  known: readonly string[],
  convert: (cells: Record<string, string>) => Record<string, unknown>,
): Record<string, unknown> {
  const fields: Record<string, string> = {}
  const metadata: Record<string, string> = {}
  for (const [name, value] of Object.entries(record.cells)) {
    const lower = name.toLowerCase()
    if (known.includes(lower)) fields[lower] = value
    else metadata[name] = value
  }
  return { ...convert(fields), ...(Object.keys(metadata).length > 0 && { metadata }) }
}
