import { getTableConfig } from 'drizzle-orm/pg-core'
import type { PgTable } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import { queryRows } from '../../src/persistence/database.js'
import { MigrationError, loadMigrations, migrate, migrationStatus } from '../../src/persistence/migrator.js'
import * as schema from '../../src/persistence/schema/index.js'
import { createTestDatabase } from '../helpers/database.js'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const tables = (Object.values(schema) as unknown[]).filter(
  (v): v is PgTable => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v,
)

describe('migrations', () => {
  it('are numbered without gaps and all applied', async () => {
    const status = await migrationStatus(database.scripts)
    expect(status.map((m) => m.id)).toEqual(loadMigrations().map((_, i) => i + 1))
    expect(status.every((m) => m.appliedAt)).toBe(true)
    expect(await migrate(database.scripts)).toEqual([])
  })

  it('refuse a migration changed after it was applied', async () => {
    const changed = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m))
    await expect(migrate(database.scripts, changed)).rejects.toThrow(MigrationError)
    await expect(migrate(database.scripts, changed)).rejects.toThrow(/forward-only/)
  })

  it('refuse a database migrated by a newer version', async () => {
    await expect(migrate(database.scripts, loadMigrations().slice(0, 0))).rejects.toThrow(/newer version/)
  })

  it('match the Drizzle schema the queries are typed by, column by column', async () => {
    const columns = await queryRows<{ table_name: string; column_name: string; is_nullable: string }>(
      database.db,
      sql`select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'`,
    )
    for (const table of tables) {
      const config = getTableConfig(table)
      const actual = columns.filter((c) => c.table_name === config.name)
      expect(actual.map((c) => c.column_name).sort(), config.name).toEqual(config.columns.map((c) => c.name).sort())
      for (const column of config.columns) {
        const nullable = actual.find((c) => c.column_name === column.name)?.is_nullable === 'YES'
        expect(nullable, `${config.name}.${column.name} nullable`).toBe(!column.notNull && !column.primary)
      }
    }
  })

  it('lead every primary, unique and foreign key of tenant-owned tables with tenant_id', async () => {
    const keys = await queryRows<{ table_name: string; kind: string; name: string; first_column: string }>(
      database.db,
      sql`
        select c.relname as table_name, 'constraint ' || k.contype::text as kind, k.conname as name, a.attname as first_column
          from pg_constraint k
          join pg_class c on c.oid = k.conrelid
          join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
         where k.contype in ('p', 'u', 'f')
        union all
        select c.relname, 'unique index', i.relname, a.attname
          from pg_index x
          join pg_class i on i.oid = x.indexrelid
          join pg_class c on c.oid = x.indrelid
          join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
          join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
         where x.indisunique`,
    )
    // Platform tables: tenants themselves, and operators, who span tenants (their membership's key
    // leads with tenant_id; its reference to the operator cannot).
    const platform = ['tenant', 'schema_migration', 'operator', 'operator_session', 'operator_sign_in_failure']
    const offenders = keys.filter(
      (k) =>
        !platform.includes(k.table_name) &&
        k.first_column !== 'tenant_id' &&
        !(k.table_name === 'operator_membership' && k.name === 'operator_membership_operator_id_fkey'),
    )
    expect(offenders).toEqual([])
    expect(keys.filter((k) => k.table_name !== 'tenant' && k.table_name !== 'schema_migration').length).toBeGreaterThan(
      3,
    )
  })
})
