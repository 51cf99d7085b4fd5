import type { FieldError } from '../shared/errors.js'
import { InvalidInputError } from '../shared/errors.js'
import { unknownFieldMessage } from '../shared/strict.js'

/** An import with bad rows writes nothing and lists every problem, so a file is fixed in one go. */
export function invalidImport(what: 'numbers' | 'SIMs', errors: FieldError[]): InvalidInputError {
  const shown = errors.slice(0, 5).map((e) => `${e.path} ${e.message}`)
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : ''
  return new InvalidInputError(
    'inventory.invalid_import',
    `Nothing was imported; the ${what} have problems: ${shown.join('; ')}${more}.`,
    { count: errors.length },
    errors,
  )
}

type Bad = (field: string, message: string) => void

/**
 * The frame both inventory imports check rows in: each row an object; its key (`keyOf` answers it
 * when valid, after reporting what is wrong with it) listed once; then the row's other fields
 * (`checkRest`) and its `metadata`; a field not in `fields` is refused, not dropped. Every problem gets its path: `pathOf(3)` is where row 3 lives
 * (`/body/numbers/3` over HTTP, `/line/5` in a CSV file).
 */
export function checkImportRows(
  rows: readonly unknown[],
  pathOf: (index: number) => string,
  key: { field: string; valid: (row: Record<string, unknown>, bad: Bad) => string | undefined },
  fields: readonly string[],
  checkRest: (row: Record<string, unknown>, bad: Bad) => void,
): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Map<string, number>()
  rows.forEach((raw, index) => {
    const at = pathOf(index)
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return void errors.push({ path: at, message: 'must be an object' })
    const row = raw as Record<string, unknown>
    const bad: Bad = (field, message) => errors.push({ path: `${at}/${field}`, message })
    const value = key.valid(row, bad)
    if (value !== undefined && seen.has(value))
      bad(key.field, `appears more than once (first at ${pathOf(seen.get(value) as number)})`)
    else if (value !== undefined) seen.set(value, index)
    checkRest(row, bad)
    for (const name of Object.keys(row))
      if (name !== 'metadata' && !fields.includes(name)) bad(name, unknownFieldMessage(name, [...fields, 'metadata']))
    if (
      row.metadata !== undefined &&
      (typeof row.metadata !== 'object' || row.metadata === null || Array.isArray(row.metadata))
    )
      bad('metadata', 'must be an object')
  })
  return errors
}
