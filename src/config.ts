/**
 * The only reader of the environment. `loadConfig` parses it once and fails listing every bad
 * variable, so an operator fixes them all in one go. It is pure: tests pass their own env.
 */
import type { Cidr } from './services/webhooks/ssrf.js'
import { LOOPBACK_CIDRS, parseAllowedCidrs } from './services/webhooks/ssrf.js'

export type DatabaseConfig =
  | {
      kind: 'postgres'
      url: string
      poolSize: number
      /** Hot statements as named prepared statements (off behind a transaction-mode pooler). */
      preparedStatements: boolean
      /** OPENLINE_POOLER=transaction: DATABASE_URL is a transaction-mode pooler (PgBouncer). */
      pooler: 'none' | 'transaction'
      /**
       * OPENLINE_LISTEN_DATABASE_URL: a direct connection for LISTEN (a transaction-mode pooler
       * drops notifications). Unset behind a pooler: the dispatcher polls.
       */
      listenUrl: string | undefined
    }
  | { kind: 'pglite'; dataDir: string | 'memory:' }

export interface Config {
  database: DatabaseConfig
  /** Where embedded data and the demo key live (also used with PostgreSQL for the demo key file). */
  dataDir: string | 'memory:'
  host: string
  port: number
  publicUrl: string | undefined
  logLevel: LogLevel
  /**
   * leaseMs: how long a claimed job is held before another worker may take it over (a crashed worker's job).
   * changeBatchSize: how many targets' due scheduled changes one transaction applies.
   */
  worker: { pollIntervalMs: number; batchSize: number; leaseMs?: number; changeBatchSize?: number }
  vacuumIntervalMs: number
  shutdownTimeoutMs: number
  authCacheTtlMs: number
  /** OPENLINE_SECRET_KEY: 32 bytes that encrypt webhook signing secrets at rest. Required on PostgreSQL. */
  secretKey: Buffer | undefined
  webhooks: WebhookConfig
  v2: {
    jwtSecret: string | undefined
    jwksUrl: string | undefined
    jwtAudience: string[] | undefined
    jwtIssuer: string | undefined
  }
}

