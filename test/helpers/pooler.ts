import type { Database } from '../../src/persistence/database.js'
import { createPostgres, queryRows } from '../../src/persistence/database.js'
import { sql } from 'drizzle-orm'
import { withDatabase } from './global-setup.js'

/**
 * Behind a transaction-mode pooler (TEST_DATABASE_URL is PgBouncer, TEST_DATABASE_ADMIN_URL the
 * server), LISTEN on a pooled connection hears nothing: this gives `database` the listener that
 * OPENLINE_LISTEN_DATABASE_URL gives `serve`, a direct connection to the same database. Unchanged
 * otherwise.
 */
export async function withDirectListen(database: Database): Promise<Database> {
  const direct = process.env.TEST_DATABASE_ADMIN_URL
  if (!direct || database.kind !== 'postgres' || !process.env.TEST_DATABASE_URL) return database
  const [row] = await queryRows<{ name: string }>(database.db, sql`SELECT current_database() AS name`)
  const url = withDatabase(direct, row?.name as string)
  const listener = createPostgres(url, 1, { listen: url })
  return {
    ...database,
    listen: listener.listen?.bind(listener),
    async close() {
      await listener.close()
      await database.close()
    },
  }
}
