import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, parseSecretKey } from '../../config.js'
import { SecretBox, generateSigningSecret, secretBytes } from './secret-box.js'
import { SECRET_KEY_FILE, resolveSecretKey } from './secret-key.js'

describe('signing secrets at rest', () => {
  it('seals and opens a secret, and refuses a tampered value or another key', () => {
    const box = new SecretBox(randomBytes(32))
    const secret = generateSigningSecret()
    expect(secretBytes(secret)).toHaveLength(32)
    const sealed = box.seal(secret)
    expect(sealed).not.toContain(secret.slice(6))
    expect(box.seal(secret)).not.toBe(sealed) // a fresh nonce each time
    expect(box.open(sealed)).toBe(secret)
    const raw = Buffer.from(sealed.slice(3), 'base64')
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow()
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow()
  })

  it('reads OPENLINE_SECRET_KEY as base64 or hex, and lists a bad one', () => {
    const key = randomBytes(32)
    expect(parseSecretKey(key.toString('base64'))).toEqual(key)
    expect(parseSecretKey(key.toString('hex'))).toEqual(key)
    expect(parseSecretKey(randomBytes(16).toString('base64'))).toBeUndefined()
    expect(loadConfig({ OPENLINE_SECRET_KEY: key.toString('base64') }).secretKey).toEqual(key)
    expect(() => loadConfig({ OPENLINE_SECRET_KEY: 'short' })).toThrow(/OPENLINE_SECRET_KEY/)
  })

  it('needs the key on PostgreSQL, and keeps a generated one in the embedded data dir', () => {
    const postgres = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/openline' })
    expect(() => resolveSecretKey(postgres)).toThrow(ConfigError)
    expect(() => resolveSecretKey(postgres)).toThrow(/OPENLINE_SECRET_KEY must be set/)
    const dir = mkdtempSync(join(tmpdir(), 'openline-key-'))
    try {
      const embedded = loadConfig({ OPENLINE_DATA_DIR: dir })
      const first = resolveSecretKey(embedded)
      expect(first).toHaveLength(32)
      expect(resolveSecretKey(embedded)).toEqual(first)
      const file = join(dir, SECRET_KEY_FILE)
      expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('base64'))
      expect(statSync(file).mode & 0o077).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
