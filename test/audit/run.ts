/**
 * The statement audit and the plan check, over what a test run captured (test/audit/capture.ts).
 *
 *   TEST_SQL_CAPTURE=/tmp/sql TEST_DATABASE_URL=… npx vitest run
 *   npx tsx test/audit/run.ts /tmp/sql              # the audit: every statement tied to one tenant
 *   TEST_DATABASE_URL=… npx tsx test/audit/run.ts /tmp/sql --plans   # and the plans on the twin
 *
 * Only Openline's statements (built in src/) are judged; what tests send themselves is left out.
 * Exits 1 on any statement outside the allow-list (test/audit/cross-tenant.ts) that breaks the rule,
 * or, with --plans, whose plan on the hash-partitioned twin touches more than one partition of a table.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { getTableConfig } from 'drizzle-orm/pg-core'
import type { PgTable } from 'drizzle-orm/pg-core'
import { is } from 'drizzle-orm'
import { PgTable as PgTableClass } from 'drizzle-orm/pg-core'
import pg from 'pg'
import * as schema from '../../src/persistence/schema/index.js'
import { isPlatformTable } from '../../src/persistence/platform-tables.js'
import { createPostgres } from '../../src/persistence/database.js'
import { migrate } from '../../src/persistence/migrator.js'
import { withDatabase } from '../helpers/global-setup.js'
import { partitionTenantTables } from '../helpers/partitioned.js'
import type { Finding } from './analyse.js'
import { analyse } from './analyse.js'
import type { Captured } from './capture.js'
import { allowedCrossTenant } from './cross-tenant.js'

interface Statement {
  text: string
  samples: unknown[][]
  origins: Set<string>
}

export function tenantTables(): Set<string> {
  const names = new Set<string>()
  for (const value of Object.values(schema)) {
    if (!is(value, PgTableClass)) continue
    const config = getTableConfig(value as PgTable)
    if (config.columns.some((c) => c.name === 'tenant_id') && !isPlatformTable(config.name)) names.add(config.name)
  }
  return names
}

export function readCapture(dir: string): Statement[] {
  const byText = new Map<string, Statement>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue
      const c = JSON.parse(line) as Captured
      const s = byText.get(c.text) ?? { text: c.text, samples: [], origins: new Set<string>() }
      byText.set(c.text, s)
      if (s.samples.length < 2) s.samples.push(...c.samples.slice(0, 2 - s.samples.length))
      for (const o of c.origins) s.origins.add(o)
    }
  }
  // Openline's own statements: sent from src/ at least once.
  return [...byText.values()].filter((s) => [...s.origins].some((o) => o.startsWith('src/')))
}

const short = (text: string) => text.replace(/\s+/g, ' ').slice(0, 220)

async function audit(statements: Statement[], tables: Set<string>) {
  const failures: { s: Statement; findings: Finding[] }[] = []
  const allowed = new Map<string, number>()
  for (const s of statements) {
    let findings: Finding[]
    try {
      findings = await analyse(s.text, tables)
    } catch (error) {
      console.error(`cannot parse: ${short(s.text)}: ${String(error)}`)
      failures.push({ s, findings: [] })
      continue
    }
    if (findings.length === 0) continue
    const entry = allowedCrossTenant(s.text)
    // A SELECT … FOR UPDATE that spans tenants is never allowed; an UPDATE or DELETE only by an entry that `writes`.
    const refused = findings.some(
      (f) => f.problem === 'lock-untied' || (f.problem === 'write-untied' && !entry?.writes),
    )
    if (entry && !refused) {
      allowed.set(entry.name, (allowed.get(entry.name) ?? 0) + 1)
      continue
    }
    failures.push({ s, findings })
  }
  return { failures, allowed }
}

/** Partitions each statement's plan touches, by table, on the twin (plan-time pruning with the sample's values). */
async function plans(statements: Statement[], adminUrl: string) {
  const name = `openline_plans_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const failures: { s: Statement; spans: string[] }[] = []
  let explained = 0
  try {
    const database = createPostgres(withDatabase(adminUrl, name), 1)
    await migrate(database.scripts)
    await partitionTenantTables(database.scripts, 8)
    await database.close()
    const client = new pg.Client({ connectionString: withDatabase(adminUrl, name) })
    await client.connect()
    try {
      for (const s of statements) {
        if (!/^\s*(select|insert|update|delete|with)\b/i.test(s.text)) continue
        const values = s.samples[0] ?? []
        let plan: unknown
        try {
          plan = (await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${s.text}`, values)).rows[0]?.[
            'QUERY PLAN'
          ]
        } catch (error) {
          console.error(`cannot explain: ${short(s.text)}: ${String(error)}`)
          continue
        }
        explained++
        const touched = new Map<string, Set<string>>()
        walkPlan(plan, (relation) => {
          const match = /^(.*)_p\d+$/.exec(relation)
          if (!match) return
          const parent = match[1] as string
          const set = touched.get(parent) ?? new Set<string>()
          set.add(relation)
          touched.set(parent, set)
        })
        const spans = [...touched].filter(([, set]) => set.size > 1).map(([parent, set]) => `${parent} (${set.size})`)
        if (spans.length > 0 && !allowedCrossTenant(s.text)) failures.push({ s, spans })
      }
    } finally {
      await client.end()
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
  return { failures, explained }
}

function walkPlan(node: unknown, visit: (relation: string) => void): void {
  if (Array.isArray(node)) for (const n of node) walkPlan(n, visit)
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>
    if (typeof record['Relation Name'] === 'string') visit(record['Relation Name'])
    for (const value of Object.values(record)) if (typeof value === 'object') walkPlan(value, visit)
  }
}

async function main() {
  const [dir, flag] = process.argv.slice(2)
  if (!dir) throw new Error('usage: tsx test/audit/run.ts <capture dir> [--plans]')
  const started = Date.now()
  const statements = readCapture(dir)
  const tables = tenantTables()
  const { failures, allowed } = await audit(statements, tables)
  console.log(`audit: ${statements.length} distinct statements of Openline's, ${Date.now() - started} ms`)
  for (const [name, count] of allowed) console.log(`  allowed across tenants: ${name} (${count})`)
  for (const { s, findings } of failures)
    console.log(
      `  FAIL ${findings.map((f) => `${f.table}: ${f.problem}`).join(', ')}\n       ${short(s.text)}\n       from ${[...s.origins].filter((o) => o.startsWith('src/')).join(', ')}`,
    )
  let failed = failures.length > 0
  if (flag === '--plans') {
    const adminUrl = process.env.TEST_DATABASE_URL
    if (!adminUrl) throw new Error('--plans needs TEST_DATABASE_URL')
    const planStarted = Date.now()
    const result = await plans(statements, adminUrl)
    console.log(`plans: ${result.explained} statements explained on the twin, ${Date.now() - planStarted} ms`)
    for (const { s, spans } of result.failures)
      console.log(
        `  FAIL touches ${spans.join(', ')}\n       ${short(s.text)}\n       from ${[...s.origins].filter((o) => o.startsWith('src/')).join(', ')}`,
      )
    failed ||= result.failures.length > 0
  }
  process.exitCode = failed ? 1 : 0
}

await main()
