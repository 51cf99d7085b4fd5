import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Executor } from '../../src/persistence/database.js'
import { queryRows } from '../../src/persistence/database.js'
import { TABLES_SQL } from './database.js'
import type { TestTenant } from './factories.js'
import type { TestApp } from './test-app.js'

/**
 * Tables whose rows a request changes without writing anything: the key it authenticates with is
 * touched (`last_used_at`) as on any read. They are still counted, not compared row by row.
 */
const TOUCHED_BY_READS = new Set(['api_key'])

/**
 * Every table of the schema, with its row count and a digest of its whole content: a dry-run that
 * inserts, updates or deletes anything (an event, a job, an idempotency claim, a number's status)
 * changes one of them.
 */
export async function snapshot(db: Executor): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(db, sql.raw(TABLES_SQL))
  expect(tables.length).toBeGreaterThan(20)
  const result: Record<string, string> = {}
  for (const { name } of tables) {
    const table = sql.identifier(name)
    const [row] = TOUCHED_BY_READS.has(name)
      ? await queryRows<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM ${table}`)
      : await queryRows<{ n: string }>(
          db,
          sql`SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS n FROM ${table} t`,
        )
    result[name] = row?.n ?? ''
  }
  return result
}

/** Ids (UUIDs) replaced by their order of first appearance, so two answers that differ only by new ids compare equal. */
export function normalise(body: string): unknown {
  const seen = new Map<string, string>()
  const text = body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, (id) => {
    const key = id.toLowerCase()
    if (!seen.has(key)) seen.set(key, `<id${seen.size + 1}>`)
    return seen.get(key) as string
  })
  return text === '' ? '' : JSON.parse(text)
}

export const DRY_RUN = { prefer: 'dry-run' }

/**
 * Sends `request` as a dry-run, checks that it changed nothing in the database, then sends it for
 * real (with the same headers, idempotency key included) and checks both answered the same
 * (status, body with ids aside, content type, Location) and the real one was no replay. Returns
 * both answers and the tables the real call changed.
 */
export async function previewThenApply(
  t: TestApp,
  tenant: TestTenant | { headers: Record<string, string> },
  request: InjectOptions,
): Promise<{ preview: LightMyRequestResponse; real: LightMyRequestResponse; changed: string[] }> {
  const db = t.services.database.db
  const before = await snapshot(db)
  const preview = await t.request(tenant, {
    ...request,
    headers: { ...(request.headers as Record<string, string> | undefined), ...DRY_RUN },
  })
  expect(preview.headers['openline-dry-run'], preview.body).toBe('true')
  expect(preview.headers['preference-applied']).toBe('dry-run')
  expect(await snapshot(db)).toEqual(before)
  const real = await t.request(tenant, request)
  expect(real.headers['openline-dry-run']).toBeUndefined()
  expect({ status: preview.statusCode, body: normalise(preview.body) }).toEqual({
    status: real.statusCode,
    body: normalise(real.body),
  })
  expect(preview.headers['content-type']).toBe(real.headers['content-type'])
  expect(preview.headers.location === undefined).toBe(real.headers.location === undefined)
  expect(real.headers['idempotent-replayed']).toBeUndefined()
  // Whether the real call changed anything: a write that succeeds should, or the check above proves nothing.
  const after = await snapshot(db)
  return { preview, real, changed: Object.keys(after).filter((name) => after[name] !== before[name]) }
}
