import type { ScriptRunner } from './database.js'
import { PLATFORM_TABLES, isPlatformTable } from './platform-tables.js'

/**
 * Distribution on Citus (`openline migrate --distribute`): the platform tables (`tenant`, the
 * operators) become reference tables, in dependency order, and every other table with a `tenant_id`
 * is distributed by it, all co-located with the first, each after the
 * tables its foreign keys point at. Idempotent: a table already in `pg_dist_partition` is skipped.
 */
export class CitusMissingError extends Error {
  override name = 'CitusMissingError'
  constructor() {
    super(
      'The citus extension is not installed in this database: --distribute needs Citus (CREATE EXTENSION citus on the coordinator). Nothing was changed.',
    )
  }
}

interface Catalog {
  tables: string[]
  /** [referencing, referenced] between tenant tables. */
  references: [string, string][]
  /** [referencing, referenced] between platform tables. */
  platformReferences: [string, string][]
  distributed: Set<string>
}

/** The statements still to run, in order, given the catalog. */
export function distributionStatements(catalog: Catalog): string[] {
  const statements: string[] = []
  const references = dependencyOrder([...PLATFORM_TABLES], catalog.platformReferences)
  for (const table of references) {
    if (!catalog.distributed.has(table)) statements.push(`SELECT create_reference_table('${table}')`)
  }
  const ordered = dependencyOrder(catalog.tables, catalog.references)
  const anchor = ordered[0]
  for (const table of ordered) {
    if (catalog.distributed.has(table)) continue
    const colocate = table === anchor ? 'default' : anchor
    statements.push(`SELECT create_distributed_table('${table}', 'tenant_id', colocate_with => '${colocate}')`)
  }
  return statements
}

/** Tables sorted so each comes after every table it references (names break ties, for a stable order). */
function dependencyOrder(tables: string[], references: [string, string][]): string[] {
  const remaining = new Set(tables)
  const ordered: string[] = []
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter((t) => !references.some(([from, to]) => from === t && to !== t && remaining.has(to)))
      .sort()
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle among: ${[...remaining].sort().join(', ')}.`)
    for (const t of ready) {
      ordered.push(t)
      remaining.delete(t)
    }
  }
  return ordered
}

async function readCatalog(
  query: <R>(sql: string, params?: unknown[]) => Promise<R[]>,
  citus: boolean,
): Promise<Catalog> {
  const tables = (
    await query<{ name: string }>(
      `SELECT r.relname AS name FROM pg_class r
       WHERE r.relnamespace = 'public'::regnamespace AND r.relkind IN ('r', 'p') AND NOT r.relispartition
         AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
       ORDER BY 1`,
    )
  )
    .map((r) => r.name)
    .filter((name) => !isPlatformTable(name))
  const edges = (
    await query<{ source: string; target: string }>(
      `SELECT s.relname AS source, t.relname AS target FROM pg_constraint c
       JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid
       WHERE c.contype = 'f' AND c.conparentid = 0 AND s.relnamespace = 'public'::regnamespace`,
    )
  ).map((r) => [r.source, r.target] as [string, string])
  const references = edges.filter(([from, to]) => tables.includes(from) && tables.includes(to))
  const platformReferences = edges.filter(([from, to]) => isPlatformTable(from) && isPlatformTable(to))
  const distributed = citus
    ? new Set(
        (await query<{ name: string }>(`SELECT logicalrelid::regclass::text AS name FROM pg_dist_partition`)).map((r) =>
          r.name.replace(/^"|"$/g, ''),
        ),
      )
    : new Set<string>()
  return { tables, references, platformReferences, distributed }
}

async function hasCitus(query: <R>(sql: string, params?: unknown[]) => Promise<R[]>): Promise<boolean> {
  return (await query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`)).length > 0
}

/** What `--distribute` would run on this database (everything, where Citus is absent). */
export function planDistribution(scripts: ScriptRunner): Promise<string[]> {
  return scripts.transaction(async (_exec, query) =>
    distributionStatements(await readCatalog(query, await hasCitus(query))),
  )
}

/** Distributes the schema; throws CitusMissingError (changing nothing) where Citus is absent. Returns what ran. */
export async function distribute(scripts: ScriptRunner): Promise<string[]> {
  return scripts.transaction(async (exec, query) => {
    if (!(await hasCitus(query))) throw new CitusMissingError()
    const statements = distributionStatements(await readCatalog(query, true))
    // One transaction: Citus then needs its DDL sequential (a parallel one cannot be followed by
    // foreign keys to the reference table in the same transaction).
    await exec(`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`)
    for (const statement of statements) await exec(statement)
    return statements
  })
}
