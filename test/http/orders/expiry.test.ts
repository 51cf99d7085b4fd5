import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lease, poolOf } from '../../helpers/inventory.js'
import type { OrderWorld } from '../../helpers/orders.js'
import {
  expectProblem,
  getOrder,
  makeOrder,
  orderAct,
  orderEventTypes,
  orderRequest,
  orderWorld,
  submitAndFulfil,
  subscriptionItem,
} from '../../helpers/orders.js'
import { advanceTo, justBefore } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * An order left untouched for 7 days expires (a job at its `expiresAt`, on the tenant's test
 * clock); every change moves `expiresAt` on, reading does not. Number leases run on the same clock:
 * a lease that ends frees its numbers, and a cart holding one can no longer be submitted.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const status = async (world: OrderWorld, id: string) => (await getOrder(t, world, id)).status as string

describe('order expiry', () => {
  it('expires a PENDING order untouched for 7 days, at its expiresAt and not before, with an order.updated', async () => {
    const world = await orderWorld(t)
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    expect(order.expiresAt).toBe('2025-01-22T10:00:00.000Z')
    await advanceTo(t, world, justBefore(order.expiresAt))
    expect(await status(world, order.orderId)).toBe('PENDING')
    await advanceTo(t, world, order.expiresAt)
    const expired = await getOrder(t, world, order.orderId)
    expect(expired).toMatchObject({
      status: 'EXPIRED',
      state: 'EXPIRED',
      updatedAt: '2025-01-22T10:00:00.000Z',
      expiresAt: '2025-01-22T10:00:00.000Z',
      cancelledAt: null,
    })
    const events = (await t.request(world.tenant, { method: 'GET', url: `/events?resourceId=${order.orderId}` })).json()
      .items
    expect(events.map((e: { type: string; occurredAt: string }) => [e.type, e.occurredAt])).toEqual([
      ['order.created', '2025-01-15T10:00:00.000Z'],
      ['order.updated', '2025-01-22T10:00:00.000Z'],
    ])
    expect(events[1].data).toEqual(expired)
    expect(
      (await t.request(world.tenant, { method: 'GET', url: '/orders?status=EXPIRED' }))
        .json()
        .items.map((o: { orderId: string }) => o.orderId),
    ).toEqual([order.orderId])
    expectProblem(await orderRequest(t, world, order.orderId, 'POST', 'submit', {}), 409, 'order.is_expired')
  })

  it('moves expiresAt on with every change (a PATCH, each line-item write, a price), not with a read', async () => {
    const world = await orderWorld(t)
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem({ lineItemId: 'plan' })] })
    const id = order.orderId as string
    const touches: [string, () => Promise<unknown>][] = [
      ['PATCH', () => orderAct(t, world, id, 'PATCH', '', { metadata: { step: 1 } })],
      [
        'POST line item',
        () =>
          orderAct(
            t,
            world,
            id,
            'POST',
            'line-items',
            { type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 1, currency: 'USD' },
            201,
          ),
      ],
      [
        'PUT line item',
        () =>
          orderAct(t, world, id, 'PUT', 'line-items/case', {
            type: 'EXTERNAL_ITEM',
            name: 'Case',
            amount: 2,
            currency: 'USD',
          }),
      ],
      ['DELETE line item', () => orderAct(t, world, id, 'DELETE', 'line-items/case', undefined, 204)],
      ['calculate-price', () => orderAct(t, world, id, 'POST', 'calculate-price', undefined)],
    ]
    let at = order.updatedAt as string
    for (const [what, touch] of touches) {
      // Six days after the previous touch: before it would have expired.
      at = new Date(Date.parse(at) + 6 * 86_400_000).toISOString()
      await advanceTo(t, world, at)
      expect(await status(world, id), what).toBe('PENDING')
      await touch()
      const view = await getOrder(t, world, id)
      expect([view.updatedAt, view.expiresAt], what).toEqual([
        at,
        new Date(Date.parse(at) + 7 * 86_400_000).toISOString(),
      ])
    }
    // Reading does not keep it alive: it expires 7 days after the last change.
    const last = await getOrder(t, world, id)
    await advanceTo(t, world, justBefore(last.expiresAt))
    await getOrder(t, world, id)
    await t.request(world.tenant, { method: 'GET', url: '/orders' })
    await advanceTo(t, world, last.expiresAt)
    expect(await status(world, id)).toBe('EXPIRED')
    // Six changes, then the expiry: the earlier expiry jobs, made obsolete, changed nothing.
    expect(await orderEventTypes(t, world, id)).toEqual([
      'order.created',
      ...Array(5).fill('order.updated'),
      'order.updated',
    ])
  })

  it('never expires an order once it has left PENDING', async () => {
    const world = await orderWorld(t)
    const completed = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    await submitAndFulfil(t, world, completed.orderId)
    const cancelled = await makeOrder(t, world)
    await orderAct(t, world, cancelled.orderId, 'POST', 'cancel', undefined)
    await advanceTo(t, world, '2025-02-15T00:00:00Z')
    expect(await status(world, completed.orderId)).toBe('COMPLETED')
    expect(await status(world, cancelled.orderId)).toBe('CANCELLED')
  })
})

describe('number leases in orders', () => {
  it('frees the numbers of a lease that runs out, and the cart that held one can no longer be submitted', async () => {
    const world = await orderWorld(t)
    const leased = await lease(t, world.tenant, ['CELL'], 2)
    const numbers = leased.numbers.map((n: { msisdn: string }) => n.msisdn)
    const order = await makeOrder(t, world, {
      lineItems: [subscriptionItem({ msisdn: numbers[0], leaseToken: leased.leaseToken })],
    })
    expect(order.validation.isValid).toBe(true)
    await advanceTo(t, world, justBefore(leased.expiresAt))
    const held = await poolOf(t, world.tenant)
    expect(numbers.map((n: string) => held.get(n)?.status)).toEqual(['LEASED', 'LEASED'])
    await advanceTo(t, world, leased.expiresAt)
    const pool = await poolOf(t, world.tenant)
    expect(numbers.map((n: string) => [pool.get(n)?.status, pool.get(n)?.leasedAt])).toEqual([
      ['AVAILABLE', null],
      ['AVAILABLE', null],
    ])
    const view = await getOrder(t, world, order.orderId)
    expect(view.validation.lineItemValidation[0]).toMatchObject({
      isValid: false,
      errors: [{ property: 'leaseToken', message: expect.stringContaining('expired') }],
    })
    expectProblem(await orderRequest(t, world, order.orderId, 'POST', 'submit', {}), 422, 'order.invalid')
    // A new lease of the same number puts the cart right.
    const again = await lease(t, world.tenant, ['CELL'], 1)
    await orderAct(
      t,
      world,
      order.orderId,
      'PUT',
      'line-items/line-item-1',
      subscriptionItem({ msisdn: again.numbers[0].msisdn, leaseToken: again.leaseToken }),
    )
    const done = await submitAndFulfil(t, world, order.orderId)
    expect(done.createdEntities.subscriptions[0].msisdn).toBe(again.numbers[0].msisdn)
  })
})
