import { InvalidInputError } from '../domain/shared/errors.js'

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, so a NUL anywhere in a request (a path id like
 * `rid_%00`, a name, a metadata value or key) would fail deep inside a query as a 500. It is
 * refused up front instead: a 400 naming the first field that holds one.
 */
export function refuseNulCharacters(parts: { params?: unknown; query?: unknown; body?: unknown }): void {
  for (const location in parts) {
    const value = parts[location as keyof typeof parts]
    // Most requests hold no NUL: look first, and build the JSON pointer only when there is one.
    if (!holdsNul(value, 0)) continue
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

/** Whether any string (or key) at any depth of `value` holds a NUL: `findNul` without the pointers. */
function holdsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (value === null || typeof value !== 'object' || depth > 64) return false
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (key.includes('\u0000') || holdsNul((value as Record<string, unknown>)[key], depth + 1)) return true
  }
  return false
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