export interface WebhookConfig {
  /** Blocked ranges (loopback, private, …) a webhook may reach anyway: OPENLINE_WEBHOOK_ALLOWED_CIDRS. */
  allowedCidrs: Cidr[]
  /** How long a receiver has to answer before the attempt fails. */
  timeoutMs: number
  /** How many deliveries one dispatcher sends at once. */
  concurrency: number
  /** Fallback poll interval when no notification wakes the dispatcher. */
  pollIntervalMs: number
  /** How long finished deliveries and their attempts are kept. */
  retentionDays: number
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = {
  allowedCidrs: [],
  timeoutMs: 15_000,
  concurrency: 16,
  pollIntervalMs: 1000,
  retentionDays: 30,
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const read = (name: string): string | undefined => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got '${raw}')`)
      return fallback
    }
    return value
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name)
    if (raw === undefined) return fallback
    if (raw === 'true' || raw === 'false') return raw === 'true'
    problems.push(`${name} must be true or false (got '${raw}')`)
    return fallback
  }
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = read(name)
    if (raw === undefined) return undefined
    try {
      const parsed = new URL(raw)
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol')
      return raw
    } catch {
      problems.push(`${name} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL`)
      return undefined
    }
  }

  const dataDir = read('OPENLINE_DATA_DIR') ?? './.openline/data'
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:'])
  const poolSize = int('DATABASE_POOL_SIZE', 10, 1, 1000)
  const rawPooler = read('OPENLINE_POOLER') ?? 'none'
  if (rawPooler !== 'none' && rawPooler !== 'transaction')
    problems.push(`OPENLINE_POOLER must be none or transaction (got '${rawPooler}')`)
  const pooler = rawPooler === 'transaction' ? 'transaction' : 'none'
  // A transaction-mode pooler hands each transaction to any server connection: named statements off.
  const preparedStatements = bool('OPENLINE_PREPARED_STATEMENTS', pooler === 'none')
  if (pooler === 'transaction' && preparedStatements)
    problems.push('OPENLINE_PREPARED_STATEMENTS=true cannot work with OPENLINE_POOLER=transaction')
  const listenUrl = url('OPENLINE_LISTEN_DATABASE_URL', ['postgres:', 'postgresql:'])
  const logLevel = (read('LOG_LEVEL') ?? 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got '${logLevel}')`)
  const host = read('HOST') ?? '127.0.0.1'
  const port = int('PORT', 8080, 0, 65535)
  const publicUrl = url('OPENLINE_PUBLIC_URL', ['http:', 'https:'])
  const jwtSecret = read('OPENLINE_V2_JWT_SECRET')
  if (jwtSecret !== undefined && jwtSecret.length < 32)
    problems.push('OPENLINE_V2_JWT_SECRET must be at least 32 characters')
  const jwksUrl = url('OPENLINE_V2_JWKS_URL', ['http:', 'https:'])
  const audience = read('OPENLINE_V2_JWT_AUDIENCE')
  const rawSecretKey = read('OPENLINE_SECRET_KEY')
  const secretKey = rawSecretKey === undefined ? undefined : parseSecretKey(rawSecretKey)
  if (rawSecretKey !== undefined && !secretKey)
    problems.push('OPENLINE_SECRET_KEY must be 32 bytes in base64 or 64 hex digits (e.g. `openssl rand -base64 32`)')
  let allowedCidrs: Cidr[] = []
  try {
    allowedCidrs = parseAllowedCidrs(read('OPENLINE_WEBHOOK_ALLOWED_CIDRS'))
  } catch (error) {
    problems.push(`OPENLINE_WEBHOOK_ALLOWED_CIDRS: ${(error as Error).message}`)
  }

  const config: Config = {
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl, poolSize, preparedStatements, pooler, listenUrl }
      : { kind: 'pglite', dataDir },
    dataDir,
    host,
    port,
    publicUrl,
    logLevel,
    worker: {
      pollIntervalMs: int('OPENLINE_WORKER_POLL_MS', 1000, 10, 3_600_000),
      batchSize: int('OPENLINE_WORKER_BATCH_SIZE', 10, 1, 1000),
      leaseMs: int('OPENLINE_WORKER_LEASE_MS', 300_000, 1000, 86_400_000),
      changeBatchSize: int('OPENLINE_WORKER_CHANGE_BATCH_SIZE', 100, 1, 1000),
    },
    vacuumIntervalMs: int('OPENLINE_VACUUM_INTERVAL_MINUTES', 60, 1, 10_080) * 60_000,
    shutdownTimeoutMs: int('OPENLINE_SHUTDOWN_TIMEOUT_MS', 25_000, 0, 600_000),
    authCacheTtlMs: int('OPENLINE_AUTH_CACHE_TTL_MS', 5_000, 0, 600_000),
    secretKey,
    webhooks: {
      allowedCidrs,
      timeoutMs: int('OPENLINE_WEBHOOK_TIMEOUT_MS', DEFAULT_WEBHOOK_CONFIG.timeoutMs, 100, 120_000),
      concurrency: int('OPENLINE_WEBHOOK_CONCURRENCY', DEFAULT_WEBHOOK_CONFIG.concurrency, 1, 1000),
      pollIntervalMs: int('OPENLINE_WEBHOOK_POLL_MS', DEFAULT_WEBHOOK_CONFIG.pollIntervalMs, 10, 3_600_000),
      retentionDays: int('OPENLINE_WEBHOOK_RETENTION_DAYS', DEFAULT_WEBHOOK_CONFIG.retentionDays, 1, 3650),
    },
    v2: {
      jwtSecret,
      jwksUrl,
      jwtAudience: audience
        ? audience
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean)
        : undefined,
      jwtIssuer: read('OPENLINE_V2_JWT_ISSUER'),
    },
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

/** Reads OPENLINE_SECRET_KEY: 32 bytes as base64 or as 64 hex digits; undefined when it is neither. */
export function parseSecretKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex')
  const bytes = Buffer.from(value, 'base64')
  return bytes.length === 32 && bytes.toString('base64').replace(/=+$/, '') === value.replace(/=+$/, '')
    ? bytes
    : undefined
}

/** `serve --demo`: webhooks may also reach loopback, so a receiver on the developer's own machine works. */
export function withDemoAllowances(config: Config): Config {
  return {
    ...config,
    webhooks: { ...config.webhooks, allowedCidrs: [...config.webhooks.allowedCidrs, ...LOOPBACK_CIDRS] },
  }
}
