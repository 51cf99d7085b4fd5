import { describe, expect, it } from 'vitest'
import { generateApiKey, parseApiKey, secretMatches } from './api-key-secret.js'

const ids = { tenantId: '0193a000-0000-7000-8000-000000000001', keyId: '0193a000-0000-7000-8000-0000000000ff' }

describe('API key secrets', () => {
  it('round-trips the tenant and key ids and matches only its own hash', () => {
    const { key, secretHash, hint } = generateApiKey({ sandbox: false, ...ids })
    expect(key).toMatch(/^ol_live_[A-Za-z0-9_-]{86}$/)
    expect(hint).toBe(key.slice(-4))
    const parsed = parseApiKey(key)
    expect(parsed).toMatchObject({ sandbox: false, ...ids })
    expect(secretMatches(parsed!.secret, secretHash)).toBe(true)
    const other = generateApiKey({ sandbox: false, ...ids })
    expect(secretMatches(parsed!.secret, other.secretHash)).toBe(false)
  })

  it('carries at least 128 random bits and differs every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateApiKey({ sandbox: true, ...ids }).key))
    expect(keys.size).toBe(50)
    expect(parseApiKey([...keys][0] as string)?.secret.length).toBe(32)
  })

  it('rejects anything but the canonical spelling', () => {
    const { key } = generateApiKey({ sandbox: true, ...ids })
    expect(parseApiKey(key)).toBeDefined()
    // The last character's low four bits are padding: flipping one spells the same bytes non-canonically.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const padded = `${key.slice(0, -1)}${alphabet[alphabet.indexOf(key.at(-1) as string) ^ 1]}`
    expect(Buffer.from(padded.slice(11), 'base64url')).toEqual(Buffer.from(key.slice(11), 'base64url'))
    for (const bad of [
      '',
      'ol_sandbox_',
      key.slice(0, -1),
      `${key}A`,
      key.replace('ol_sandbox_', 'ol_test_'),
      padded,
    ]) {
      expect(parseApiKey(bad), bad).toBeUndefined()
    }
  })
})
