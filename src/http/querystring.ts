const BRACKETS = /^([^[\]]+)\[([^[\]]*)\]$/

/**
 * Query strings as Connect API and V2 clients send them: repeated keys and `key[]` make arrays
 * (`types[]=A&types[]=B`), and `key[op]=v` makes an object (`activation_date[gte]=…`). Objects
 * have no prototype, so `__proto__` or `constructor` is a key like any other: it pollutes nothing,
 * and the route's closed schema refuses it by name.
 */
export function parseQueryString(query: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null)
  for (const [rawKey, value] of new URLSearchParams(query)) {
    const match = BRACKETS.exec(rawKey)
    const key = match ? (match[1] as string) : rawKey
    const existing = out[key]
    if (match && match[2] !== '') {
      const object =
        existing && typeof existing === 'object' && !Array.isArray(existing)
          ? (existing as Record<string, unknown>)
          : (Object.create(null) as Record<string, unknown>)
      object[match[2] as string] = value
      out[key] = object
    } else if (match) {
      out[key] = Array.isArray(existing) ? [...existing, value] : existing === undefined ? [value] : [existing, value]
    } else {
      out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
    }
  }
  return out
}
