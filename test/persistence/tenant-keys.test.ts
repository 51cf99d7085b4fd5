import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import { queryRows } from '../../src/persistence/database.js'
import { MIGRATION_TABLE, PLATFORM_TABLES } from '../../src/persistence/platform-tables.js'
import { createTestDatabase } from '../helpers/database.js'

/**
 * The schema stays distributable by tenant (Citus, or the hash-partitioned twin): the platform tables
 * (`tenant`, the operators: src/persistence/platform-tables.ts) aside, every table has a `tenant_id`, every primary, unique and exclusion key and every unique index
 * of the others leads with it, every foreign key between them joins on it first, and nothing draws
 * from a sequence (a sequence is one counter for all shards).
 */
let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

/** The tables that are not tenant tables: the platform's (reference tables on Citus) and the migrator's. */
const notTenant = sql.join(
  [...PLATFORM_TABLES, MIGRATION_TABLE].map((name) => sql`${name}`),
  sql`, `,
)

const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query)

describe('tenant keys', () => {
  it('has tenant_id on every table but the platform tables', async () => {
    const without = await rows<{ table_name: string }>(sql`
      SELECT t.table_name FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND t.table_name NOT IN (${notTenant})
        AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
          WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'tenant_id')
        AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
          WHERE p.relname = t.table_name)`)
    expect(without.map((r) => r.table_name)).toEqual([])
  })

  it('leads every key, unique index and foreign key with tenant_id', async () => {
    const keys = await rows<{ name: string; kind: string; columns: string[]; referenced: string[] | null }>(sql`
      SELECT c.conname AS name, c.contype AS kind,
             array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
             CASE WHEN c.contype = 'f' THEN array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) END AS referenced
      FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
      WHERE r.relnamespace = 'public'::regnamespace AND r.relname NOT IN (${notTenant})
        AND c.contype IN ('p', 'u', 'f', 'x') AND NOT r.relispartition AND c.conparentid = 0`)
    expect(keys.length).toBeGreaterThan(40)
    const offending = keys.filter(
      (k) => k.columns[0] !== 'tenant_id' || (k.kind === 'f' && k.referenced?.[0] !== 'tenant_id' && !isTenantRef(k)),
    )
    expect(offending.map((k) => `${k.name} (${k.columns.join(', ')})`)).toEqual([])

    const unique = await rows<{ name: string; first: string }>(sql`
      SELECT ic.relname AS name, a.attname AS first
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class r ON r.oid = i.indrelid
      LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = i.indkey[0]
      WHERE i.indisunique AND r.relnamespace = 'public'::regnamespace
        AND r.relname NOT IN (${notTenant}) AND NOT r.relispartition`)
    expect(unique.filter((u) => u.first !== 'tenant_id').map((u) => u.name)).toEqual([])
  })

  it('uses no sequences but the one known exception', async () => {
    const sequences = await rows<{ relname: string }>(sql`
      SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace ORDER BY relname`)
    expect(sequences.map((s) => s.relname)).toEqual(KNOWN_SEQUENCES)
    const identities = await rows<{ column: string }>(sql`
      SELECT r.relname || '.' || a.attname AS column
      FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE r.relnamespace = 'public'::regnamespace AND r.relkind IN ('r', 'p') AND NOT r.relispartition
        AND a.attnum > 0 AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
      ORDER BY 1`)
    expect(identities.map((i) => i.column)).toEqual(['webhook_delivery.seq'])
  })
})

/**
 * `webhook_delivery.seq` (0017, an identity column) orders a stream's deliveries. Citus distributes
 * such a sequence with one range per node, so it stays unique but is ordered only among rows
 * inserted through the same node: docs/scaling.md says to insert through the coordinator until it
 * is replaced by a per-stream number. Nothing else may add one.
 */
const KNOWN_SEQUENCES = ['webhook_delivery_seq_seq']

/** A foreign key to `tenant` itself: (tenant_id) REFERENCES tenant (id). */
const isTenantRef = (k: { columns: string[]; referenced: string[] | null }) =>
  k.columns.length === 1 && k.columns[0] === 'tenant_id' && k.referenced?.[0] === 'id'
