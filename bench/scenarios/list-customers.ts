import type { FastifyInstance } from 'fastify'
import type pg from 'pg'
import type { Scenario } from './scenario.js'

const LIMIT = 20
const COLUMNS =
  '"tenant_id", "id", "customer_type", "name", "identity", "preferred_locale", "human_readable_id", "contact_email", ' +
  '"contact_msisdn", "billing_method", "billing_email", "billing_address", "billing_currency", "default_payment_profile_id", ' +
  '"auto_pay", "shipping", "contact_person_user_id", "reference_id", "metadata", "created_at", "updated_at"'
// Drizzle's statements for the page (limit + 1 rows after the cursor's key) and its members, as Openline sends them.
const FIRST_PAGE = `select ${COLUMNS} from "customer" where "customer"."tenant_id" = $1 order by "customer"."id" asc limit $2`
const PAGE_AFTER = `select ${COLUMNS} from "customer" where ("customer"."tenant_id" = $1 and "customer"."id" > $2) order by "customer"."id" asc limit $3`
const MEMBERS = (n: number) =>
  'select "customer_user"."customer_id", "customer_user"."user_id", "app_user"."name", "customer_user"."role" from "customer_user" ' +
  'inner join "app_user" on ("app_user"."tenant_id" = "customer_user"."tenant_id" and "app_user"."id" = "customer_user"."user_id") ' +
  `where ("customer_user"."tenant_id" = $1 and "customer_user"."customer_id" in (${Array.from({ length: n }, (_, i) => `$${i + 2}`).join(', ')})) ` +
  'order by "customer_user"."created_at" asc, "customer_user"."user_id" asc'

interface CustomerRow {
  id: string
  customer_type: string
  name: string
  human_readable_id: string
  billing_method: string
  billing_currency: string
  metadata: unknown
  created_at: Date
  updated_at: Date
}

/** The bare GET /customers: the same two statements (the page, then its members), the rows as JSON. */
function listRoute(app: FastifyInstance, { pool, tenantId }: { pool: pg.Pool; tenantId: string }): void {
  app.get<{ Querystring: { cursor?: string; limit?: string } }>('/customers', async (req) => {
    const limit = Number(req.query.limit ?? LIMIT)
    const after = req.query.cursor
      ? (JSON.parse(Buffer.from(req.query.cursor, 'base64url').toString('utf8')) as { k: string }).k
      : undefined
    const { rows } =
      after === undefined
        ? await pool.query<CustomerRow>(FIRST_PAGE, [tenantId, limit + 1])
        : await pool.query<CustomerRow>(PAGE_AFTER, [tenantId, after, limit + 1])
    const items = rows.slice(0, limit)
    const members =
      items.length > 0 ? (await pool.query(MEMBERS(items.length), [tenantId, ...items.map((r) => r.id)])).rows : []
    const last = items.at(-1)
    return {
      items: items.map((r) => ({
        customerId: r.id,
        customerType: r.customer_type,
        name: r.name,
        humanReadableId: r.human_readable_id,
        billing: { method: r.billing_method, currency: r.billing_currency },
        metadata: r.metadata,
        users: members.filter((m: { customer_id: string }) => m.customer_id === r.id),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
      pagination: {
        limit,
        nextCursor:
          rows.length > limit && last ? Buffer.from(JSON.stringify({ v: 1, k: last.id })).toString('base64url') : null,
      },
    }
  })
}

/** `GET /customers`, the first page of 20. Compared with the same page at cursor depth (below). */
export const listFirstPage: Scenario = {
  name: 'GET /customers page 1',
  roundTrips: 'the page (limit + 1 rows by id) and its members (customer_user join app_user)',
  expectedStatus: 200,
  request: (fixture) => ({
    method: 'GET',
    path: `/customers?limit=${LIMIT}`,
    headers: { 'x-api-key': fixture.apiKey },
  }),
  baselineRoute: listRoute,
}

/** The same page of 20 after the first BENCH_LIST_DEPTH (100 000) customers, by cursor. */
export const listDeepPage: Scenario = {
  name: 'GET /customers at cursor depth',
  roundTrips: 'the page after the cursor key (keyset, id > $2) and its members',
  expectedStatus: 200,
  request: (fixture) => ({
    method: 'GET',
    path: `/customers?limit=${LIMIT}&cursor=${fixture.deepCursor}`,
    headers: { 'x-api-key': fixture.apiKey },
  }),
  baselineRoute: () => undefined,
}
