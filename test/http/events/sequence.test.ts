import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stockInventory } from '../../helpers/inventory.js'
import { licenseWorld, makeLicense } from '../../helpers/licenses.js'
import { makeOrder, orderAct, subscriptionItem } from '../../helpers/orders.js'
import { orderPortIn, portableNumber, portInItem, runDueJobs } from '../../helpers/porting.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, advanceTo, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every event is numbered in its stream, 1, 2, 3, … without gaps, per tenant: a subscription's
 * stream holds its add-ons', top-ups', licenses' and port-in's events; everything else is its own.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

/** Every event of the tenant, oldest first. */
async function allEvents(world: World): Promise<Json[]> {
  const res = await t.request(world.tenant, { method: 'GET', url: '/events?limit=1000' })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items
}

/** The events of one stream in the order they were written, and their numbers. */
async function stream(world: World, type: string, id: string): Promise<Json[]> {
  return (await allEvents(world)).filter((e) => e.stream.type === type && e.stream.id === id)
}

const numbers = (events: Json[]) => events.map((e) => e.sequence)
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('event streams', () => {
  it('number a subscription’s own events and those of its add-ons, top-ups and licenses in one stream', async () => {
    const world = await licenseWorld(t)
    const sub = await makeSubscription(t, world)
    const id = sub.subscriptionId as string
    const added = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/addons`,
      payload: { productOfferingId: 'addon-data-1gb' },
    })
    expect(added.statusCode, added.body).toBe(201)
    const topup = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/topups`,
      payload: { productOfferingId: 'topup-data-2gb' },
    })
    expect(topup.statusCode, topup.body).toBe(201)
    const license = await makeLicense(t, world, { assignedTo: { type: 'SUBSCRIPTION', subscriptionId: id } })
    await act(t, world, id, 'POST', 'cancel', { schedule: 'CancelNow', reason: 'NO_NEED' })

    const events = await stream(world, 'subscription', id)
    expect(numbers(events)).toEqual(oneTo(events.length))
    expect(new Set(events.map((e) => e.resource.type))).toEqual(
      new Set(['subscription', 'subscription_addon', 'subscription_topup', 'license']),
    )
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'subscription.addon.added',
        'subscription.topup.applied',
        'license.created',
        'license.ended',
        'subscription.ended',
      ]),
    )
    for (const e of events.filter((e) => e.resource.type === 'license')) expect(e.resource.id).toBe(license.licenseId)
    // The customer and the rest keep their own streams, numbered from 1.
    const customer = await stream(world, 'customer', world.customer.customerId)
    expect(numbers(customer)).toEqual(oneTo(customer.length))
    expect(customer.every((e) => e.resource.id === world.customer.customerId)).toBe(true)
  })

  it('put a port-in’s events in its subscription’s stream, among the subscription’s, on the test clock too', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const { order, subscription } = await orderPortIn(t, world, portInItem(portableNumber(), { tempNumber: true }))
    await runDueJobs(t, world)
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    await advanceTo(t, world, '2025-01-16T10:00:00Z')
    const events = await stream(world, 'subscription', subscription.subscriptionId)
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'subscription.portIn.created'],
      [2, 'subscription.created'],
      [3, 'subscription.subscriber_set'],
      [4, 'subscription.portIn.updated'],
      [5, 'subscription.updated'],
      [6, 'subscription.portIn.updated'],
      [7, 'subscription.updated'],
      [8, 'subscription.portIn.completed'],
      [9, 'subscription.updated'],
    ])
    // The order is a stream of its own.
    const orderEvents = await stream(world, 'order', order.orderId)
    expect(orderEvents.map((e) => e.type)).toContain('order.completed')
    expect(numbers(orderEvents)).toEqual(oneTo(orderEvents.length))
  })

  it('leave no gap for a refused request, and count each tenant apart', async () => {
    const a = await subscriptionWorld(t)
    const b = await subscriptionWorld(t)
    const order = await makeOrder(t, a)
    const bad = await t.request(a.tenant, {
      method: 'POST',
      url: `/orders/${order.orderId}/line-items`,
      payload: subscriptionItem({ productOfferingId: 'no-such-offering' }),
    })
    expect(bad.statusCode).toBeGreaterThanOrEqual(400)
    const refused = await t.request(a.tenant, { method: 'POST', url: `/orders/${order.orderId}/submit`, payload: {} })
    expect(refused.statusCode).toBeGreaterThanOrEqual(400)
    await orderAct(t, a, order.orderId, 'POST', 'line-items', subscriptionItem({ lineItemId: 'plan' }), 201)
    expect((await stream(a, 'order', order.orderId)).map((e) => [e.sequence, e.type])).toEqual([
      [1, 'order.created'],
      [2, 'order.updated'],
    ])
    // Another tenant's streams start at 1 as well, and it sees none of the first tenant's.
    const other = await makeOrder(t, b)
    const theirs = await allEvents(b)
    expect(theirs.find((e) => e.resource.id === other.orderId)).toMatchObject({ sequence: 1, type: 'order.created' })
    expect(theirs.some((e) => e.stream.id === order.orderId)).toBe(false)
  })

  it('give back the numbers of a rolled-back transaction: a fulfilment that fails half-way leaves no gap', async () => {
    const world = await subscriptionWorld(t)
    const existing = await makeSubscription(t, world)
    const id = existing.subscriptionId as string
    const order = await makeOrder(t, world, {
      customer: { customerId: world.customer.customerId },
      lineItems: [
        // Fulfilled first: its license.created takes the subscription's next number …
        {
          type: 'LICENSE',
          productOfferingId: 'license-security-suite',
          assignedTo: { type: 'SUBSCRIPTION', subscriptionId: id },
        },
        // … then this fails (the one allowed 1 GB add-on is taken meanwhile), rolling it all back.
        { type: 'ADD_ON', productOfferingId: 'addon-data-1gb', subscriptionId: id },
      ],
    })
    await orderAct(t, world, order.orderId, 'POST', 'submit', {})
    const direct = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${id}/addons`,
      payload: { productOfferingId: 'addon-data-1gb' },
    })
    expect(direct.statusCode, direct.body).toBe(201)
    const before = await stream(world, 'subscription', id)
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    const failed = (await t.request(world.tenant, { method: 'GET', url: `/orders/${order.orderId}` })).json()
    expect(failed).toMatchObject({ status: 'FAILED', failure: { code: 'addon.limit_reached' } })
    expect(await stream(world, 'subscription', id)).toEqual(before)
    await act(t, world, id, 'POST', 'block', { reason: 'unpaid' })
    const after = await stream(world, 'subscription', id)
    expect(after.at(-1)).toMatchObject({ type: 'subscription.updated', sequence: before.length + 1 })
    expect(numbers(after)).toEqual(oneTo(after.length))
    const orderEvents = await stream(world, 'order', order.orderId)
    expect(orderEvents.map((e) => e.type).slice(-2)).toEqual(['order.updated', 'order.failed'])
    expect(numbers(orderEvents)).toEqual(oneTo(orderEvents.length))
  })

  it('number concurrent writes to one subscription without a gap or a repeat', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request(world.tenant, {
          method: 'POST',
          url: `/subscriptions/${sub.subscriptionId}/topups`,
          payload: { productOfferingId: 'topup-data-2gb' },
        }),
      ),
    )
    for (const res of results) expect(res.statusCode, res.body).toBe(201)
    const events = await stream(world, 'subscription', sub.subscriptionId)
    expect(events.filter((e) => e.type === 'subscription.topup.applied')).toHaveLength(6)
    expect(numbers(events).sort((x, y) => x - y)).toEqual(oneTo(events.length))
  })
})
