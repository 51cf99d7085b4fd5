import type { FieldError } from '../shared/errors.js'
import { InvalidInputError } from '../shared/errors.js'

/** An import with bad rows writes nothing and lists every problem, so a file is fixed in one go. */
export function invalidImport(what: 'numbers' | 'SIMs', errors: FieldError[]): InvalidInputError {
  const shown = errors.slice(0, 5).map((e) => `${e.path} ${e.message}`)
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : ''
  return new InvalidInputError('inventory.invalid_import', `Nothing was imported; the ${what} have problems: ${shown.join('; ')}${more}.`, { count: errors.length }, errors)
}
