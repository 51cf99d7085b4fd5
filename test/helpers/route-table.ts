import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { queryRows } from '../../src/persistence/database.js'
import { TABLES_SQL } from './database.js'
import { groupBody, offeringBody, promotionBody, seedCatalog } from './catalog.js'
import { makeApiKey, uniqueName } from './factories.js'
import { orderWorld, makeOrder, subscriptionItem } from './orders.js'
import type { OrderWorld } from './orders.js'
import { makeLicense } from './licenses.js'
import { makeSubscription } from './subscriptions.js'
import type { TestApp } from './test-app.js'

/** The operations of `openapi/openapi.json`: method, path template and operationId. */
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  operationId: string
  params: string[]
}

export function documentOperations(): Operation[] {
  const document = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<string, Record<string, { operationId: string }>>
  }
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase() as Operation['method'],
        path,
        operationId: op.operationId,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
      })),
  )
}

/** The id of one resource of each kind a path or a body can name, all in one tenant. */
export interface Ids {
  org: string
  apiKeyId: string
  key: string
  eventId: string
  subscriptionId: string
  subscriptionAddonId: string
  addonId: string
  subscriberId: string
  orderId: string
  lineItemId: string
  topupId: string
  licenseId: string
  productOfferingId: string
  productOfferingGroupId: string
  code: string
  customerId: string
  userId: string
  iccid: string
  webhookEndpointId: string
  webhookDeliveryId: string
}

export interface Fixtures {
  world: OrderWorld
  ids: Ids
  /** Strings only this tenant's data contains: no answer to another tenant may hold one. */
  markers: string[]
}

/** One real resource of every kind in a fresh tenant (demo catalog, stock, a customer), built through the API. */
export async function tenantFixtures(t: TestApp): Promise<Fixtures> {
  const world = await orderWorld(t)
  const { tenant } = world
  const post = async (url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await t.request(tenant, { method: 'POST', url, payload, headers })
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
  // Catalog items with ids no other tenant has, so naming them elsewhere can only find nothing.
  const offeringId = uniqueName('plan')
  const groupId = uniqueName('group')
  const code = uniqueName('PROMO').toUpperCase()
  await seedCatalog(t.services, tenant, {
    groups: [groupBody(groupId)],
    offerings: [offeringBody(offeringId, { productOfferingGroupId: groupId })],
    promotions: [promotionBody(code)],
  })
  const subscription = await makeSubscription(t, world, { sim: { esim: true, iccid: world.stock.iccids[0] } })
  const subscriptionId = subscription.subscriptionId as string
  const addon = await post(`/subscriptions/${subscriptionId}/addons`, { productOfferingId: 'addon-data-1gb' })
  const topup = await post(`/subscriptions/${subscriptionId}/topups`, { productOfferingId: 'topup-data-2gb' })
  const license = await makeLicense(t, world)
  const lineItemId = uniqueName('line')
  const order = await makeOrder(t, world, { lineItems: [subscriptionItem({ lineItemId })] })
  const key = uniqueName('idem')
  const user = await post('/users', { name: uniqueName('user-name') }, { 'x-idempotency-key': key })
  await post(`/customers/${world.customer.customerId}/users`, { userId: user.userId, role: 'MEMBER' })
  const extraKey = await makeApiKey(t.services, tenant.tenant)
  const events = await t.request(tenant, { method: 'GET', url: '/events?limit=1' })
  // Last, so the fixtures above deliver nowhere; the test event gives it one delivery.
  const webhook = await post('/webhook-endpoints', { url: 'http://127.0.0.1:9/route-table' })
  const delivery = await post(`/webhook-endpoints/${webhook.endpoint.webhookEndpointId}/test`, {})
  const ids: Ids = {
    org: tenant.tenant.name,
    apiKeyId: extraKey.id,
    key,
    eventId: events.json().items[0].eventId,
    subscriptionId,
    subscriptionAddonId: addon.subscriptionAddonId,
    addonId: addon.subscriptionAddonId,
    subscriberId: subscription.subscriberId,
    orderId: order.orderId,
    lineItemId,
    topupId: topup.topup.topupId,
    licenseId: license.licenseId,
    productOfferingId: offeringId,
    productOfferingGroupId: groupId,
    code,
    customerId: world.customer.customerId,
    userId: user.userId,
    iccid: world.stock.iccids[0] as string,
    webhookEndpointId: webhook.endpoint.webhookEndpointId,
    webhookDeliveryId: delivery.webhookDeliveryId,
  }
  for (const [name, id] of Object.entries(ids)) expect(typeof id, name).toBe('string')
  return { world, ids, markers: [tenant.tenant.id, world.customer.name, user.name, subscription.msisdn] }
}

/** Rows per table in the whole database: what "nothing was written" compares. */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(t.database.db, sql.raw(TABLES_SQL))
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: number }>(t.database.db, sql.raw(`select count(*)::int as n from "${name}"`))
    counts[name] = row?.n ?? 0
  }
  return counts
}
