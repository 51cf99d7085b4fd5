import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../src/domain/shared/ids.js'
import { queryRows } from '../../src/persistence/database.js'
import { listApiKeys } from '../../src/persistence/repositories/api-key.repository.js'
import { apiKey } from '../../src/persistence/schema/index.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
let tenantId: string
const ids: string[] = []

beforeAll(async () => {
  t = await createTestApp()
  tenantId = (await t.tenant()).tenant.id
  for (let batch = 0; batch < 10; batch++) {
    const rows = Array.from({ length: 500 }, (_, i) => ({
      tenantId,
      id: newId(),
      label: `k${batch}-${i}`,
      secretHash: '0'.repeat(64),
      hint: 'xxxx',
      scopes: ['read'],
      createdAt: t.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    }))
    ids.push(...rows.map((r) => r.id))
    await t.services.db.insert(apiKey).values(rows)
  }
  await t.services.db.execute(sql`ANALYZE api_key`)
})
afterAll(() => t.close())

/** The rows the database actually read to answer a page: the cost that must not grow with depth. */
async function rowsRead(after: string | undefined): Promise<number> {
  const query = t.services.db
    .select()
    .from(apiKey)
    .where(sql`${apiKey.tenantId} = ${tenantId}${after ? sql` and ${apiKey.id} > ${after}` : sql``}`)
    .orderBy(apiKey.id)
    .limit(101)
  const { sql: text, params } = query.toSQL()
  const inlined = params.reduce<string>((acc, p, i) => acc.replace(`$${i + 1}`, `'${String(p)}'`), text)
  const [plan] = await queryRows<{ 'QUERY PLAN': unknown }>(
    t.services.db,
    sql.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${inlined}`),
  )
  const json = (typeof plan?.['QUERY PLAN'] === 'string' ? JSON.parse(plan['QUERY PLAN']) : plan?.['QUERY PLAN']) as {
    Plan: PlanNode
  }[]
  return maxRows(json[0]?.Plan as PlanNode)
}
type PlanNode = { 'Actual Rows': number; Plans?: PlanNode[] }
const maxRows = (node: PlanNode): number => Math.max(node['Actual Rows'], ...(node.Plans ?? []).map(maxRows))

describe('keyset paging cost', () => {
  it('reads as many rows for a page deep in the list as for the first', async () => {
    const first = await rowsRead(undefined)
    const deep = await rowsRead(ids[4800])
    expect(first).toBeLessThanOrEqual(101)
    expect(deep).toBeLessThanOrEqual(101)
    const page = await listApiKeys(t.services.db, tenantId, { limit: 101, after: ids[4800] as string })
    expect(page[0]?.id).toBe(ids[4801])
  })
})
