import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { inject } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import { createPostgres, wrapPglite } from '../../src/persistence/database.js'
import { withDatabase } from './global-setup.js'

export const onPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL)

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
  const database = createPostgres(withDatabase(adminUrl, name), 10)
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
