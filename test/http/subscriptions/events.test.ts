import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import { act, advanceTo, getSubscription, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * The outbox for a subscription's whole life: `subscription.created`, `subscription.subscriber_set`,
 * one `subscription.updated` for every change and every scheduling or withdrawal, and
 * `subscription.ended` on the cancel; each carrying the full subscription as it was at that moment
 * (exactly what the request answered, or what GET answers at the instant a scheduled change applied).
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z; the plan renews on the 15th
})
afterAll(() => t.close())

const NOW = '2025-01-15T10:00:00.000Z'

describe('subscription events', () => {
  it('snapshot every change of a subscription’s life, in order, at the instant each took effect', async () => {
    const world = await subscriptionWorld(t)
    const created = await makeSubscription(t, world, {
      productOfferingId: 'mobile-plan-plus',
      referenceId: 'events-sub',
    })
    const id = created.subscriptionId as string
    const expected: [string, string, unknown][] = [
      ['subscription.created', NOW, created],
      ['subscription.subscriber_set', NOW, created],
    ]
    const step = async (method: 'POST' | 'PUT' | 'DELETE', path: string, payload?: Record<string, unknown>) => {
      expected.push(['subscription.updated', NOW, await act(t, world, id, method, path, payload)])
    }
    await step('PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-max' }) // upgrade, now
    await step('PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-plus' }) // downgrade, scheduled for 02-15
    await step('POST', 'pause', { scheduledAt: '2025-02-01' })
    await step('DELETE', 'pending-status')
    await step('POST', 'block', { reason: 'unpaid' })
    await step('POST', 'unblock', { scheduledAt: '2025-02-05' })
    await step('POST', 'cancel', { schedule: { type: 'CancelAtDate', date: '2025-03-01' }, reason: 'NO_NEED' })
    // The responses themselves carried the scheduling.
    expect(expected[3]?.[2]).toMatchObject({
      productOfferingId: 'mobile-plan-max',
      pendingProductOffering: { productOfferingId: 'mobile-plan-plus', scheduledAt: '2025-02-15' },
    })
    expect(expected[8]?.[2]).toMatchObject({
      status: 'BLOCKED',
      pendingStatus: { status: 'ACTIVATED', scheduledAt: '2025-02-05' },
    })

    for (const [at, types] of [
      ['2025-02-05T00:00:00.000Z', ['subscription.updated']], // unblocked
      ['2025-02-15T00:00:00.000Z', ['subscription.updated']], // downgraded
      ['2025-03-01T00:00:00.000Z', ['subscription.updated', 'subscription.ended']], // cancelled
    ] as const) {
      await advanceTo(t, world, at)
      const snapshot = await getSubscription(t, world, id)
      for (const type of types) expected.push([type, at, snapshot])
    }
    expect(expected.at(-1)?.[2]).toMatchObject({
      status: 'CANCELLED',
      productOfferingId: 'mobile-plan-plus',
      cancelledAt: '2025-03-01T00:00:00.000Z',
      pendingStatus: null,
    })

    const events = await eventsAbout(t, world.tenant, id)
    expect(events.map((e) => [e.type, e.occurredAt, e.data])).toEqual(expected)
    for (const event of events)
      expect(event).toMatchObject({ eventId: expect.any(String), resource: { type: 'subscription', id } })
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length)
  })

  it('reads one event by id, and filters by type and resource', async () => {
    const world = await subscriptionWorld(t)
    const a = await makeSubscription(t, world)
    const b = await makeSubscription(t, world, { subscriber: undefined })
    await act(t, world, a.subscriptionId, 'POST', 'cancel', { schedule: 'CancelNow', reason: 'FRAUD' })
    const ended = await t.request(world.tenant, {
      method: 'GET',
      url: '/events?type=subscription.ended&resourceType=subscription',
    })
    expect(ended.json().items.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([a.subscriptionId])
    const [one] = ended.json().items
    const byId = await t.request(world.tenant, { method: 'GET', url: `/events/${one.eventId}` })
    expect(byId.json()).toEqual(one)
    expect(one.data).toMatchObject({
      subscriptionId: a.subscriptionId,
      status: 'CANCELLED',
      cancellation: { reason: 'FRAUD' },
    })
    const created = await t.request(world.tenant, {
      method: 'GET',
      url: '/events?type=subscription.created&type=subscription.subscriber_set',
    })
    expect(
      created.json().items.map((e: { type: string; resource: { id: string } }) => [e.type, e.resource.id]),
    ).toEqual([
      ['subscription.created', a.subscriptionId],
      ['subscription.subscriber_set', a.subscriptionId],
      ['subscription.created', b.subscriptionId],
    ])
    // Another tenant sees none of them.
    const stranger = await t.tenant()
    expect((await t.request(stranger, { method: 'GET', url: `/events/${one.eventId}` })).statusCode).toBe(404)
    expect(
      (await t.request(stranger, { method: 'GET', url: `/events?resourceId=${a.subscriptionId}` })).json().items,
    ).toEqual([])
  })

  it('writes no event for a refused request', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const before = await eventsAbout(t, world.tenant, sub.subscriptionId)
    for (const [path, payload] of [
      ['resume', {}],
      ['cancel', { schedule: 'CancelNow', reason: 'OTHER' }],
      ['activate', { scheduledAt: '2025-02-01' }],
    ] as const) {
      const res = await t.request(world.tenant, {
        method: 'POST',
        url: `/subscriptions/${sub.subscriptionId}/${path}`,
        payload,
      })
      expect(res.statusCode).toBeGreaterThanOrEqual(400)
    }
    expect(await eventsAbout(t, world.tenant, sub.subscriptionId)).toEqual(before)
  })
})
