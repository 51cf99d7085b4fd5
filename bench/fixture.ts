import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { Fixture, Side } from './scenarios/scenario.js'

export const SIDES: Side[] = ['openline', 'baseline', 'openline-info']

/** One call to Openline's API with the bench key (a fresh idempotency key on writes); throws unless `expected`. */
export async function api<T = Record<string, unknown>>(
  url: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
  expected = method === 'POST' ? 201 : 200,
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'x-api-key': apiKey,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(method !== 'GET' && { 'x-idempotency-key': randomUUID() }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/** Runs `work` over `items`, `width` at a time. */
export async function inParallel<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T)
    }),
  )
  return results
}

/**
 * The data beyond the tenant and its key, made before the runs: a customer and `subscriptions`
 * subscriptions on the bench plan per server through Openline's API (POST /customers, POST
 * /subscriptions), then `listDepth + 100` more customers in one INSERT … SELECT, and the cursor
 * that `GET /customers` would hand out after the first `listDepth` of them.
 */
export async function makeFixture(
  base: Pick<Fixture, 'tenantId' | 'apiKeyId' | 'apiKey'>,
  openlineUrl: string,
  pool: pg.Pool,
  counts: { subscriptions: number; listDepth: number },
): Promise<Fixture> {
  const customer = await api<{ customerId: string }>(openlineUrl, base.apiKey, 'POST', '/customers', {
    customerType: 'CONSUMER',
    name: 'Bench Customer',
  })
  let line = 0
  const subscriptions = {} as Record<Side, string[]>
  for (const side of SIDES) {
    subscriptions[side] = await inParallel(Array.from({ length: counts.subscriptions }), 8, async () => {
      const created = await api<{ subscriptionId: string }>(openlineUrl, base.apiKey, 'POST', '/subscriptions', {
        productOfferingId: 'bench-plan',
        customerId: customer.customerId,
        subscriber: { name: 'Bench Subscriber' },
        msisdn: `+1777${String(++line).padStart(7, '0')}`,
      })
      return created.subscriptionId
    })
  }
  await pool.query(
    `INSERT INTO customer (tenant_id, id, customer_type, name, human_readable_id, billing_method, billing_currency,
       auto_pay, metadata, created_at, updated_at)
     SELECT c.tenant_id, gen_random_uuid(), c.customer_type, 'Bench Customer ' || i, 'BEN-' || lpad(i::text, 8, '0'),
       c.billing_method, c.billing_currency, c.auto_pay, c.metadata, c.created_at, c.updated_at
     FROM customer c, generate_series(1, $3::int) i
     WHERE c.tenant_id = $1 AND c.id = $2`,
    [base.tenantId, customer.customerId, counts.listDepth + 100],
  )
  await pool.query('ANALYZE customer')
  const { rows } = await pool.query<{ id: string }>(
    'SELECT id FROM customer WHERE tenant_id = $1 ORDER BY id OFFSET $2 LIMIT 1',
    [base.tenantId, counts.listDepth - 1],
  )
  const key = rows[0]?.id
  if (!key) throw new Error('the customer seed is short of the list depth')
  const deepCursor = Buffer.from(JSON.stringify({ v: 1, k: key })).toString('base64url')
  return { ...base, customerId: customer.customerId, subscriptions, deepCursor, listDepth: counts.listDepth }
}
