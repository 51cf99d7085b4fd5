import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idem } from '../../helpers/factories.js'
import type { OrderWorld } from '../../helpers/orders.js'
import {
  expectProblem,
  getOrder,
  makeOrder,
  orderEventTypes,
  orderRoute,
  orderState,
  orderWorld,
  subscriptionItem,
} from '../../helpers/orders.js'
import { expectReplay } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * `X-Idempotency-Key` on every order write: the same key and body answer the stored response byte
 * for byte and do the work once; the same key with another body (or on another order) is a 409
 * `idempotency.key_reused` that writes nothing.
 */
let t: TestApp
let world: OrderWorld
beforeAll(async () => {
  t = await createTestApp()
  world = await orderWorld(t)
})
afterAll(() => t.close())

const replay = (route: InjectOptions) => expectReplay(t, world.tenant, route)
const ITEM = { type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 5, currency: 'USD' }

describe('idempotent replay of order writes', () => {
  it('replays a create without creating a second order', async () => {
    const count = (await orderState(t, world, (await makeOrder(t, world)).orderId)).count
    const { first, status } = await replay({
      method: 'POST',
      url: '/orders',
      payload: { customer: { customerId: world.customer.customerId }, lineItems: [subscriptionItem()] },
    })
    expect(status).toBe(201)
    expect((await orderState(t, world, first.orderId)).count).toBe(count + 1)
    expect(await orderEventTypes(t, world, first.orderId)).toEqual(['order.created'])
  })

  it('replays a change, each line-item write, a price and a cancel, each done once', async () => {
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem({ lineItemId: 'plan' })] })
    const id = order.orderId as string
    const steps: [InjectOptions, number][] = [
      [orderRoute(id, 'PATCH', '', { promoCode: 'WELCOME10' }), 200],
      [orderRoute(id, 'POST', 'line-items', ITEM), 201],
      [orderRoute(id, 'PUT', 'line-items/case', { ...ITEM, amount: 6 }), 200],
      [orderRoute(id, 'DELETE', 'line-items/case'), 204],
      [orderRoute(id, 'POST', 'calculate-price'), 200],
      [orderRoute(id, 'POST', 'cancel'), 200],
    ]
    for (const [route, expected] of steps) {
      const before = (await orderEventTypes(t, world, id)).length
      const { status } = await replay(route)
      expect(status, `${route.method} ${route.url}`).toBe(expected)
      expect((await orderEventTypes(t, world, id)).length, `${route.method} ${route.url}`).toBe(before + 1)
    }
    expect(await getOrder(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      promoCode: 'WELCOME10',
      lineItems: [{ lineItemId: 'plan' }],
    })
  })

  it('replays a submit: submitted once, fulfilled once, and the replay still answers what the submit did', async () => {
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    const route = { ...orderRoute(order.orderId, 'POST', 'submit', { metadata: { till: 3 } }), headers: idem() }
    const first = await t.request(world.tenant, route)
    expect(first.statusCode, first.body).toBe(200)
    const again = await t.request(world.tenant, route)
    expect(again.body).toBe(first.body)
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    const done = await getOrder(t, world, order.orderId)
    expect(done.status).toBe('COMPLETED')
    expect(done.createdEntities.subscriptions).toHaveLength(1)
    // After fulfilment the replay answers the stored SUBMITTED response, not a 409.
    const late = await t.request(world.tenant, route)
    expect(late.statusCode).toBe(200)
    expect(late.headers['idempotent-replayed']).toBe('true')
    expect(late.json().status).toBe('SUBMITTED')
    expect((await orderEventTypes(t, world, order.orderId)).filter((e) => e === 'order.submitted')).toHaveLength(1)
  })

  it('answers the same key with another body, or on another order, with 409 idempotency.key_reused, writing nothing', async () => {
    const order = await makeOrder(t, world)
    const other = await makeOrder(t, world)
    const headers = idem()
    const first = await t.request(world.tenant, { ...orderRoute(order.orderId, 'POST', 'line-items', ITEM), headers })
    expect(first.statusCode, first.body).toBe(201)
    const before = await orderState(t, world, order.orderId)
    const otherBefore = await orderState(t, world, other.orderId)
    const changed = await t.request(world.tenant, {
      ...orderRoute(order.orderId, 'POST', 'line-items', { ...ITEM, lineItemId: 'strap', name: 'Strap' }),
      headers,
    })
    expect(expectProblem(changed, 409, 'idempotency.key_reused')).toMatchObject({ differences: ['body'] })
    const elsewhere = await t.request(world.tenant, {
      ...orderRoute(other.orderId, 'POST', 'line-items', ITEM),
      headers,
    })
    expect(expectProblem(elsewhere, 409, 'idempotency.key_reused')).toMatchObject({ differences: ['path'] })
    const create = await t.request(world.tenant, { method: 'POST', url: '/orders', payload: {}, headers })
    expectProblem(create, 409, 'idempotency.key_reused')
    expect(await orderState(t, world, order.orderId)).toEqual(before)
    expect(await orderState(t, world, other.orderId)).toEqual(otherBefore)
  })

  it('replays a refusal too: the same 4xx again, even once the order would take the request', async () => {
    const order = await makeOrder(t, world, { customer: null, lineItems: [subscriptionItem()] })
    const route = { ...orderRoute(order.orderId, 'POST', 'submit', {}), headers: idem() }
    const refused = await t.request(world.tenant, route)
    expectProblem(refused, 422, 'order.invalid')
    await t.request(
      world.tenant,
      orderRoute(order.orderId, 'PATCH', '', { customer: { customerId: world.customer.customerId } }),
    )
    const again = await t.request(world.tenant, route)
    expect(again.statusCode).toBe(422)
    expect(again.body).toBe(refused.body)
    expect((await getOrder(t, world, order.orderId)).status).toBe('PENDING')
  })
})
