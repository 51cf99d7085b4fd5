import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, getSubscription, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'

/** Seeds 000 (add), 001 (change) and 002 (cancel), step by step through the HTTP API. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const addons = (world: World, subscriptionId: string, query = '') =>
  t.request(world.tenant, { method: 'GET', url: `/subscriptions/${subscriptionId}/addons${query}` })
const add = (world: World, subscriptionId: string, payload: Record<string, unknown>) =>
  t.request(world.tenant, { method: 'POST', url: `/subscriptions/${subscriptionId}/addons`, payload })

describe('seed 000: add an add-on to a subscription', () => {
  it('adds now: ACTIVE, with the embedded offering and group, findable by the subscription’s rid_ and its own', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world, { referenceId: 'crm-subscription-12345' })
    const res = await add(world, 'rid_crm-subscription-12345', {
      productOfferingId: 'addon-data-5gb',
      referenceId: 'telna-package-12345',
      metadata: { source: 'crm' },
    })
    expect(res.statusCode, res.body).toBe(201)
    const addon = res.json()
    expect(addon).toMatchObject({
      subscriptionId: sub.subscriptionId,
      status: 'ACTIVE',
      productOfferingId: 'addon-data-5gb',
      productOffering: {
        productOfferingId: 'addon-data-5gb',
        name: 'Extra 5GB',
        price: { netPrice: 15, currency: 'USD' },
      },
      productOfferingGroupId: 'addon-data',
      group: { productOfferingGroupId: 'addon-data', name: 'Extra Data' },
      license: null,
      pendingStatus: null,
      pendingProductOffering: null,
      addedAt: '2025-01-15T10:00:00.000Z',
      activatedAt: '2025-01-15T10:00:00.000Z',
      cancelledAt: null,
      expiredAt: null,
      referenceId: 'telna-package-12345',
      metadata: { source: 'crm' },
    })
    const byRef = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${sub.subscriptionId}/addons/rid_telna-package-12345`,
    })
    expect(byRef.json()).toEqual(addon)
    expect((await addons(world, sub.subscriptionId)).json().items).toEqual([addon])
    const types = (await eventsAbout(t, world.tenant, addon.subscriptionAddonId)).map((e) => e.type)
    expect(types).toEqual(['subscription.addon.added', 'subscription.addon.activated'])
  })

  it('schedules an add for a later day: PENDING with pendingStatus until the test clock passes it, then ACTIVE', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const res = await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-1gb', scheduledAt: '2025-03-01' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({
      status: 'PENDING',
      pendingStatus: { status: 'ACTIVE', scheduledAt: '2025-03-01' },
      activatedAt: null,
    })
    await advanceTo(t, world, '2025-02-28T23:00:00Z')
    expect((await addons(world, sub.subscriptionId)).json().items[0].status).toBe('PENDING')
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    const [active] = (await addons(world, sub.subscriptionId)).json().items
    expect(active).toMatchObject({ status: 'ACTIVE', pendingStatus: null, activatedAt: '2025-03-01T00:00:00.000Z' })
    const activated = (await eventsAbout(t, world.tenant, active.subscriptionAddonId)).find(
      (e) => e.type === 'subscription.addon.activated',
    )
    expect(activated?.occurredAt).toBe('2025-03-01T00:00:00.000Z')
  })

  it('refuses, with a 422 and a code each, and writes nothing', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-1gb' })
    const cases: [Record<string, unknown>, string][] = [
      [{ productOfferingId: 'mobile-plan-basic' }, 'addon.offering_not_an_addon'],
      [{ productOfferingId: 'topup-data-2gb' }, 'addon.offering_not_an_addon'],
      [{ productOfferingId: 'no-such-offering' }, 'product_offering.not_found'],
      [{ productOfferingId: 'addon-data-1gb' }, 'addon.limit_reached'],
    ]
    for (const [payload, code] of cases) {
      const res = await add(world, sub.subscriptionId, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(422)
      expect(res.json().code).toBe(code)
    }
    expect((await addons(world, sub.subscriptionId)).json().items).toHaveLength(1)
  })
})

describe('seed 001: change an add-on to a different product offering', () => {
  it('upgrades now and answers the Subscription; a downgrade from 10 GB to 1 GB waits for the add-on’s renewal', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const added = (await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-1gb' })).json()
    const up = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/addons/product-offering-change`,
      payload: { productOfferingId: 'addon-data-10gb', reason: 'Customer upgrade request' },
    })
    expect(up.statusCode, up.body).toBe(200)
    expect(up.json()).toMatchObject({ subscriptionId: sub.subscriptionId, status: 'ACTIVATED' })
    expect((await addons(world, sub.subscriptionId)).json().items[0]).toMatchObject({
      subscriptionAddonId: added.subscriptionAddonId,
      productOfferingId: 'addon-data-10gb',
      pendingProductOffering: null,
    })

    await t.request(world.tenant, { method: 'POST', url: '/test-clock/advance', payload: { by: 'P5D' } })
    const down = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/addons/product-offering-change`,
      payload: {
        productOfferingId: 'addon-data-1gb',
        subscriptionAddonId: added.subscriptionAddonId,
        scheduledAt: '2025-01-20',
      },
    })
    expect(down.statusCode, down.body).toBe(200)
    const pending = (await addons(world, sub.subscriptionId)).json().items[0]
    expect(pending).toMatchObject({
      productOfferingId: 'addon-data-10gb',
      pendingProductOffering: { productOfferingId: 'addon-data-1gb', scheduledAt: '2025-02-15' },
    })
    await advanceTo(t, world, '2025-02-14T23:59:59Z')
    expect((await addons(world, sub.subscriptionId)).json().items[0].productOfferingId).toBe('addon-data-10gb')
    await advanceTo(t, world, '2025-02-15T00:00:00Z')
    expect((await addons(world, sub.subscriptionId)).json().items[0]).toMatchObject({
      productOfferingId: 'addon-data-1gb',
      pendingProductOffering: null,
    })
  })

  it('never applies before the client’s earliest date, and lists options with their schedule', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })
    const options = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${sub.subscriptionId}/addons/product-offering-options?currentProductOfferingId=addon-data-5gb`,
    })
    expect(
      options
        .json()
        .items.map((o: { productOfferingId: string; changeSchedule: string; changeScheduleDate: string }) => [
          o.productOfferingId,
          o.changeSchedule,
          o.changeScheduleDate,
        ]),
    ).toEqual([
      ['addon-data-1gb', 'NEXT_RENEWAL', '2025-02-15'],
      ['addon-data-10gb', 'INSTANT', '2025-01-15'],
    ])
    const later = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/addons/product-offering-change`,
      payload: { productOfferingId: 'addon-data-10gb', scheduledAt: '2025-02-01' },
    })
    expect(later.statusCode).toBe(200)
    expect((await addons(world, sub.subscriptionId)).json().items[0].pendingProductOffering).toMatchObject({
      productOfferingId: 'addon-data-10gb',
      scheduledAt: '2025-02-01',
    })
  })
})

describe('seed 002: cancel an add-on from a subscription', () => {
  it('cancels now by productOfferingId (CANCELLED with cancelledAt) and answers the Subscription', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const added = (await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })).json()
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/addons/cancel`,
      payload: { productOfferingId: 'addon-data-5gb', reason: 'No longer needed' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().subscriptionId).toBe(sub.subscriptionId)
    expect((await addons(world, sub.subscriptionId)).json().items).toEqual([])
    const cancelled = (await addons(world, sub.subscriptionId, '?status=CANCELLED')).json().items
    expect(cancelled).toEqual([
      expect.objectContaining({
        subscriptionAddonId: added.subscriptionAddonId,
        status: 'CANCELLED',
        cancelledAt: '2025-01-15T10:00:00.000Z',
      }),
    ])
  })

  it('cancels at a date (pendingStatus until then), and a PENDING add-on is withdrawn at once', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const active = (await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })).json()
    const scheduled = (
      await add(world, sub.subscriptionId, { productOfferingId: 'addon-roaming-eu-7d', scheduledAt: '2025-06-01' })
    ).json()
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/addons/cancel`,
      payload: { subscriptionAddonId: active.subscriptionAddonId, scheduledAt: '2025-03-01' },
    })
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/addons/cancel`,
      payload: { subscriptionAddonId: scheduled.subscriptionAddonId },
    })
    const items = (await addons(world, sub.subscriptionId, '?status=ACTIVE&status=PENDING&status=CANCELLED')).json()
      .items
    expect(
      items.find((a: { subscriptionAddonId: string }) => a.subscriptionAddonId === active.subscriptionAddonId),
    ).toMatchObject({ status: 'ACTIVE', pendingStatus: { status: 'CANCELLED', scheduledAt: '2025-03-01' } })
    expect(
      items.find((a: { subscriptionAddonId: string }) => a.subscriptionAddonId === scheduled.subscriptionAddonId),
    ).toMatchObject({ status: 'CANCELLED', pendingStatus: null })
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    expect((await addons(world, sub.subscriptionId)).json().items).toEqual([])
  })

  it('answers an ambiguous productOfferingId with a 422 listing the candidates', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const first = (await add(world, sub.subscriptionId, { productOfferingId: 'addon-roaming-eu-7d' })).json()
    const second = (await add(world, sub.subscriptionId, { productOfferingId: 'addon-roaming-eu-7d' })).json()
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/addons/cancel`,
      payload: { productOfferingId: 'addon-roaming-eu-7d' },
    })
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({ code: 'addon.ambiguous' })
    expect(
      res
        .json()
        .candidates.map((c: { subscriptionAddonId: string }) => c.subscriptionAddonId)
        .sort(),
    ).toEqual([first.subscriptionAddonId, second.subscriptionAddonId].sort())
  })
})

describe('life of an add-on', () => {
  it('expires a 7-day pass on day 7 in the tenant’s zone', async () => {
    const world = await subscriptionWorld(t, { timeZone: 'Europe/Stockholm' })
    const sub = await makeSubscription(t, world)
    await advanceTo(t, world, '2025-03-10T14:00:00Z') // 15:00 in Stockholm
    const pass = (await add(world, sub.subscriptionId, { productOfferingId: 'addon-roaming-eu-7d' })).json()
    expect(pass).toMatchObject({
      status: 'ACTIVE',
      expiresAt: '2025-03-16T23:00:00.000Z',
      pendingStatus: { status: 'EXPIRED', scheduledAt: '2025-03-17' },
    })
    await advanceTo(t, world, '2025-03-16T22:59:00Z')
    expect((await addons(world, sub.subscriptionId)).json().items).toHaveLength(1)
    await advanceTo(t, world, '2025-03-16T23:00:00Z')
    const expired = (await addons(world, sub.subscriptionId, '?status=EXPIRED')).json().items
    expect(expired).toEqual([
      expect.objectContaining({
        subscriptionAddonId: pass.subscriptionAddonId,
        status: 'EXPIRED',
        expiredAt: '2025-03-16T23:00:00.000Z',
      }),
    ])
  })

  it('ends every add-on with the subscription', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })
    await add(world, sub.subscriptionId, { productOfferingId: 'addon-roaming-eu-7d', scheduledAt: '2025-02-10' })
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelAtDate', date: '2025-02-01' }, reason: 'NO_NEED' },
    })
    // The pass is asked for after the cancel date, so the add itself is refused:
    expect(
      (await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-1gb', scheduledAt: '2025-02-05' })).json()
        .code,
    ).toBe('addon.subscription_cancellation_pending')
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    expect((await getSubscription(t, world, sub.subscriptionId)).status).toBe('CANCELLED')
    const all = (await addons(world, sub.subscriptionId, '?status=ACTIVE&status=PENDING&status=CANCELLED')).json().items
    expect(all.map((a: { status: string; cancelledAt: string }) => [a.status, a.cancelledAt])).toEqual([
      ['CANCELLED', '2025-02-01T00:00:00.000Z'],
      ['CANCELLED', '2025-02-01T00:00:00.000Z'],
    ])
    expect((await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-1gb' })).json().code).toBe(
      'addon.subscription_cancelled',
    )
  })
})
