import { describe, expect, it } from 'vitest'
import { canonicalJson, fingerprint, fingerprintDifferences } from './fingerprint.js'

describe('request fingerprints', () => {
  it('ignore key order at every level, but not array order or values', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}')
    expect(canonicalJson({ a: 1, skip: undefined })).toBe('{"a":1}')
    const a = fingerprint({ method: 'post', route: '/x/:id', params: { id: '1' }, body: { a: 1, b: [1, 2] } })
    const b = fingerprint({ method: 'POST', route: '/x/:id', params: { id: '1' }, body: { b: [1, 2], a: 1 } })
    expect(a).toEqual(b)
    expect(
      fingerprint({ method: 'POST', route: '/x/:id', params: { id: '1' }, body: { a: 1, b: [2, 1] } }).bodyHash,
    ).not.toBe(a.bodyHash)
  })

  it('say which parts differ', () => {
    const base = fingerprint({ method: 'POST', route: '/x/:id', params: { id: '1' }, body: {} })
    expect(fingerprintDifferences(base, base)).toEqual([])
    expect(
      fingerprintDifferences(base, fingerprint({ method: 'POST', route: '/x/:id', params: { id: '2' }, body: {} })),
    ).toEqual(['path'])
    expect(
      fingerprintDifferences(base, fingerprint({ method: 'PUT', route: '/y', params: {}, body: { a: 1 } })),
    ).toEqual(['method', 'path', 'body'])
  })
})
