import { writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createPostgres } from '../../src/persistence/database.js'
import { wrapPglite } from '../../src/persistence/pglite.js'
import { migrate } from '../../src/persistence/migrator.js'
import { partitionTenantTables } from './partitioned.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
    postgresTemplate: string
  }
}

/**
 * Migrates once per run. PGlite: a migrated data directory dumped to a file that every test file
 * loads (~0.4 s instead of a 3 s initdb). PostgreSQL (TEST_DATABASE_URL): a template database every
 * test file clones with CREATE DATABASE … TEMPLATE. With TEST_DATABASE_PARTITIONED=N (N ≥ 2, or 1
 * for 8) as well, the template is the hash-partitioned twin: every tenant table split by tenant_id.
 * Behind PgBouncer (scripts/pgbouncer.sh), TEST_DATABASE_URL is the pooler, TEST_DATABASE_ADMIN_URL
 * the direct server, and OPENLINE_PREPARED_STATEMENTS=false (test/helpers/setup.ts reads it).
 */
export default async function setup(project: TestProject) {
  // TEST_DATABASE_ADMIN_URL: a direct connection for the template, when TEST_DATABASE_URL is a pooler
  // (a pooler keeps idle connections to the migrated template, and CREATE DATABASE … TEMPLATE then fails).
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL
  if (process.env.TEST_DATABASE_URL && adminUrl) {
    const template = `openline_tpl_${process.pid}_${Date.now()}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${template}`)
    const database = createPostgres(withDatabase(adminUrl, template), 2)
    await migrate(database.scripts)
    const partitions = partitionCount()
    if (partitions > 0) await partitionTenantTables(database.scripts, partitions)
    await database.close()
    project.provide('postgresTemplate', template)
    project.provide('pgliteTemplate', '')
    return async () => {
      // Test files drop their own databases; drop any left by a crashed file, then the template.
      const left = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `${template}_%`,
      ])
      for (const row of left.rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`)
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
      await admin.end()
    }
  }
  const client = await PGlite.create()
  await migrate(wrapPglite(client).scripts)
  const dump = await client.dumpDataDir('none')
  await client.close()
  const file = join(tmpdir(), `openline-test-template-${process.pid}.tar`)
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  project.provide('pgliteTemplate', file)
  project.provide('postgresTemplate', '')
  return () => rmSync(file, { force: true })
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** TEST_DATABASE_PARTITIONED: unset or 0, none; 1 (or "true"), 8 partitions; N, N partitions. */
export function partitionCount(): number {
  const value = process.env.TEST_DATABASE_PARTITIONED
  if (!value || value === '0' || value === 'false') return 0
  if (value === '1' || value === 'true') return 8
  const n = Number(value)
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`TEST_DATABASE_PARTITIONED must be a whole number, not '${value}'.`)
  return n
}
