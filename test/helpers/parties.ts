import { expect } from 'vitest'
import type { CreateSubscriberInput } from '../../src/services/party.service.js'
import type { SubscriberView } from '../../src/services/party-views.js'
import { systemContext } from '../../src/services/context.js'
import type { TestTenant } from './factories.js'
import { uniqueName } from './factories.js'
import type { TestApp } from './test-app.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Creates a user through the API and returns its body. */
export async function makeUser(t: TestApp, tenant: TestTenant, body: Record<string, unknown> = {}): Promise<Json> {
  const res = await t.request(tenant, { method: 'POST', url: '/users', payload: { name: uniqueName('user'), ...body } })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** Creates a customer through the API and returns its body. */
export async function makeCustomer(t: TestApp, tenant: TestTenant, body: Record<string, unknown> = {}): Promise<Json> {
  const res = await t.request(tenant, {
    method: 'POST',
    url: '/customers',
    payload: { customerType: 'CONSUMER', name: uniqueName('customer'), ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/**
 * Creates a subscriber the way the subscriptions and orders areas do: through the party service,
 * inside a transaction (there is no POST /subscribers).
 */
export async function makeSubscriber(
  t: TestApp,
  tenant: TestTenant,
  input: Partial<CreateSubscriberInput> & { customerId: string },
): Promise<SubscriberView> {
  const ctx = systemContext(tenant.tenant, t.clock, 'test')
  return t.services.uow.write(ctx, (tx) =>
    t.services.parties.createSubscriber(tx, ctx, { name: uniqueName('subscriber'), ...input }),
  )
}

/** The events about one resource, oldest first. */
export async function eventsAbout(t: TestApp, tenant: TestTenant, resourceId: string): Promise<Json[]> {
  const res = await t.request(tenant, { method: 'GET', url: `/events?resourceId=${resourceId}&limit=1000` })
  expect(res.statusCode).toBe(200)
  return res.json().items
}

/** How many items a list answers for the tenant (at most 1000): for "nothing was written" checks. */
export async function countOf(t: TestApp, tenant: TestTenant, url: string): Promise<number> {
  const res = await t.request(tenant, { method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}limit=1000` })
  expect(res.statusCode).toBe(200)
  return res.json().items.length
}
