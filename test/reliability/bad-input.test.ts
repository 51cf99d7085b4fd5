import { appendFileSync, readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/test-app.js'
import { TABLES_SQL } from '../helpers/database.js'
import { createTestApp } from '../helpers/test-app.js'
import type { World } from '../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../helpers/subscriptions.js'
import { V2_AUDIENCE, V2_ISSUER, V2_SECRET, orgBearer } from '../helpers/v2.js'
import type { Malformed, Operation } from './malformed.js'
import { malformedRequests } from './malformed.js'

/** The document with every `#/components/...` reference replaced by what it names (the schemas are not recursive). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function inlineRefs(doc: Record<string, unknown>): Record<string, any> {
  const lookup = (ref: string): unknown =>
    ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc)
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve)
    if (value === null || typeof value !== 'object') return value
    const ref = (value as { $ref?: unknown }).$ref
    if (typeof ref === 'string' && ref.startsWith('#/')) return resolve(lookup(ref))
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]))
  }
  return { ...doc, paths: resolve(doc.paths) }
}

/**
 * Issue 12 item 4: for every operation of openapi/openapi.json, at least 30 malformed requests
 * derived from its own schemas. None may answer 5xx; every answer is a 4xx problem (the V2 API's
 * own error body on its paths) that names the bad field where there is one; and nothing is written
 * (the row count of every table is the same before and after each operation's requests).
 */
const document = inlineRefs(JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')))
const METHODS = ['get', 'post', 'put', 'patch', 'delete']
const operations: Operation[] = Object.entries(document.paths as Record<string, Record<string, any>>) // eslint-disable-line @typescript-eslint/no-explicit-any
  .flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({
      method: m.toUpperCase(),
      path,
      parameters: item[m].parameters ?? [],
      body: item[m].requestBody?.content?.['application/json']?.schema,
    })),
  )
// Routes without input or authentication: health, metrics and the documents themselves.
const OPEN = (op: Operation) => {
  const security = document.paths[op.path][op.method.toLowerCase()].security ?? document.security ?? []
  return security.length === 0
}

let t: TestApp
let world: World
let org: string
let v2Auth: { headers: Record<string, string> }
let ids: (name: string) => string | undefined
const figures = { operations: 0, requests: 0, status: new Map<number, number>(), fiveHundreds: 0, writes: 0 }

beforeAll(async () => {
  t = await createTestApp({ v2: { jwtSecret: V2_SECRET, jwtAudience: [V2_AUDIENCE], jwtIssuer: V2_ISSUER } })
  world = await subscriptionWorld(t)
  const subscription = await makeSubscription(t, world)
  org = world.tenant.tenant.name
  v2Auth = await orgBearer(t, org)
  // Real ids where a route needs one to get past its lookup; any well-formed id otherwise.
  const known: Record<string, string> = {
    org,
    subscriptionId: subscription.subscriptionId,
    customerId: world.customer.customerId,
  }
  // Other entity ids: well formed, of nothing (the malformed part is elsewhere); other path values
  // (an ICCID, a promotion code) are drawn from their own schema.
  ids = (name) => known[name] ?? (/Id$/.test(name) ? '0195c3a2-7c4e-7000-8000-000000000000' : undefined)
})
afterAll(async () => {
  const byStatus = [...figures.status.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`)
  console.log(
    `bad input: ${figures.operations} operations, ${figures.requests} malformed requests, ${figures.fiveHundreds} answers 5xx, ${figures.writes} operations that wrote; statuses ${byStatus.join(' ')}`,
  )
  await t?.close()
})

/**
 * Every table's row count as one string: equal strings, nothing written. The idempotency store is
 * left out: a refusal from a handler (404, 409, 422) is stored under its key so that a retry
 * replays it, which is the point of the key, not an effect of the request.
 */
async function rowCounts(): Promise<string> {
  const rows = async <T>(query: ReturnType<typeof sql.raw>): Promise<T[]> =>
    ((await t.services.db.execute(query)) as unknown as { rows: T[] }).rows
  const tables = (await rows<{ name: string }>(sql.raw(TABLES_SQL))).filter(({ name }) => name !== 'idempotency_key')
  const union = tables
    .map(({ name }) => `SELECT '${name}' AS name, count(*)::int AS n FROM "${name}"`)
    .join(' UNION ALL ')
  const counts = await rows<{ name: string; n: number }>(sql.raw(union))
  return counts.map((c) => `${c.name}=${c.n}`).join(' ')
}

async function send(op: Operation, bad: Malformed) {
  const auth = op.path.startsWith('/v2/') ? v2Auth : world.tenant
  return t.request(auth, {
    method: bad.method as 'GET',
    url: bad.url,
    headers: { 'x-idempotency-key': `bad-${figures.requests}`, ...bad.headers },
    ...(bad.raw !== undefined
      ? { payload: bad.raw }
      : bad.payload !== undefined
        ? { payload: bad.payload as object }
        : {}),
  })
}

describe('malformed requests from the OpenAPI document', () => {
  it('covers every operation with at least 30 malformed requests each', () => {
    const counts = operations.map((op) => malformedRequests(op, () => undefined).length)
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(30)
    expect(operations.length).toBeGreaterThan(90)
  })

  it.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))(
    '%s: never 5xx, always a 4xx naming the field, nothing written',
    async (_name, op) => {
      const before = await rowCounts()
      const failures: string[] = []
      for (const bad of malformedRequests(op, ids)) {
        figures.requests++
        const res = await send(op, bad)
        figures.status.set(res.statusCode, (figures.status.get(res.statusCode) ?? 0) + 1)
        const where = `${bad.name} (${bad.method} ${bad.url.slice(0, 80)}) → ${res.statusCode} ${res.body.slice(0, 300)}`
        if (res.statusCode >= 500) figures.fiveHundreds++
        if (OPEN(op)) {
          if (res.statusCode >= 500) failures.push(where)
          continue
        }
        if (res.statusCode < 400 || res.statusCode >= 500) {
          failures.push(where)
          continue
        }
        const v2 = op.path.startsWith('/v2/')
        const type = String(res.headers['content-type'] ?? '')
        if (!type.startsWith(v2 ? 'application/json' : 'application/problem+json'))
          failures.push(`${where}: content-type ${type}`)
        const body = JSON.parse(res.body) as { code?: string; errors?: { path: string }[] }
        if (!body.code) failures.push(`${where}: no code`)
        if (res.statusCode === 400 && bad.field) {
          const paths = (body.errors ?? []).map((e) => e.path)
          if (!paths.some((p) => p === bad.field || p.startsWith(`${bad.field}/`)))
            failures.push(`${where}: does not name ${bad.field}`)
        }
      }
      figures.operations++
      const after = await rowCounts()
      if (after !== before) figures.writes++
      if (process.env.BAD_INPUT_REPORT)
        appendFileSync(process.env.BAD_INPUT_REPORT, failures.map((f) => `${f}\n`).join(''))
      expect(failures).toEqual([])
      const changed = after.split(' ').filter((count) => !before.split(' ').includes(count))
      expect(changed, `tables written by ${op.method} ${op.path}`).toEqual([])
    },
    120_000,
  )
})
