import { Value } from 'typebox/value'
import type { FieldError } from '../shared/errors.js'
import { InvalidInputError } from '../shared/errors.js'
import { CatalogDocument } from './inputs.js'

interface SchemaIssue {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message: string
}

/**
 * Checks a parsed catalog file against the admin API's body schemas and answers it typed, or
 * throws `catalog.invalid_document` listing every bad field with its JSON pointer
 * (`/offerings/2/price/currency`). A missing property is reported at its own path, and the
 * "must be null" half of an optional-or-null field is dropped when the other half says more.
 */
export function parseCatalogDocument(value: unknown): CatalogDocument {
  if (Value.Check(CatalogDocument, value)) return value
  const issues = [...Value.Errors(CatalogDocument, value)] as SchemaIssue[]
  const errors: FieldError[] = []
  for (const issue of issues) {
    if (issue.keyword === 'required' && Array.isArray(issue.params.requiredProperties)) {
      for (const property of issue.params.requiredProperties as string[]) errors.push({ path: `${issue.instancePath}/${property}`, message: 'is required' })
    } else if (issue.keyword === 'type' && issue.params.type === 'null' && issues.some((other) => other !== issue && other.instancePath.startsWith(issue.instancePath))) {
      continue
    } else {
      errors.push({ path: issue.instancePath || '/', message: issue.message })
    }
  }
  throw invalidDocument(errors)
}

export function invalidDocument(errors: FieldError[]): InvalidInputError {
  const shown = errors.slice(0, 5).map((e) => `${e.path} ${e.message}`)
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : ''
  return new InvalidInputError('catalog.invalid_document', `The catalog document is invalid: ${shown.join('; ')}${more}.`, { count: errors.length }, errors)
}
