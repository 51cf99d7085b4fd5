import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format. */
export const SECRET_PREFIX = 'whsec_'

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`
}

/** The raw key bytes a signing secret stands for. */
export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
}

const VERSION = 'v1'

/**
 * Encrypts webhook signing secrets at rest with AES-256-GCM under the operator's key
 * (OPENLINE_SECRET_KEY). Each value gets its own 12-byte nonce; the tag makes a tampered or
 * wrongly keyed value fail to open instead of signing with garbage. Format: `v1:<base64 nonce|tag|ciphertext>`.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The secret key must be 32 bytes.')
  }

  seal(plain: string): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${VERSION}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`
  }

  open(sealed: string): string {
    const [version, payload] = sealed.split(':')
    if (version !== VERSION || !payload) throw new Error('Unknown sealed secret format.')
    const raw = Buffer.from(payload, 'base64')
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  }
}
