import { InvalidInputError } from '../domain/shared/errors.js'

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, so a NUL anywhere in a request (a path id like
 * `rid_%00`, a name, a metadata value or key) would fail deep inside a query as a 500. It is
 * refused up front instead: a 400 naming the first field that holds one.
 */
export function refuseNulCharacters(parts: { params?: unknown; query?: unknown; body?: unknown }): void {
  for (const [location, value] of Object.entries(parts)) {
    const path = findNul(value, `/${location}`, 0)
    if (path !== null)
      throw new InvalidInputError(
        'request.invalid_characters',
        'Text may not contain the NUL character (U+0000).',
        {},
        [{ path, message: 'must not contain U+0000' }],
      )
  }
}

/** The JSON pointer of the first string (or key) holding a NUL, or null. Deep values are bounded by the body limit. */
function findNul(value: unknown, at: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null
  if (value === null || typeof value !== 'object' || depth > 64) return null
  for (const [key, child] of Object.entries(value)) {
    const here = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
    if (key.includes('\u0000')) return here
    const found = findNul(child, here, depth + 1)
    if (found !== null) return found
  }
  return null
}
