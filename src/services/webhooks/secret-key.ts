import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../../config.js'
import { ConfigError, parseSecretKey } from '../../config.js'

export const SECRET_KEY_FILE = 'secret-key'

/**
 * The key that encrypts webhook signing secrets. PostgreSQL needs OPENLINE_SECRET_KEY: the operator
 * must keep it beside the database backup, so Openline never invents one there. Embedded mode
 * generates one on first start and keeps it in its data directory (in memory for `memory:`).
 */
export function resolveSecretKey(config: Pick<Config, 'secretKey' | 'database'>): Buffer {
  if (config.secretKey) return config.secretKey
  if (config.database.kind === 'postgres') {
    throw new ConfigError([
      'OPENLINE_SECRET_KEY must be set with DATABASE_URL: 32 random bytes in base64 (e.g. `openssl rand -base64 32`). ' +
        'It encrypts webhook signing secrets; keep it with your database backups.',
    ])
  }
  const dataDir = config.database.dataDir
  if (dataDir === 'memory:') return randomBytes(32)
  const file = join(dataDir, SECRET_KEY_FILE)
  if (existsSync(file)) {
    const key = parseSecretKey(readFileSync(file, 'utf8').trim())
    if (!key)
      throw new ConfigError([`${file} does not hold a 32-byte base64 key; restore it or set OPENLINE_SECRET_KEY.`])
    return key
  }
  const key = randomBytes(32)
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  return key
}
