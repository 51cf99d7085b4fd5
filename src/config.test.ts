import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, withDemoAllowances } from './config.js'

describe('loadConfig', () => {
  it('defaults to embedded PGlite in ./.openline/data on 127.0.0.1:8080', () => {
    const config = loadConfig({})
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './.openline/data' })
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, logLevel: 'info' })
  })

  it('holds a claimed job five minutes unless OPENLINE_WORKER_LEASE_MS says otherwise', () => {
    expect(loadConfig({}).worker.leaseMs).toBe(300_000)
    expect(loadConfig({ OPENLINE_WORKER_LEASE_MS: '2000' }).worker.leaseMs).toBe(2000)
    expect(() => loadConfig({ OPENLINE_WORKER_LEASE_MS: '10' })).toThrow(/OPENLINE_WORKER_LEASE_MS/)
    expect(loadConfig({}).worker.changeBatchSize).toBe(100)
    expect(loadConfig({ OPENLINE_WORKER_CHANGE_BATCH_SIZE: '1' }).worker.changeBatchSize).toBe(1)
    expect(() => loadConfig({ OPENLINE_WORKER_CHANGE_BATCH_SIZE: '0' })).toThrow(/OPENLINE_WORKER_CHANGE_BATCH_SIZE/)
  })

  it('uses PostgreSQL when DATABASE_URL is set, and memory when the data dir is memory:', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/openline', DATABASE_POOL_SIZE: '20' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/openline',
      poolSize: 20,
      preparedStatements: true,
      pooler: 'none',
      listenUrl: undefined,
    })
    expect(loadConfig({ OPENLINE_DATA_DIR: 'memory:' }).database).toEqual({ kind: 'pglite', dataDir: 'memory:' })
  })

  it('runs named prepared statements on PostgreSQL unless OPENLINE_PREPARED_STATEMENTS=false', () => {
    const database = (env: Record<string, string>) =>
      loadConfig({ DATABASE_URL: 'postgres://u@db:5432/openline', ...env }).database
    expect(database({ OPENLINE_PREPARED_STATEMENTS: 'false' })).toMatchObject({ preparedStatements: false })
    expect(database({ OPENLINE_PREPARED_STATEMENTS: 'true' })).toMatchObject({ preparedStatements: true })
    expect(() => database({ OPENLINE_PREPARED_STATEMENTS: 'no' })).toThrow(/OPENLINE_PREPARED_STATEMENTS/)
  })

  it('behind OPENLINE_POOLER=transaction turns named statements off and listens on OPENLINE_LISTEN_DATABASE_URL', () => {
    const database = (env: Record<string, string>) =>
      loadConfig({ DATABASE_URL: 'postgres://u@pgbouncer:6432/openline', ...env }).database
    expect(database({ OPENLINE_POOLER: 'transaction' })).toMatchObject({
      pooler: 'transaction',
      preparedStatements: false,
      listenUrl: undefined,
    })
    expect(
      database({ OPENLINE_POOLER: 'transaction', OPENLINE_LISTEN_DATABASE_URL: 'postgres://u@db:5432/openline' }),
    ).toMatchObject({ listenUrl: 'postgres://u@db:5432/openline' })
    expect(() => database({ OPENLINE_POOLER: 'transaction', OPENLINE_PREPARED_STATEMENTS: 'true' })).toThrow(
      /cannot work with OPENLINE_POOLER/,
    )
    expect(() => database({ OPENLINE_POOLER: 'session' })).toThrow(/OPENLINE_POOLER must be none or transaction/)
    expect(() => database({ OPENLINE_LISTEN_DATABASE_URL: 'http://x' })).toThrow(/OPENLINE_LISTEN_DATABASE_URL/)
  })

  it('lists every bad variable in one error', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: '99999',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        OPENLINE_WORKER_POLL_MS: 'soon',
        OPENLINE_V2_JWT_SECRET: 'short',
        OPENLINE_WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/8,10.0.0.0/99',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems.join('\n')
    const names = ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'OPENLINE_WORKER_POLL_MS', 'OPENLINE_V2_JWT_SECRET']
    for (const name of [...names, 'OPENLINE_WEBHOOK_ALLOWED_CIDRS']) expect(problems).toContain(name)
    expect(problems).toContain("'10.0.0.0/99'")
    expect((error as ConfigError).problems).toHaveLength(6)
  })

  it('reads the webhook allow-list, none by default; --demo adds loopback to it', () => {
    expect(loadConfig({}).webhooks.allowedCidrs).toEqual([])
    const config = loadConfig({ OPENLINE_WEBHOOK_ALLOWED_CIDRS: '10.1.0.0/16, fd00::/8' })
    expect(config.webhooks.allowedCidrs).toEqual([
      { address: '10.1.0.0', prefix: 16, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ])
    expect(withDemoAllowances(config).webhooks.allowedCidrs).toEqual([
      ...config.webhooks.allowedCidrs,
      { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ])
    expect(config.webhooks.allowedCidrs).toHaveLength(2)
  })
})
