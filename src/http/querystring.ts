const UNSAFE = new Set(['__proto__', 'constructor', 'prototype'])
const BRACKETS = /^([^[\]]+)\[([^[\]]*)\]$/

/**
 * Query strings as Connect API and V2 clients send them: repeated keys and `key[]` make arrays
 * (`types[]=A&types[]=B`), and `key[op]=v` makes an object (`activation_date[gte]=…`).
 */
export function parseQueryString(query: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [rawKey, value] of new URLSearchParams(query)) {
    const match = BRACKETS.exec(rawKey)
    const key = match ? (match[1] as string) : rawKey
    if (UNSAFE.has(key)) continue
    const existing = out[key]
    if (match && match[2] !== '') {
      if (UNSAFE.has(match[2] as string)) continue
      const object =
        existing && typeof existing === 'object' && !Array.isArray(existing)
          ? (existing as Record<string, unknown>)
          : {}
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
