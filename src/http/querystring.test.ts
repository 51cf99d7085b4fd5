import { describe, expect, it } from 'vitest'
import { parseQueryString } from './querystring.js'

describe('parseQueryString', () => {
  it('reads repeated keys and key[] as arrays, key[op] as objects', () => {
    expect(parseQueryString('types[]=A&types[]=B&status=X&status=Y&limit=5')).toEqual({
      types: ['A', 'B'],
      status: ['X', 'Y'],
      limit: '5',
    })
    expect(parseQueryString('types[]=A')).toEqual({ types: ['A'] })
    expect(parseQueryString('activation_date[gte]=2024-01-01T00:00:00Z&activation_date[lt]=2024-02-01')).toEqual({
      activation_date: { gte: '2024-01-01T00:00:00Z', lt: '2024-02-01' },
    })
    expect(parseQueryString('q=%7B%22gte%22%3A1%7D')).toEqual({ q: '{"gte":1}' })
  })

  it('keeps prototype-polluting keys as plain keys (for the schema to refuse), polluting nothing', () => {
    const parsed = parseQueryString('__proto__[admin]=1&constructor=x&a[__proto__]=1&b=2')
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor', 'a', 'b'])
    expect(Object.getPrototypeOf(parsed)).toBeNull()
    expect(Object.keys(parsed.a as object)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })
})
