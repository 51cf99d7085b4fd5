import { expect } from 'vitest'
import { FULFIL_ORDER } from '../../src/services/orders/order.service.js'
import type { TestApp } from './test-app.js'
import type { World } from './subscriptions.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export const usDetails = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  address: { street1: '1 Main St', city: 'San Francisco', state: 'CA', zip: '94105', country: 'US' },
  accountNumber: 'ACC-1234',
  passcode: '8642',
  ...overrides,
})

export const SE_DETAILS = { identityNumber: '19811218-9876', currentOperator: 'Telia' }

let seq = 0

/**
 * A number from another operator (never in a test pool) ending in `ending`, which picks the
 * simulated donor's path: `0001` rejects until corrected, `0002` refuses, `0003` cancels on the
 * port day, `0007` is slow, anything else ports after a day.
 */
export function portableNumber(ending = '1234', country: 'US' | 'SE' = 'US'): string {
  const middle = String(++seq % 1000).padStart(3, '0')
  return country === 'US' ? `+1555${middle}${ending}` : `+4673${middle}${ending}`
}

/** A SUBSCRIPTION line item porting `msisdn` in. */
export const portInItem = (msisdn: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'SUBSCRIPTION',
  productOfferingId: 'mobile-plan-basic',
  subscriber: { name: 'Ada Lovelace' },
  sim: { esim: true },
  msisdn,
  porting: usDetails(),
  ...overrides,
})

/**
 * Orders a plan porting `msisdn` in, submits the order and fulfils it (only the fulfilment job:
 * the port-in is left PENDING, its submission queued). Answers the order and the subscription.
 */
export async function orderPortIn(
  t: TestApp,
  world: World,
  item: Record<string, unknown>,
): Promise<{ order: Json; subscription: Json }> {
  const created = await t.request(world.tenant, {
    method: 'POST',
    url: '/orders',
    payload: { customer: { customerId: world.customer.customerId }, lineItems: [item] },
  })
  expect(created.statusCode, created.body).toBe(201)
  const order = created.json()
  expect(order.validation, JSON.stringify(order.validation)).toMatchObject({ isValid: true })
  const submitted = await t.request(world.tenant, { method: 'POST', url: `/orders/${order.orderId}/submit` })
  expect(submitted.statusCode, submitted.body).toBe(200)
  await t.worker.drain({ tenantId: world.tenant.tenant.id, kinds: [FULFIL_ORDER] })
  const done = (await t.request(world.tenant, { method: 'GET', url: `/orders/${order.orderId}` })).json()
  expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
  const subscriptionId = done.createdEntities.subscriptions[0].subscriptionId as string
  const subscription = (
    await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${subscriptionId}` })
  ).json()
  return { order: done, subscription }
}

/** Runs every job of the tenant that is due now (on its test clock). */
export const runDueJobs = (t: TestApp, world: World): Promise<number> =>
  t.worker.drain({ tenantId: world.tenant.tenant.id })

export async function inPorting(t: TestApp, world: World, subscriptionId: string): Promise<Json> {
  const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${subscriptionId}/in-porting` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** The tenant's events of these types, oldest first. */
export async function eventsOfType(t: TestApp, world: World, ...types: string[]): Promise<Json[]> {
  const query = types.map((type) => `type=${encodeURIComponent(type)}`).join('&')
  const res = await t.request(world.tenant, { method: 'GET', url: `/events?${query}&limit=1000` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items
}
