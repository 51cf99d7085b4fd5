import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offeringBody, seedCatalog } from '../../helpers/catalog.js'
import { PREMIUM, SUITE, getLicense, licenseWorld } from '../../helpers/licenses.js'
import { countOf, eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, advanceTo, makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/** An add-on offering that includes a license: the license comes with each add-on and ends with it. */
const PACK = 'addon-security-pack' // the demo's, including license-security-suite
const PACK_PLUS = 'addon-security-pack-plus' // includes license-security-premium
const NOW = '2025-01-15T10:00:00.000Z'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let t: TestApp
let world: World

beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  world = await licenseWorld(t)
  const pack = (id: string, rank: number, license: string) =>
    offeringBody(id, {
      productOfferingGroupId: 'secure-line',
      rank,
      product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_VALUE_ADDED_SERVICE' },
      price: {
        grossPrice: 3.99 * rank,
        currency: 'USD',
        priceType: 'RECURRING',
        billingCycle: { period: 'MONTHLY', interval: 1 },
      },
      includedLicenseOfferingId: license,
    })
  await seedCatalog(t.services, world.tenant, {
    groups: [{ productOfferingGroupId: 'secure-line', name: 'Secure line' }],
    offerings: [pack('addon-security-pack-basic', 1, SUITE), pack(PACK_PLUS, 2, PREMIUM)],
  })
})
afterAll(() => t.close())

