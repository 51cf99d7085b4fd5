import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import { createPostgres } from '../../src/persistence/database.js'
import { wrapPglite } from '../../src/persistence/pglite.js'
import { installCapture } from '../audit/capture.js'
import { withDatabase } from './global-setup.js'

// The statement audit's capture (test/audit): on PostgreSQL only, where the suite's SQL goes through node-postgres.
if (process.env.TEST_SQL_CAPTURE && process.env.TEST_DATABASE_URL) installCapture(process.env.TEST_SQL_CAPTURE)

export const onPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL)

/**
 * The schema's tables, as `name`, for "nothing was written" checks: plain and partitioned tables,
 * never a partition (on the hash-partitioned twin a partition's rows are counted in its parent's).
 */
export const TABLES_SQL = `SELECT c.relname AS name FROM pg_class c
  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  ORDER BY 1`

let seq = 0

/** A fresh, migrated database for one test file: PGlite from the template dump, or a PostgreSQL clone. */
export async function createTestDatabase(): Promise<Database> {
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) {
    const template = readFileSync(inject('pgliteTemplate'))
    return wrapPglite(await PGlite.create({ loadDataDir: new Blob([template]) }))
  }
  const template = inject('postgresTemplate')
  const name = `${template}_${process.pid}_${++seq}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  } finally {
    await admin.end()
  }
  // Behind a transaction-mode pooler (TEST_DATABASE_ADMIN_URL is the server itself), LISTEN takes a
  // direct connection, as OPENLINE_LISTEN_DATABASE_URL gives `serve` one.
  const direct = process.env.TEST_DATABASE_ADMIN_URL
  const database = createPostgres(
    withDatabase(adminUrl, name),
    10,
    direct ? { listen: withDatabase(direct, name) } : {},
  )
  return {
    ...database,
    async close() {
      await database.close()
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    },
  }
}
