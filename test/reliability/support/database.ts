import pg from 'pg'
import { inject } from 'vitest'
import { withDatabase } from '../../helpers/global-setup.js'

/** A clone of the migrated template on TEST_DATABASE_URL for a server process of its own, and a client to inspect it. */
export async function serverDatabase(): Promise<{ url: string; client: pg.Client; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL as string
  const template = inject('postgresTemplate')
  const name = `${template}_rel_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  await admin.end()
  const url = withDatabase(adminUrl, name)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return {
    url,
    client,
    async drop() {
      await client.end()
      const cleanup = new pg.Client({ connectionString: adminUrl })
      await cleanup.connect()
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await cleanup.end()
    },
  }
}

/** Polls `probe` until it answers true or the time is up; answers the last probe. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (await probe()) return true
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
