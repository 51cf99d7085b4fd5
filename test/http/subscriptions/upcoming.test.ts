import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offeringBody, seedCatalog } from '../../helpers/catalog.js'
import { makeCustomer } from '../../helpers/parties.js'
import { expectHiddenFrom, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, advanceTo, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import { seedDemoCatalog } from '../../helpers/catalog.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * GET /subscriptions/{id}/upcoming on a UTC sandbox tenant. Subscriptions made at the test clock's
 * start (2025-01-15T10:00Z) renew at local midnight of the 15th: 2025-02-15T00:00Z. Demo prices:
 * plus 29.99, basic 19.99, 5 GB 15, security pack 3.99, all monthly USD.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const RENEWAL = '2025-02-15T00:00:00.000Z'

const upcoming = async (world: World, id: string) => {
  const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/upcoming` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
const addAddon = async (world: World, id: string, payload: Record<string, unknown>) => {
  const res = await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${id}/addons`, payload })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const charged = (body: { nextCharge: { items: { productOfferingId: string }[] } | null }) =>
  body.nextCharge?.items.map((i) => i.productOfferingId)

describe('upcoming', () => {
  it('shows a downgrade at period end first, charges the lower plan at the renewal, and drops the change once the clock passes it', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world, { productOfferingId: 'mobile-plan-plus' })
    const data = await addAddon(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })
    const before = await upcoming(world, sub.subscriptionId)
    expect(before).toMatchObject({
      subscriptionId: sub.subscriptionId,
      asOf: '2025-01-15T10:00:00.000Z',
      changes: [],
      productOfferingId: 'mobile-plan-plus',
      nextRenewalAt: RENEWAL,
      endsAt: null,
      nextCharge: { at: RENEWAL, scheduledAt: '2025-02-15', currency: 'USD', subtotal: 44.99, total: 44.99 },
    })
    expect(before.addons).toEqual([
      expect.objectContaining({
        subscriptionAddonId: data.subscriptionAddonId,
        status: 'ACTIVE',
        nextRenewalAt: RENEWAL,
        endsAt: null,
      }),
    ])

    await act(t, world, sub.subscriptionId, 'PUT', 'product-offering-change', {
      productOfferingId: 'mobile-plan-basic',
    })
    const security = await addAddon(world, sub.subscriptionId, {
      productOfferingId: 'addon-security-pack',
      scheduledAt: '2025-03-01',
    })
    const after = await upcoming(world, sub.subscriptionId)
    expect(after.changes.map((c: Record<string, unknown>) => [c.target, c.kind, c.at, c.productOfferingId])).toEqual([
      ['SUBSCRIPTION', 'change_product_offering', RENEWAL, 'mobile-plan-basic'],
      ['SUBSCRIPTION_ADDON', 'activate', '2025-03-01T00:00:00.000Z', 'addon-security-pack'],
    ])
    expect(after.changes[0].scheduledChangeId).toMatch(/^[0-9a-f-]{36}$/)
    expect(after.changes[1]).toMatchObject({ subscriptionAddonId: security.subscriptionAddonId, status: 'ACTIVE' })
    // Still on plus now; the renewal charges basic, and not the pack that starts after it.
    expect(after.productOfferingId).toBe('mobile-plan-plus')
    expect(after.nextCharge).toMatchObject({ at: RENEWAL, total: 34.99 })
    expect(charged(after)).toEqual(['mobile-plan-basic', 'addon-data-5gb'])

    await advanceTo(t, world, RENEWAL)
    const renewed = await upcoming(world, sub.subscriptionId)
    expect(renewed.changes.map((c: Record<string, unknown>) => c.kind)).toEqual(['activate'])
    expect(renewed).toMatchObject({
      asOf: RENEWAL,
      productOfferingId: 'mobile-plan-basic',
      nextRenewalAt: '2025-03-15T00:00:00.000Z',
      nextCharge: { at: '2025-03-15T00:00:00.000Z', total: 38.98 },
    })
    expect(charged(renewed)).toEqual(['mobile-plan-basic', 'addon-data-5gb', 'addon-security-pack'])
  })

  it('drops an add-on cancelled at a date and one that expires before the renewal from the next charge', async () => {
    const world = await subscriptionWorld(t)
    await seedCatalog(t.services, world.tenant, {
      offerings: [
        offeringBody('addon-promo-data', {
          product: {
            type: 'SUBSCRIPTION_ADDON',
            category: 'PRODUCT_CATEGORY_EXTRA_DATA',
            features: { validityDays: 20 },
          },
          price: {
            grossPrice: 2,
            currency: 'USD',
            priceType: 'RECURRING',
            billingCycle: { period: 'MONTHLY', interval: 1 },
          },
        }),
      ],
    })
    const sub = await makeSubscription(t, world)
    const security = await addAddon(world, sub.subscriptionId, { productOfferingId: 'addon-security-pack' })
    const promo = await addAddon(world, sub.subscriptionId, { productOfferingId: 'addon-promo-data' })
    // The promo expires after 20 days (2025-02-04), before the renewal: not charged, though active now.
    const first = await upcoming(world, sub.subscriptionId)
    expect(first.addons.map((a: Record<string, unknown>) => a.status)).toEqual(['ACTIVE', 'ACTIVE'])
    expect(charged(first)).toEqual(['mobile-plan-plus', 'addon-security-pack'])
    expect(first.nextCharge.total).toBe(33.98)
    // Cancel the pack at the 10th: it leaves the charge too.
    await act(t, world, sub.subscriptionId, 'POST', 'addons/cancel', {
      subscriptionAddonId: security.subscriptionAddonId,
      scheduledAt: '2025-02-10',
    })
    const body = await upcoming(world, sub.subscriptionId)
    expect(
      body.changes.map((c: Record<string, unknown>) => [c.subscriptionAddonId, c.kind, c.scheduledAt, c.status]),
    ).toEqual([
      [promo.subscriptionAddonId, 'expire', '2025-02-04', 'EXPIRED'],
      [security.subscriptionAddonId, 'cancel', '2025-02-10', 'CANCELLED'],
    ])
    expect(body.addons.map((a: Record<string, unknown>) => [a.productOfferingId, a.nextRenewalAt, a.endsAt])).toEqual([
      ['addon-security-pack', null, '2025-02-10T00:00:00.000Z'],
      ['addon-promo-data', null, '2025-02-04T00:00:00.000Z'],
    ])
    expect(body.nextCharge).toMatchObject({ at: RENEWAL, subtotal: 29.99, total: 29.99 })
    expect(charged(body)).toEqual(['mobile-plan-plus'])

    await advanceTo(t, world, '2025-02-05T00:00:00Z')
    const later = await upcoming(world, sub.subscriptionId)
    expect(later.changes.map((c: Record<string, unknown>) => c.kind)).toEqual(['cancel'])
    expect(later.addons.map((a: Record<string, unknown>) => a.productOfferingId)).toEqual(['addon-security-pack'])
  })

  it('shows a cancel at a date with the add-ons ending with it, and no next charge', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const data = await addAddon(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })
    await act(t, world, sub.subscriptionId, 'POST', 'cancel', {
      schedule: { type: 'CancelAtDate', date: '2025-02-01' },
      reason: 'BETTER_DEAL_PRICE',
    })
    const body = await upcoming(world, sub.subscriptionId)
    const END = '2025-02-01T00:00:00.000Z'
    expect(body.changes).toMatchObject([
      { target: 'SUBSCRIPTION', kind: 'cancel', at: END, scheduledAt: '2025-02-01', status: 'CANCELLED' },
      {
        target: 'SUBSCRIPTION_ADDON',
        subscriptionAddonId: data.subscriptionAddonId,
        kind: 'cancel',
        at: END,
        scheduledChangeId: null,
        reason: 'the subscription ended',
      },
    ])
    expect(body).toMatchObject({ endsAt: END, nextRenewalAt: null, nextCharge: null })
    expect(body.addons).toMatchObject([{ nextRenewalAt: null, endsAt: END }])

    await advanceTo(t, world, END)
    expect(await upcoming(world, sub.subscriptionId)).toMatchObject({
      changes: [],
      addons: [],
      endsAt: null,
      nextRenewalAt: null,
      nextCharge: null,
    })
  })

  it('prices the next charge with the tenant’s tax rates, as an order’s recurring costs', async () => {
    const tenant = await t.tenant({ settings: { taxRates: [{ name: 'VAT', rate: 10 }] } })
    await seedDemoCatalog(t.services, tenant)
    const world = { tenant, customer: await makeCustomer(t, tenant) }
    const sub = await makeSubscription(t, world, { productOfferingId: 'mobile-plan-basic' })
    expect((await upcoming(world, sub.subscriptionId)).nextCharge).toMatchObject({
      subtotal: 19.99,
      taxAmount: 2,
      total: 21.99,
      taxIncluded: false,
      billingCycle: { period: 'MONTHLY', interval: 1 },
      items: [
        { target: 'SUBSCRIPTION', subscriptionAddonId: null, productOfferingId: 'mobile-plan-basic', total: 21.99 },
      ],
    })
  })
})

describe('upcoming: errors and access', () => {
  it('needs a key, hides another tenant’s subscription, and refuses a malformed id', async () => {
    const world = await subscriptionWorld(t)
    const stranger = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const route = { method: 'GET' as const, url: `/subscriptions/${sub.subscriptionId}/upcoming` }
    await expectUnauthenticated(t, route)
    await expectHiddenFrom(t, stranger.tenant, route, 'subscription.not_found')
    const bad = await t.request(world.tenant, { method: 'GET', url: '/subscriptions/not-an-id/upcoming' })
    expect(bad.statusCode, bad.body).toBe(400)
    expect(bad.json().code).toBe('request.invalid_id')
  })
})
