import { expect } from 'vitest'
import { DateTime } from 'luxon'
import { seedDemoCatalog } from './catalog.js'
import type { TestTenant } from './factories.js'
import { makeCustomer } from './parties.js'
import type { TestApp } from './test-app.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export interface World {
  tenant: TestTenant
  customer: Json
}

/** A sandbox tenant (in `timeZone`) with the demo catalog and one customer. */
export async function subscriptionWorld(
  t: TestApp,
  options: { timeZone?: string; sandbox?: boolean } = {},
): Promise<World> {
  const tenant = await t.tenant({ timeZone: options.timeZone ?? 'UTC', sandbox: options.sandbox ?? true })
  await seedDemoCatalog(t.services, tenant)
  const customer = await makeCustomer(t, tenant)
  return { tenant, customer }
}

let lines = 0

/** A number outside any test pool that no other line of this test process has. */
export const lineNumber = (): string => `+1777${String(++lines).padStart(7, '0')}`

/** Creates a subscription through POST /subscriptions (on a number of its own) and returns its body. */
export async function makeSubscription(t: TestApp, world: World, body: Record<string, unknown> = {}): Promise<Json> {
  const res = await t.request(world.tenant, {
    method: 'POST',
    url: '/subscriptions',
    payload: {
      productOfferingId: 'mobile-plan-plus',
      customerId: world.customer.customerId,
      subscriber: { name: 'Sam Subscriber' },
      msisdn: lineNumber(),
      ...body,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** Moves the tenant's test clock to an instant (ISO) and returns the response body. */
export async function advanceTo(t: TestApp, world: World, to: string): Promise<Json> {
  const res = await t.request(world.tenant, { method: 'POST', url: '/test-clock/advance', payload: { to } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function getSubscription(t: TestApp, world: World, id: string): Promise<Json> {
  const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** Sends a write about one subscription (`POST …/pause`, `PUT …/product-offering-change`, …) and returns the raw response. */
export function subscriptionRequest(
  t: TestApp,
  world: World,
  id: string,
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  payload?: Record<string, unknown>,
) {
  return t.request(world.tenant, {
    method,
    url: `/subscriptions/${id}/${path}`,
    ...(payload !== undefined && { payload }),
  })
}

/** Like `subscriptionRequest`, expecting 200, and returns the body. */
export async function act(
  t: TestApp,
  world: World,
  id: string,
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  payload?: Record<string, unknown>,
): Promise<Json> {
  const res = await subscriptionRequest(t, world, id, method, path, payload)
  expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(200)
  return res.json()
}

/** The subscription's timeline items, in effective order. */
export async function timelineOf(t: TestApp, world: World, id: string): Promise<Json[]> {
  const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/timeline` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items
}

/** The instant a calendar date begins in `zone`, as the API renders it (computed with luxon, independently of the code under test). */
export const localMidnight = (date: string, zone: string): string =>
  DateTime.fromISO(date, { zone }).toUTC().toISO() as string

/** One millisecond before an instant: "not yet". */
export const justBefore = (instant: string): string => new Date(Date.parse(instant) - 1).toISOString()