const add = async (subscriptionId: string, payload: Record<string, unknown>): Promise<Json> => {
  const res = await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${subscriptionId}/addons`, payload })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const addonOf = async (subscriptionId: string, addonId: string): Promise<Json> => {
  const res = await t.request(world.tenant, {
    method: 'GET',
    url: `/subscriptions/${subscriptionId}/addons/${addonId}`,
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
const licensesOf = async (subscriptionId: string): Promise<Json[]> =>
  (
    await t.request(world.tenant, {
      method: 'GET',
      url: `/licenses?customerId[]=${world.customer.customerId}&limit=1000`,
    })
  )
    .json()
    .items.filter((l: Json) => l.assignedTo?.subscriptionId === subscriptionId)

describe('an add-on whose offering includes a license', () => {
  it('comes with an ACTIVE license of the subscription’s customer, assigned to the line, embedded as `license`', async () => {
    const sub = await makeSubscription(t, world)
    const addon = await add(sub.subscriptionId, { productOfferingId: PACK })
    expect(addon.license).toEqual({
      licenseId: expect.any(String),
      status: 'ACTIVE',
      productOffering: expect.objectContaining({ productOfferingId: SUITE }),
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId, subscriptionDisplay: expect.anything() },
      type: 'LICENSE_SECURITY',
      customer: expect.objectContaining({ customerId: world.customer.customerId }),
      activatedAt: NOW,
    })
    expect(await addonOf(sub.subscriptionId, addon.subscriptionAddonId)).toEqual(addon)
    const license = await getLicense(t, world, addon.license.licenseId)
    expect(license).toMatchObject({
      status: 'ACTIVE',
      customerId: world.customer.customerId,
      productOfferingId: SUITE,
      details: { includedWith: { subscriptionAddonId: addon.subscriptionAddonId, productOfferingId: PACK } },
    })
    expect((await eventsAbout(t, world.tenant, license.licenseId)).map((e) => e.type)).toEqual(['license.created'])
    const added = (await eventsAbout(t, world.tenant, addon.subscriptionAddonId)).map((e) => [e.type, e.data.license])
    expect(added).toEqual([
      ['subscription.addon.added', expect.objectContaining({ licenseId: license.licenseId, status: 'ACTIVE' })],
      ['subscription.addon.activated', expect.objectContaining({ licenseId: license.licenseId })],
    ])
  })

  it('gets its license only when it activates: none while a scheduled add waits', async () => {
    const sub = await makeSubscription(t, world)
    const addon = await add(sub.subscriptionId, { productOfferingId: PACK, scheduledAt: '2025-02-01' })
    expect(addon).toMatchObject({ status: 'PENDING', license: null })
    expect(await licensesOf(sub.subscriptionId)).toEqual([])
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    const active = await addonOf(sub.subscriptionId, addon.subscriptionAddonId)
    expect(active).toMatchObject({
      status: 'ACTIVE',
      license: { status: 'ACTIVE', activatedAt: '2025-02-01T00:00:00.000Z' },
    })
    expect(await licensesOf(sub.subscriptionId)).toHaveLength(1)
  })

  it('ends its license when it is cancelled, and shows the ended license', async () => {
    const sub = await makeSubscription(t, world)
    const addon = await add(sub.subscriptionId, { productOfferingId: PACK })
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/addons/cancel`,
      payload: { subscriptionAddonId: addon.subscriptionAddonId },
    })
    expect(res.statusCode, res.body).toBe(200)
    const cancelled = await addonOf(sub.subscriptionId, addon.subscriptionAddonId)
    expect(cancelled).toMatchObject({ status: 'CANCELLED', license: { status: 'CANCELLED' } })
    const license = await getLicense(t, world, addon.license.licenseId)
    expect(license).toMatchObject({ status: 'CANCELLED', cancelledAt: cancelled.cancelledAt })
    expect((await eventsAbout(t, world.tenant, license.licenseId)).map((e) => e.type)).toEqual([
      'license.created',
      'license.ended',
    ])
  })

  it('ends its license once when the subscription ends', async () => {
    const sub = await makeSubscription(t, world)
    const addon = await add(sub.subscriptionId, { productOfferingId: PACK })
    await act(t, world, sub.subscriptionId, 'POST', 'cancel', { schedule: { type: 'CancelNow' }, reason: 'FRAUD' })
    expect(await addonOf(sub.subscriptionId, addon.subscriptionAddonId)).toMatchObject({
      status: 'CANCELLED',
      license: { status: 'CANCELLED' },
    })
    const types = (await eventsAbout(t, world.tenant, addon.license.licenseId)).map((e) => e.type)
    expect(types).toEqual(['license.created', 'license.ended'])
  })

  it('swaps its license when it moves to an offering that includes another one', async () => {
    const sub = await makeSubscription(t, world)
    const addon = await add(sub.subscriptionId, { productOfferingId: 'addon-security-pack-basic' })
    const res = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/addons/product-offering-change`,
      payload: { subscriptionAddonId: addon.subscriptionAddonId, productOfferingId: PACK_PLUS },
    })
    expect(res.statusCode, res.body).toBe(200)
    const moved = await addonOf(sub.subscriptionId, addon.subscriptionAddonId)
    expect(moved).toMatchObject({ productOfferingId: PACK_PLUS, license: { status: 'ACTIVE' } })
    expect(moved.license.productOffering.productOfferingId).toBe(PREMIUM)
    expect(moved.license.licenseId).not.toBe(addon.license.licenseId)
    expect((await getLicense(t, world, addon.license.licenseId)).status).toBe('CANCELLED')
  })

  it('an add-on without one shows license null and creates none', async () => {
    const sub = await makeSubscription(t, world)
    const addon = await add(sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })
    expect(addon.license).toBeNull()
    expect(await licensesOf(sub.subscriptionId)).toEqual([])
  })
})

describe('includedLicenseOfferingId in the catalog', () => {
  const write = (id: string, overrides: Record<string, unknown>) =>
    t.request(world.tenant, {
      method: 'POST',
      url: '/product-offerings',
      payload: offeringBody(id, {
        product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_VALUE_ADDED_SERVICE' },
        ...overrides,
      }),
    })

  it('is shown on the offering', async () => {
    const res = await t.request(world.tenant, { method: 'GET', url: `/product-offerings/${PACK}` })
    expect(res.json().includedLicenseOfferingId).toBe(SUITE)
  })

  it.each([
    ['an offering that does not exist', { includedLicenseOfferingId: 'license-nope' }, 'no offering'],
    ['a plan, not a LICENSE', { includedLicenseOfferingId: 'mobile-plan-basic' }, 'not a LICENSE'],
    [
      'a plan that names a license',
      {
        includedLicenseOfferingId: SUITE,
        product: { type: 'SUBSCRIPTION', category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL' },
      },
      'only an add-on',
    ],
  ])('refuses %s with a 400 naming the field, and writes nothing', async (_case, overrides, message) => {
    const before = await countOf(t, world.tenant, '/product-offerings')
    const res = await write('addon-bad-license', overrides)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors).toEqual([
      expect.objectContaining({ path: '/body/includedLicenseOfferingId', message: expect.stringContaining(message) }),
    ])
    expect(await countOf(t, world.tenant, '/product-offerings')).toBe(before)
  })
})
