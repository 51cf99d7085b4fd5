import type { ScriptRunner } from '../../src/persistence/database.js'
import { isPlatformTable } from '../../src/persistence/platform-tables.js'

/**
 * The hash-partitioned twin: rebuilds every tenant table (every table with a `tenant_id` column) of a
 * migrated database as `PARTITION BY HASH (tenant_id)` with `partitions` partitions, keeping its
 * columns, defaults, checks, keys, indexes, foreign keys and rows under the same names. PostgreSQL
 * then enforces the rule Citus does: a primary or unique key must contain the partition key
 * (a key that does not fails here with "unique constraint on partitioned table must include all
 * partitioning columns"). Partition `i` of table `x` is named `x_p<i>`.
 */
export function partitionTenantTables(scripts: ScriptRunner, partitions: number): Promise<string[]> {
  return scripts.transaction(async (_exec, query) => {
    const client = { query: async <R>(text: string, params?: unknown[]) => ({ rows: await query<R>(text, params) }) }
    return rebuild(client, partitions)
  })
}

interface Client {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>
}

async function rebuild(client: Client, partitions: number): Promise<string[]> {
  const tables = (
    await client.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
       ORDER BY c.table_name`,
    )
  ).rows
    .map((r) => r.table_name)
    .filter((name) => !isPlatformTable(name))
  if (tables.length === 0) return []
  // Keys, checks and foreign keys first (foreign keys last, once every table they point at exists).
  const constraints = (
    await client.query<{ table: string; name: string; type: string; def: string }>(
      `SELECT quote_ident(r.relname) AS table, quote_ident(c.conname) AS name, c.contype AS type,
              pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
       LEFT JOIN pg_class f ON f.oid = c.confrelid
       WHERE r.relnamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f', 'x')
         AND (r.relname = ANY($1) OR f.relname = ANY($1))
       ORDER BY c.contype = 'f', c.conname`,
      [tables],
    )
  ).rows
  // Indexes that no constraint owns.
  const indexes = (
    await client.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
       WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [tables],
    )
  ).rows
  const triggers = (
    await client.query<{ def: string }>(
      `SELECT pg_get_triggerdef(g.oid) AS def FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
       WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace AND NOT g.tgisinternal`,
      [tables],
    )
  ).rows
  for (const name of tables) {
    const table = quote(name)
    const twin = quote(`${name}__twin`)
    await client.query(
      `CREATE TABLE ${twin} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY)
         PARTITION BY HASH (tenant_id)`,
    )
    for (let i = 0; i < partitions; i++)
      await client.query(
        `CREATE TABLE ${quote(`${name}_p${i}`)} PARTITION OF ${twin} FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${i})`,
      )
    await client.query(`INSERT INTO ${twin} OVERRIDING SYSTEM VALUE SELECT * FROM ${table}`)
  }
  for (const name of tables) {
    await client.query(`DROP TABLE ${quote(name)} CASCADE`)
    await client.query(`ALTER TABLE ${quote(`${name}__twin`)} RENAME TO ${quote(name)}`)
    // An identity column's sequence was named after the twin: give it the original's name.
    const owned = await client.query<{ name: string }>(
      `SELECT s.relname AS name FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
       WHERE s.relkind = 'S' AND d.refobjid = $1::regclass AND d.deptype IN ('a', 'i')`,
      [quote(name)],
    )
    for (const { name: seq } of owned.rows)
      await client.query(`ALTER SEQUENCE ${quote(seq)} RENAME TO ${quote(seq.replace(`${name}__twin_`, `${name}_`))}`)
  }
  // The drop took every key of the rebuilt tables and every foreign key pointing at them.
  for (const c of constraints) await client.query(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`)
  for (const { def } of indexes) await client.query(def)
  for (const { def } of triggers) await client.query(def)
  await nameIndexPartitions(client)
  return tables
}

/**
 * A partition's copy of a key is named `<key>_p<n>`, as a Citus shard's is `<key>_<shard id>`, so a
 * unique violation still names its key (src/persistence/errors.ts reads through the suffix);
 * PostgreSQL's own names (`customer_p3_tenant_id_reference_key`) would hide it.
 */
async function nameIndexPartitions(client: Client): Promise<void> {
  const children = (
    await client.query<{ child: string; parent: string; partition: string }>(
      `SELECT c.relname AS child, p.relname AS parent, t.relname AS partition
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid
       WHERE c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace`,
    )
  ).rows
  for (const { child, parent, partition } of children) {
    const name = `${parent}_p${/_p(\d+)$/.exec(partition)?.[1] ?? ''}`
    if (name.length <= 63 && name !== child) await client.query(`ALTER INDEX ${quote(child)} RENAME TO ${quote(name)}`)
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
