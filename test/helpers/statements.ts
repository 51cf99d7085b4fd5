import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import type { Transaction } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import { wrapPglite } from '../../src/persistence/pglite.js'
import { createTestDatabase, onPostgres } from './database.js'

/**
 * Every statement the process sends to the database while `record` runs, the same way on both
 * drivers: on PostgreSQL each `pg` client query (as bench/sql-trace.ts prints them: `begin`,
 * `commit` and savepoints included), on PGlite each query of the client and of its transactions,
 * with the BEGIN and COMMIT (or ROLLBACK) PGlite sends for a transaction counted as two.
 */
export interface StatementLog {
  database: Database
  record<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>
}

export async function statementLog(): Promise<StatementLog> {
  let log: string[] | undefined
  const note = (text: unknown) => {
    if (log && typeof text === 'string') log.push(text.replace(/\s+/g, ' ').trim())
  }
  const record = async <T>(fn: () => Promise<T>) => {
    log = []
    try {
      const result = await fn()
      return { result, statements: log }
    } finally {
      log = undefined
    }
  }
  if (onPostgres()) {
    type Query = (...args: unknown[]) => unknown
    const proto = pg.Client.prototype as unknown as { query: Query }
    const query = proto.query
    proto.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0]
      note(typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text)
      return query.apply(this, args)
    }
    return { database: await createTestDatabase(), record }
  }
  const client = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) })
  const watched = <C extends Pick<PGlite, 'query' | 'exec'>>(target: C): C =>
    new Proxy(target, {
      get(on, key, receiver) {
        const value = Reflect.get(on, key, receiver)
        if (key === 'query' || key === 'exec')
          return (text: string, ...rest: unknown[]) => {
            note(text)
            return (value as (...a: unknown[]) => unknown).call(on, text, ...rest)
          }
        if (key === 'transaction')
          return async <T>(fn: (tx: Transaction) => Promise<T>) => {
            note('BEGIN')
            try {
              const result = await (value as PGlite['transaction']).call(on, (tx: Transaction) => fn(watched(tx)))
              note('COMMIT')
              return result
            } catch (error) {
              note('ROLLBACK')
              throw error
            }
          }
        return typeof value === 'function' ? value.bind(on) : value
      },
    })
  return { database: wrapPglite(watched(client)), record }
}
