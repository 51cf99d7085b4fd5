import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { lease } from '../../helpers/inventory.js'
import type { Holdings, OrderWorld } from '../../helpers/orders.js'
import {
  expectProblem,
  holdingsOf,
  makeOrder,
  orderRoute,
  orderState,
  orderWorld,
  subscriptionItem,
} from '../../helpers/orders.js'
import { makeUser } from '../../helpers/parties.js'
import { expectHiddenFrom, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Who may call what, on every order route: 401 without a valid key, 404 for another tenant's order
 * (exactly as for one that does not exist), 403 for a read-only key on writes; none of them writes
 * anything. Another tenant's customers, subscriptions, licenses and leases are as good as absent.
 */
let t: TestApp
let world: OrderWorld
let stranger: OrderWorld
let holdings: Holdings
let order: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  t = await createTestApp()
  world = await orderWorld(t)
  stranger = await orderWorld(t)
  holdings = await holdingsOf(t, world)
  order = await makeOrder(t, world, { lineItems: [subscriptionItem({ lineItemId: 'plan' })] })
})
afterAll(() => t.close())

/** Every route about one order, with a body that would succeed for its owner. */
const orderRoutes = (id: string): InjectOptions[] => [
  orderRoute(id, 'GET'),
  orderRoute(id, 'PATCH', '', { metadata: { x: 1 } }),
  orderRoute(id, 'POST', 'line-items', { type: 'EXTERNAL_ITEM', name: 'Case', amount: 1, currency: 'USD' }),
  orderRoute(id, 'PUT', 'line-items/plan', subscriptionItem()),
  orderRoute(id, 'DELETE', 'line-items/plan'),
  orderRoute(id, 'POST', 'calculate-price'),
  orderRoute(id, 'POST', 'submit', {}),
  orderRoute(id, 'POST', 'cancel'),
]
const tenantRoutes = (): InjectOptions[] => [
  { method: 'GET', url: '/orders' },
  { method: 'POST', url: '/orders', payload: {} },
]

describe('order route security', () => {
  it('answers 401 to every route without a key or with an unknown one, and writes nothing', async () => {
    const before = await orderState(t, world, order.orderId)
    for (const route of [...tenantRoutes(), ...orderRoutes(order.orderId)]) await expectUnauthenticated(t, route)
    expect(await orderState(t, world, order.orderId)).toEqual(before)
  })

  it('answers 404 order.not_found to another tenant on every route, and writes nothing', async () => {
    const before = await orderState(t, world, order.orderId)
    for (const route of orderRoutes(order.orderId)) await expectHiddenFrom(t, stranger.tenant, route, 'order.not_found')
    expect(await orderState(t, world, order.orderId)).toEqual(before)
    expect((await t.request(stranger.tenant, { method: 'GET', url: '/orders' })).json().items).toEqual([])
  })

  it('answers 404 order.not_found to its own tenant for an order that does not exist', async () => {
    for (const route of orderRoutes('01890a5d-ac96-774b-bcce-b302099a8057'))
      await expectHiddenFrom(t, world.tenant, route, 'order.not_found')
  })

  it('answers 403 auth.missing_scope to a read-only key on every write, and lets it read', async () => {
    const reader = await makeApiKey(t.services, world.tenant.tenant, ['read'])
    const before = await orderState(t, world, order.orderId)
    for (const route of [...tenantRoutes(), ...orderRoutes(order.orderId)]) {
      const res = await t.request(reader, route)
      if (route.method === 'GET') expect(res.statusCode, `${route.method} ${route.url}`).toBe(200)
      else
        expect(expectProblem(res, 403, 'auth.missing_scope'), `${route.method} ${route.url}`).toMatchObject({
          requiredScope: 'write',
        })
    }
    expect(await orderState(t, world, order.orderId)).toEqual(before)
  })

  it('treats another tenant’s customer, user, subscription, license and lease as absent', async () => {
    const theirs = await holdingsOf(t, stranger)
    const theirLease = await lease(t, stranger.tenant, ['CELL'], 1)
    const theirUser = await makeUser(t, stranger.tenant)
    expectProblem(
      await t.request(world.tenant, {
        method: 'POST',
        url: '/orders',
        payload: { customer: { customerId: stranger.customer.customerId } },
      }),
      422,
      'customer.not_found',
      '/body/customer/customerId',
    )
    expectProblem(
      await t.request(world.tenant, {
        method: 'POST',
        url: '/orders',
        payload: { user: { userId: theirUser.userId } },
      }),
      422,
      'user.not_found',
      '/body/user/userId',
    )
    const before = await orderState(t, world, order.orderId)
    for (const [item, path] of [
      [
        { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: theirs.subscription.subscriptionId },
        '/body/subscriptionId',
      ],
      [
        { type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: theirs.subscription.subscriptionId },
        '/body/subscriptionId',
      ],
      [
        { type: 'LICENSE_CHANGE', licenseId: theirs.license.licenseId, productOfferingId: 'license-security-premium' },
        '/body/licenseId',
      ],
      [
        subscriptionItem({ msisdn: theirLease.numbers[0].msisdn, leaseToken: theirLease.leaseToken }),
        '/body/leaseToken',
      ],
    ] as const) {
      const res = await t.request(world.tenant, orderRoute(order.orderId, 'POST', 'line-items', item))
      const problem = expectProblem(res, 422, 'order.line_item_invalid', path)
      expect(JSON.stringify(problem)).not.toContain('another customer')
    }
    expect(await orderState(t, world, order.orderId)).toEqual(before)
    // Its own subscription and license are fine.
    const mine = await t.request(
      world.tenant,
      orderRoute(order.orderId, 'POST', 'line-items', {
        type: 'TOP_UP',
        productOfferingId: 'topup-data-2gb',
        subscriptionId: holdings.subscription.subscriptionId,
      }),
    )
    expect(mine.statusCode, mine.body).toBe(201)
  })
})
