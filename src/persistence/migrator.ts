import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ScriptRunner } from './database.js'

export interface Migration {
  id: number
  name: string
  sql: string
  checksum: string
}

export interface MigrationStatus {
  id: number
  name: string
  appliedAt: Date | null
}

/** The SQL files ship beside the compiled module (the build copies them), so no source tree is needed. */
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/
/** Serialises concurrent migrators (several `serve` processes starting at once). */
const LOCK_KEY = 7_345_112_901

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => FILE.test(file))
    .sort()
    .map((file) => {
      const [, id, name] = FILE.exec(file) as RegExpExecArray
      const sql = readFileSync(`${dir}/${file}`, 'utf8')
      return { id: Number(id), name: `${id}_${name}`, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
  migrations.forEach((m, index) => {
    if (m.id !== index + 1)
      throw new MigrationError(`Migrations must be numbered 0001, 0002, … without gaps; found ${m.name}.`)
  })
  return migrations
}

type Applied = { id: number; name: string; checksum: string; applied_at: Date }

const ENSURE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migration (
  id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`

/**
 * Applies pending migrations, each in its own transaction, forward-only. An applied migration whose
 * file changed, or a database migrated by a newer Openline, is an error: nothing is applied then.
 */
export async function migrate(scripts: ScriptRunner, migrations = loadMigrations()): Promise<Migration[]> {
  const applied: Migration[] = []
  await migrationStatus(scripts, migrations) // refuses a changed or unknown migration before applying anything
  for (const migration of migrations) {
    const done = await scripts.transaction(async (exec, query) => {
      await exec(ENSURE_TABLE)
      await query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY])
      const rows = await query<Applied>('SELECT id, name, checksum, applied_at FROM schema_migration ORDER BY id')
      verify(rows, migrations)
      if (rows.some((row) => row.id === migration.id)) return false
      await exec(migration.sql)
      await query('INSERT INTO schema_migration (id, name, checksum) VALUES ($1, $2, $3)', [
        migration.id,
        migration.name,
        migration.checksum,
      ])
      return true
    })
    if (done) applied.push(migration)
  }
  return applied
}

export async function migrationStatus(
  scripts: ScriptRunner,
  migrations = loadMigrations(),
): Promise<MigrationStatus[]> {
  const rows = await scripts.transaction(async (exec, query) => {
    await exec(ENSURE_TABLE)
    return query<Applied>('SELECT id, name, checksum, applied_at FROM schema_migration ORDER BY id')
  })
  verify(rows, migrations)
  return migrations.map((m) => ({
    id: m.id,
    name: m.name,
    appliedAt: rows.find((r) => r.id === m.id)?.applied_at ?? null,
  }))
}

function verify(rows: Applied[], migrations: Migration[]): void {
  for (const row of rows) {
    const known = migrations.find((m) => m.id === row.id)
    if (!known) {
      throw new MigrationError(
        `The database has migration ${row.name}, which this version of Openline does not know: it was migrated by a newer version.`,
      )
    }
    if (known.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.name} was changed after it was applied. Migrations are forward-only: add a new one instead.`,
      )
    }
  }
}
