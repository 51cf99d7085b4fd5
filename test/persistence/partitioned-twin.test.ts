import { sql } from 'drizzle-orm'
import { isPlatformTable } from '../../src/persistence/platform-tables.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import { queryRows } from '../../src/persistence/database.js'
import { createTestDatabase, onPostgres } from '../helpers/database.js'
import { partitionCount } from '../helpers/global-setup.js'
import { partitionTenantTables } from '../helpers/partitioned.js'

/**
 * The hash-partitioned twin (TEST_DATABASE_PARTITIONED, on PostgreSQL) keeps every key, index and
 * foreign key of the schema, and PostgreSQL then refuses a unique key without tenant_id, as Citus does.
 */
let database: Database
let partitions: number
const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query)

/** Constraints and indexes by table (partitions folded into their parent), for a before/after comparison. */
const shape = () =>
  rows<{ table: string; kind: string; name: string; def: string }>(sql`
    SELECT r.relname AS table, 'c' || c.contype::text AS kind, c.conname AS name, pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
    WHERE r.relnamespace = 'public'::regnamespace AND NOT r.relispartition AND c.conparentid = 0
      AND c.contype IN ('p', 'u', 'f', 'x', 'c')
    UNION ALL
    SELECT r.relname, 'index', i.relname, regexp_replace(pg_get_indexdef(i.oid), ' ONLY ', ' ')
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid
    WHERE r.relnamespace = 'public'::regnamespace AND NOT r.relispartition
    ORDER BY 1, 2, 3`)

beforeAll(async () => {
  if (!onPostgres()) return
  database = await createTestDatabase()
  partitions = partitionCount()
})
afterAll(() => database?.close())

describe.skipIf(!onPostgres())('partitioned twin', () => {
  it('rebuilds every tenant table partitioned by tenant_id, with the same keys, indexes and foreign keys', async () => {
    const before = await shape()
    if (partitions === 0) {
      partitions = 4
      await partitionTenantTables(database.scripts, partitions)
    }
    expect(await shape()).toEqual(before)
    const tables = await rows<{ table: string; key: string; count: number }>(sql`
      SELECT r.relname AS table, pg_get_partkeydef(r.oid) AS key,
             (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = r.oid) AS count
      FROM pg_class r WHERE r.relnamespace = 'public'::regnamespace AND r.relkind IN ('r', 'p')
        AND NOT r.relispartition AND r.relname NOT IN ('tenant', 'schema_migration') ORDER BY 1`)
    expect(tables.length).toBeGreaterThan(20)
    const tenantTables = tables.filter((t) => !isPlatformTable(t.table))
    expect(tenantTables.filter((t) => t.key !== 'HASH (tenant_id)' || t.count !== partitions)).toEqual([])
    // The platform tables (reference tables on Citus) stay whole.
    expect(tables.filter((t) => isPlatformTable(t.table) && t.key !== null)).toEqual([])
  })

  it('refuses a unique key that does not contain tenant_id, as Citus does', async () => {
    const error = await database.db.execute(sql`CREATE UNIQUE INDEX job_by_id ON job (id)`).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(String(error?.cause ?? error)).toMatch(/must include all partitioning columns/)
  })
})
