import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import { getOrder, makeOrder, orderAct, orderWorld, subscriptionItem } from '../../helpers/orders.js'
import { makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * The outbox for an order's life: `order.created`, `order.updated` for every change (and every
 * status the worker moves it to), `order.submitted` at submission, `order.completed` or
 * `order.failed` at the end; each with the full order as the API renders it at that moment.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

type Expected = [string, Record<string, unknown>]

describe('order events', () => {
  it('snapshot every change of an order that completes, in order', async () => {
    const world = await orderWorld(t)
    const created = await makeOrder(t, world)
    const id = created.orderId as string
    const expected: Expected[] = [['order.created', created]]
    await orderAct(t, world, id, 'POST', 'line-items', subscriptionItem({ lineItemId: 'plan' }), 201)
    expected.push(['order.updated', await getOrder(t, world, id)])
    await orderAct(t, world, id, 'POST', 'calculate-price', undefined)
    expected.push(['order.updated', await getOrder(t, world, id)])
    const submitted = await orderAct(t, world, id, 'POST', 'submit', { metadata: { till: 3 } })
    expected.push(['order.submitted', submitted], ['order.updated', submitted])
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    const done = await getOrder(t, world, id)
    expected.push(
      [
        'order.updated',
        { ...done, status: 'PROCESSING', state: 'PROCESSING', createdEntities: null, completedAt: null },
      ],
      ['order.updated', done],
      ['order.completed', done],
    )

    const events = await eventsAbout(t, world.tenant, id)
    expect(events.map((e) => [e.type, e.data])).toEqual(expected)
    for (const event of events)
      expect(event).toMatchObject({
        eventId: expect.any(String),
        occurredAt: '2025-01-15T10:00:00.000Z',
        resource: { type: 'order', id },
      })
    expect(submitted).toMatchObject({
      status: 'SUBMITTED',
      submittedAt: '2025-01-15T10:00:00.000Z',
      pricing: { total: 29.99 },
    })
    // What fulfilment made writes its own events too.
    const subscriptionEvents = await eventsAbout(t, world.tenant, done.createdEntities.subscriptions[0].subscriptionId)
    expect(subscriptionEvents.map((e) => e.type)).toEqual(['subscription.created', 'subscription.subscriber_set'])
  })

  it('end a failed fulfilment with order.updated and order.failed naming the line item', async () => {
    const world = await orderWorld(t)
    const target = await makeSubscription(t, world, { msisdn: '+15558880001' })
    const order = await makeOrder(t, world, {
      lineItems: [
        {
          type: 'TOP_UP',
          lineItemId: 'topup',
          productOfferingId: 'topup-data-2gb',
          subscriptionId: target.subscriptionId,
        },
      ],
    })
    await orderAct(t, world, order.orderId, 'POST', 'submit', {})
    await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${target.subscriptionId}/block`, payload: {} })
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    const failed = await getOrder(t, world, order.orderId)
    const events = await eventsAbout(t, world.tenant, order.orderId)
    expect(events.map((e) => e.type)).toEqual([
      'order.created',
      'order.submitted',
      'order.updated',
      'order.updated',
      'order.updated',
      'order.failed',
    ])
    // The FAILED order's validation is current again when read; the event holds it as it was written.
    expect(events.at(-1)?.data).toMatchObject({
      status: 'FAILED',
      failure: { lineItemId: 'topup', code: 'topup.subscription_not_active' },
    })
    expect(events.at(-1)?.data).toEqual(failed)
  })
})
