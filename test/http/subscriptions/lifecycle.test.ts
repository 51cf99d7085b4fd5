import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { eventsAbout } from '../../helpers/parties.js'
import { advanceTo, getSubscription, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

describe('subscription lifecycle', () => {
  it('creates an active subscription now, with its customer, subscriber, plan and billing cycle', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world, { referenceId: 'crm-sub-1', msisdn: '+15551234567' })
    expect(sub).toMatchObject({
      status: 'ACTIVATED',
      type: 'CELL',
      msisdn: '+15551234567',
      display: '+1 555 123 4567',
      customerId: world.customer.customerId,
      customer: { customerId: world.customer.customerId, name: world.customer.name },
      productOfferingId: 'mobile-plan-plus',
      productOffering: {
        productOfferingId: 'mobile-plan-plus',
        name: 'Plus 20GB',
        price: { grossPrice: 29.99, currency: 'USD' },
      },
      subscriber: { name: 'Sam Subscriber' },
      pendingStatus: null,
      pendingProductOffering: null,
      activatedAt: '2025-01-15T10:00:00.000Z',
      billingCycle: { anchorDate: '2025-01-15', nextRenewalAt: '2025-02-15T00:00:00.000Z' },
      referenceId: 'crm-sub-1',
    })
    expect(await getSubscription(t, world, 'rid_crm-sub-1')).toEqual(sub)
    const types = (await eventsAbout(t, world.tenant, sub.subscriptionId)).map((e) => e.type)
    expect(types).toEqual(['subscription.created', 'subscription.subscriber_set'])
  })

  it('keeps a subscription with a future activation date PENDING until the test clock passes it', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world, { scheduleActivationAt: '2025-02-01' })
    expect(sub).toMatchObject({
      status: 'PENDING',
      pendingStatus: { status: 'ACTIVATED', scheduledAt: '2025-02-01' },
      activatedAt: null,
      billingCycle: null,
    })
    await advanceTo(t, world, '2025-01-31T23:59:00Z')
    expect((await getSubscription(t, world, sub.subscriptionId)).status).toBe('PENDING')
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    const active = await getSubscription(t, world, sub.subscriptionId)
    expect(active).toMatchObject({
      status: 'ACTIVATED',
      pendingStatus: null,
      activatedAt: '2025-02-01T00:00:00.000Z',
      billingCycle: { anchorDate: '2025-02-01' },
    })
    const updated = (await eventsAbout(t, world.tenant, sub.subscriptionId))
      .filter((e) => e.type === 'subscription.updated')
      .at(-1)
    expect(updated).toMatchObject({ occurredAt: '2025-02-01T00:00:00.000Z', data: { status: 'ACTIVATED' } })
  })

  it('cancels at the start of next month: pendingStatus until then, then CANCELLED with subscription.ended', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelAtBeginningOfNextMonth' }, reason: 'NO_NEED' },
    })
    expect(res.statusCode, res.body).toBe(200)
    const now = (await t.request(world.tenant, { method: 'GET', url: '/test-clock' })).json().now as string
    const firstOfNext = new Date(
      Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1),
    ).toISOString()
    expect(res.json()).toMatchObject({
      status: 'ACTIVATED',
      pendingStatus: { status: 'CANCELLED', scheduledAt: firstOfNext.slice(0, 10) },
    })
    await advanceTo(t, world, firstOfNext)
    const ended = await getSubscription(t, world, sub.subscriptionId)
    expect(ended).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: firstOfNext,
      cancellation: { reason: 'NO_NEED', comment: null },
      pendingStatus: null,
    })
    const events = await eventsAbout(t, world.tenant, sub.subscriptionId)
    expect(events.at(-1)).toMatchObject({
      type: 'subscription.ended',
      occurredAt: firstOfNext,
      data: { status: 'CANCELLED' },
    })
  })

  it('upgrades at once, and downgrades at the next renewal with pendingProductOffering', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world, { productOfferingId: 'mobile-plan-plus' })
    const anchor = sub.billingCycle.anchorDate as string
    const up = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/product-offering-change`,
      payload: { productOfferingId: 'mobile-plan-max' },
    })
    expect(up.statusCode, up.body).toBe(200)
    expect(up.json()).toMatchObject({ productOfferingId: 'mobile-plan-max', pendingProductOffering: null })
    await t.request(world.tenant, { method: 'POST', url: '/test-clock/advance', payload: { by: 'P10D' } })
    const down = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/product-offering-change`,
      payload: { productOfferingId: 'mobile-plan-basic', reason: 'cheaper' },
    })
    const renewal = sub.billingCycle.nextRenewalAt as string
    expect(down.json()).toMatchObject({
      productOfferingId: 'mobile-plan-max',
      pendingProductOffering: { productOfferingId: 'mobile-plan-basic', scheduledAt: renewal.slice(0, 10) },
    })
    expect(anchor).toBeDefined()
    await advanceTo(t, world, renewal)
    expect(await getSubscription(t, world, sub.subscriptionId)).toMatchObject({
      productOfferingId: 'mobile-plan-basic',
      pendingProductOffering: null,
    })
    const timeline = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${sub.subscriptionId}/timeline` })
    ).json().items as { kind: string; at: string; reason: string | null; details: { to?: string } }[]
    expect(
      timeline.filter((i) => i.kind === 'product_offering_changed').map((i) => [i.details.to, i.at, i.reason]),
    ).toEqual([
      ['mobile-plan-max', expect.any(String), null],
      ['mobile-plan-basic', renewal, 'cheaper'],
    ])
  })
})
