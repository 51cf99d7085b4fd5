import { Ajv } from 'ajv'
import type { ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FieldError } from '../shared/errors.js'
import { InvalidInputError } from '../shared/errors.js'
import { closeObjects, unknownFieldMessage } from '../shared/strict.js'
import { CatalogDocument } from './inputs.js'

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/**
 * The same validator settings as HTTP bodies (src/http/validation.ts): every error, no coercion,
 * the same formats, and closed as they are (an unknown key is an error, not skipped: `offering:` for
 * `offerings:` would otherwise import nothing). (TypeBox's own `Value.Errors` stops after eight errors.)
 */
const check = addFormats(
  new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, strict: false, verbose: true }),
).compile<CatalogDocument>(closeObjects(CatalogDocument) as object)

/**
 * Checks a parsed catalog file against the admin API's body schemas and answers it typed, or
 * throws `catalog.invalid_document` listing every bad field with its JSON pointer
 * (`/offerings/2/price/currency`). A missing property is reported at its own path, and the
 * "must be null" half of an optional-or-null field is dropped when the other half says more.
 */
export function parseCatalogDocument(value: unknown): CatalogDocument {
  if (check(value)) return value
  const issues = check.errors ?? []
  const errors: FieldError[] = []
  for (const issue of issues) {
    const path = issue.instancePath
    if (issue.keyword === 'required')
      errors.push({ path: `${path}/${String(issue.params.missingProperty)}`, message: 'is required' })
    else if (issue.keyword === 'additionalProperties') {
      const key = String(issue.params.additionalProperty)
      const known = Object.keys((issue.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      errors.push({ path: `${path}/${key}`, message: unknownFieldMessage(key, known, 'key') })
    } else if (!isNoise(issue, issues)) errors.push({ path: path || '/', message: issue.message ?? 'is invalid' })
  }
  throw invalidDocument(errors)
}

/** The summary of a failed `anyOf`, and its "must be null" branch, say nothing the other errors there do not. */
function isNoise(issue: ErrorObject, all: ErrorObject[]): boolean {
  const summary = issue.keyword === 'anyOf' || (issue.keyword === 'type' && issue.params.type === 'null')
  return (
    summary &&
    all.some(
      (other) =>
        other !== issue &&
        other.keyword !== 'anyOf' &&
        !(other.keyword === 'type' && other.params.type === 'null') &&
        other.instancePath.startsWith(issue.instancePath),
    )
  )
}

export function invalidDocument(errors: FieldError[]): InvalidInputError {
  const shown = errors.slice(0, 5).map((e) => `${e.path} ${e.message}`)
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : ''
  return new InvalidInputError(
    'catalog.invalid_document',
    `The catalog document is invalid: ${shown.join('; ')}${more}.`,
    { count: errors.length },
    errors,
  )
}
