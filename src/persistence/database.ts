import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { SQL } from 'drizzle-orm'
import pg from 'pg'
import type { DatabaseConfig } from '../config.js'
import { useNamedStatements } from './compiled.js'
import * as schema from './schema/index.js'

export type Schema = typeof schema
/** A database handle or an open transaction: repositories take one as their first argument. */
export type Executor = PgDatabase<PgQueryResultHKT, Schema>

/** Runs raw multi-statement SQL; only migrations and maintenance use it. */
export interface ScriptRunner {
  /** Runs `fn` in one transaction on one connection; `exec` accepts several statements. */
  transaction<T>(
    fn: (
      exec: (sql: string) => Promise<void>,
      query: <R>(sql: string, params?: unknown[]) => Promise<R[]>,
    ) => Promise<T>,
  ): Promise<T>
  /** Runs a statement outside any transaction (VACUUM cannot run inside one). */
  exec(sql: string): Promise<void>
}

export interface Database {
  kind: 'postgres' | 'pglite'
  db: Executor
  scripts: ScriptRunner
  /**
   * LISTEN on a channel until the returned function is called (a dispatcher waking on new work).
   * Absent where the database cannot notify; callers poll then.
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

export const CHANNEL = /^[a-z_][a-z0-9_]*$/

/**
 * Picks the driver at start-up: PostgreSQL through `pg.Pool` when DATABASE_URL is set, else embedded
 * PGlite. Both go through Drizzle's own drivers with one schema module, so every query runs the same
 * code on both. PGlite's `pg` adapter is never used: after the first failing parameterised query its
 * connection is dead (see docs/architecture.md).
 */
export async function createDatabase(config: DatabaseConfig): Promise<Database> {
  // PGlite's JavaScript (about 15 MB of a process's memory) is loaded only where it runs.
  if (config.kind === 'pglite') return (await import('./pglite.js')).createPglite(config.dataDir)
  useNamedStatements(config.preparedStatements)
  return createPostgres(config.url, config.poolSize, {
    listen: config.listenUrl ?? (config.pooler === 'transaction' ? false : 'pool'),
  })
}

export interface PostgresOptions {
  /**
   * Where LISTEN runs: 'pool' (a pooled connection held for it, the default), a URL (its own direct
   * connection, for a pool behind a transaction-mode pooler that drops notifications), or false
   * (no LISTEN: the dispatcher polls).
   */
  listen?: 'pool' | string | false
}

export function createPostgres(url: string, poolSize: number, options: PostgresOptions = {}): Database {
  const listenOn = options.listen ?? 'pool'
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined)
  const db = drizzlePg({ client: pool, schema }) as unknown as Executor
  return {
    kind: 'postgres',
    db,
    scripts: {
      async transaction(fn) {
        const client = await pool.connect()
        try {
          await client.query('BEGIN')
          const result = await fn(
            async (text) => {
              await client.query(text)
            },
            async (text, params) => (await client.query(text, params)).rows,
          )
          await client.query('COMMIT')
          return result
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw error
        } finally {
          client.release()
        }
      },
      async exec(text) {
        await pool.query(text)
      },
    },
    ...(listenOn !== false && {
      listen: (channel: string, onNotify: (payload: string) => void) =>
        listenPostgres(listenOn === 'pool' ? pool : listenOn, channel, onNotify),
    }),
    close: () => pool.end(),
  }
}

/** LISTEN on a pooled connection, or on a client of its own to `source` (a URL), until unlistened. */
async function listenPostgres(
  source: pg.Pool | string,
  channel: string,
  onNotify: (payload: string) => void,
): Promise<() => Promise<void>> {
  if (!CHANNEL.test(channel)) throw new Error(`Invalid channel name '${channel}'.`)
  let client: pg.PoolClient | pg.Client
  if (typeof source === 'string') {
    client = new pg.Client({ connectionString: source })
    // A lost direct connection must not crash the process; the dispatcher still polls.
    client.on('error', () => undefined)
    await client.connect()
  } else client = await source.connect()
  const handler = (message: pg.Notification) => {
    if (message.channel === channel) onNotify(message.payload ?? '')
  }
  client.on('notification', handler)
  await client.query(`LISTEN ${channel}`)
  return async () => {
    client.off('notification', handler)
    try {
      await client.query(`UNLISTEN ${channel}`)
    } finally {
      if ('release' in client) client.release()
      else await client.end()
    }
  }
}

/** Rows of a raw query, the same on both drivers (both results carry `rows`). */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] }
  return result.rows
}
