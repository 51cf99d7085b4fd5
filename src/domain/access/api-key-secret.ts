import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * An API key reads `ol_live_…` or `ol_sandbox_…` followed by base64url of 64 bytes: the tenant id
 * (16), the key id (16) and a 256-bit random secret (32). Carrying the tenant id lets the lookup use
 * the tenant-leading primary key (one shard on a distributed database); only the secret's sha256
 * is stored, and it is compared in constant time.
 */
export const LIVE_PREFIX = 'ol_live_'
export const SANDBOX_PREFIX = 'ol_sandbox_'

export interface ParsedApiKey {
  sandbox: boolean
  tenantId: string
  keyId: string
  secret: Buffer
}

const uuidToBytes = (uuid: string): Buffer => Buffer.from(uuid.replaceAll('-', ''), 'hex')
const bytesToUuid = (bytes: Buffer): string => {
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export function generateApiKey(input: { sandbox: boolean; tenantId: string; keyId: string }): {
  key: string
  secretHash: string
  hint: string
} {
  const secret = randomBytes(32)
  const body = Buffer.concat([uuidToBytes(input.tenantId), uuidToBytes(input.keyId), secret]).toString('base64url')
  const key = `${input.sandbox ? SANDBOX_PREFIX : LIVE_PREFIX}${body}`
  return { key, secretHash: hashSecret(secret), hint: key.slice(-4) }
}

export function parseApiKey(key: string): ParsedApiKey | undefined {
  const sandbox = key.startsWith(SANDBOX_PREFIX)
  if (!sandbox && !key.startsWith(LIVE_PREFIX)) return undefined
  const body = key.slice(sandbox ? SANDBOX_PREFIX.length : LIVE_PREFIX.length)
  if (!/^[A-Za-z0-9_-]{86}$/.test(body)) return undefined
  const bytes = Buffer.from(body, 'base64url')
  // The last character carries four unused bits: only the canonical spelling of a key is the key.
  if (bytes.length !== 64 || bytes.toString('base64url') !== body) return undefined
  return {
    sandbox,
    tenantId: bytesToUuid(bytes.subarray(0, 16)),
    keyId: bytesToUuid(bytes.subarray(16, 32)),
    secret: bytes.subarray(32),
  }
}

export const hashSecret = (secret: Buffer): string => createHash('sha256').update(secret).digest('hex')

export function secretMatches(secret: Buffer, storedHash: string): boolean {
  const actual = createHash('sha256').update(secret).digest()
  const expected = Buffer.from(storedHash, 'hex')
  return expected.length === actual.length && timingSafeEqual(actual, expected)
}

/** What a listing may show of a key: never the secret. */
export const displayPrefix = (sandbox: boolean): string => (sandbox ? SANDBOX_PREFIX : LIVE_PREFIX)
