import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offeringBody, seedCatalog } from '../../helpers/catalog.js'
import { uniqueName } from '../../helpers/factories.js'
import { countOf, eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let world: World
let stranger: World
let reader: { headers: Record<string, string> }

const TOPUP = 'topup-data-2gb'
const topup = (id: string, overrides: Record<string, unknown> = {}) =>
  offeringBody(id, {
    productOfferingGroupId: 'top-ups',
    product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_TOP_UP', features: { dataMb: 5120 } },
    price: { grossPrice: 20, currency: 'USD', priceType: 'ONE_TIME' },
    ...overrides,
  })

/** The demo catalog plus a top-up for broadband plans only and an archived top-up. */
async function topupWorld(): Promise<World> {
  const w = await subscriptionWorld(t)
  await seedCatalog(t.services, w.tenant, {
    offerings: [
      topup('topup-broadband-5gb', { compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_BROADBAND'] } }),
      topup('topup-data-old', {
        status: 'ARCHIVED',
        compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'] },
      }),
    ],
  })
  return w
}

beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
  world = await topupWorld()
  stranger = await topupWorld()
  const key = await t.services.apiKeys.create(undefined, world.tenant.tenant, { label: 'reader', scopes: ['read'] })
  reader = { headers: { 'x-api-key': key.key } }
})
afterAll(() => t.close())

const apply = (subscriptionId: string, payload: Record<string, unknown>) =>
  t.request(world.tenant, { method: 'POST', url: `/subscriptions/${subscriptionId}/topups`, payload })

describe('GET /subscriptions/{subscriptionId}/topup-options', () => {
  it('lists the AVAILABLE top-ups that fit the plan, with their group; none for a subscription not ACTIVATED', async () => {
    const sub = await makeSubscription(t, world, { referenceId: uniqueName('sub') })
    const res = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/rid_${sub.referenceId}/topup-options`,
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({
      items: [
        {
          productOfferingId: TOPUP,
          productOffering: expect.objectContaining({
            productOfferingId: TOPUP,
            name: 'Top-up 2GB',
            price: expect.objectContaining({ grossPrice: 10, priceType: 'ONE_TIME' }),
          }),
          productOfferingGroupId: 'top-ups',
          group: expect.objectContaining({ productOfferingGroupId: 'top-ups', name: 'Top-ups' }),
        },
      ],
    })
    const pending = await makeSubscription(t, world, { scheduleActivationAt: '2025-03-01' })
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${pending.subscriptionId}/topup-options` })
      ).json(),
    ).toEqual({ items: [] })
  })

  it('hides another tenant’s subscription by UUID and rid_, and needs a key', async () => {
    const sub = await makeSubscription(t, world, { referenceId: uniqueName('sub') })
    await expectHiddenFrom(
      t,
      stranger.tenant,
      { method: 'GET', url: `/subscriptions/${sub.subscriptionId}/topup-options` },
      'subscription.not_found',
    )
    await expectHiddenFrom(
      t,
      stranger.tenant,
      { method: 'GET', url: `/subscriptions/rid_${sub.referenceId}/topup-options` },
      'subscription.not_found',
    )
    await expectUnauthenticated(t, { method: 'GET', url: `/subscriptions/${sub.subscriptionId}/topup-options` })
  })
})

describe('POST /subscriptions/{subscriptionId}/topups', () => {
  it('applies a top-up at once, stores it, emits subscription.topup.applied and notes it on the subscription’s timeline', async () => {
    const sub = await makeSubscription(t, world)
    const subscriptionEvents = (await eventsAbout(t, world.tenant, sub.subscriptionId)).length
    const res = await apply(sub.subscriptionId, { productOfferingId: TOPUP, metadata: { campaign: 'spring' } })
    expect(res.statusCode, res.body).toBe(201)
    const { topup: applied } = res.json()
    expect(applied).toEqual({
      topupId: expect.any(String),
      subscriptionId: sub.subscriptionId,
      productOfferingId: TOPUP,
      productOffering: expect.objectContaining({ productOfferingId: TOPUP, productOfferingGroupId: 'top-ups' }),
      status: 'APPLIED',
      appliedAt: '2025-01-15T10:00:00.000Z',
      metadata: { campaign: 'spring' },
      createdAt: '2025-01-15T10:00:00.000Z',
    })
    const events = await eventsAbout(t, world.tenant, applied.topupId)
    expect(events).toEqual([
      expect.objectContaining({
        type: 'subscription.topup.applied',
        resource: { type: 'subscription_topup', id: applied.topupId },
        data: applied,
      }),
    ])
    expect((await eventsAbout(t, world.tenant, sub.subscriptionId)).length).toBe(subscriptionEvents)
    const timeline = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${sub.subscriptionId}/timeline` })
    ).json().items as { kind: string; details: Record<string, unknown> }[]
    expect(timeline.find((i) => i.kind === 'topup_applied')).toMatchObject({
      details: { topupId: applied.topupId, productOfferingId: TOPUP },
    })
    const got = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${sub.subscriptionId}/topups/${applied.topupId}`,
    })
    expect(got.json()).toEqual(applied)
    const listed = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${sub.subscriptionId}/topups` })
    expect(listed.json()).toEqual({ items: [applied], pagination: { limit: 100, nextCursor: null } })
  })

  it('refuses with 422 and a code each, and writes nothing', async () => {
    const sub = await makeSubscription(t, world)
    const pending = await makeSubscription(t, world, { scheduleActivationAt: '2025-03-01' })
    const paused = await makeSubscription(t, world)
    await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${paused.subscriptionId}/pause`, payload: {} })
    const cancelled = await makeSubscription(t, world)
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${cancelled.subscriptionId}/cancel`,
      payload: { schedule: 'CancelNow', reason: 'NO_NEED' },
    })
    const cases: [string, string, string, string | undefined][] = [
      [sub.subscriptionId, 'no-such-offering', 'product_offering.not_found', '/body/productOfferingId'],
      [sub.subscriptionId, 'addon-data-1gb', 'topup.not_a_topup', '/body/productOfferingId'],
      [sub.subscriptionId, 'license-security-suite', 'topup.not_a_topup', '/body/productOfferingId'],
      [sub.subscriptionId, 'topup-data-old', 'product_offering.not_orderable', undefined],
      [sub.subscriptionId, 'topup-broadband-5gb', 'topup.not_compatible', undefined],
      [pending.subscriptionId, TOPUP, 'topup.subscription_not_active', undefined],
      [paused.subscriptionId, TOPUP, 'topup.subscription_not_active', undefined],
      [cancelled.subscriptionId, TOPUP, 'topup.subscription_not_active', undefined],
    ]
    for (const [subscriptionId, productOfferingId, code, path] of cases) {
      const res = await apply(subscriptionId, { productOfferingId })
      expect(res.statusCode, `${code}: ${res.body}`).toBe(422)
      expect(res.json().code).toBe(code)
      if (path) expect(res.json().errors).toEqual([{ path, message: expect.any(String) }])
      expect(await countOf(t, world.tenant, `/subscriptions/${subscriptionId}/topups`)).toBe(0)
    }
  })

  it.each([
    ['no offering', {}, '/body/productOfferingId'],
    ['an empty offering id', { productOfferingId: '' }, '/body/productOfferingId'],
    ['metadata that is not an object', { productOfferingId: TOPUP, metadata: [] }, '/body/metadata'],
  ])('answers %s with 400 naming the field, and writes nothing', async (_case, payload, path) => {
    const sub = await makeSubscription(t, world)
    const res = await apply(sub.subscriptionId, payload)
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect(await countOf(t, world.tenant, `/subscriptions/${sub.subscriptionId}/topups`)).toBe(0)
  })

  it('replays, answers 401 without a key, 403 for a read-only key and 404 for another tenant’s subscription, writing nothing', async () => {
    const sub = await makeSubscription(t, world, { referenceId: uniqueName('sub') })
    const url = `/subscriptions/${sub.subscriptionId}/topups`
    const payload = { productOfferingId: TOPUP }
    await expectUnauthenticated(t, { method: 'POST', url, payload })
    expect((await t.request(reader, { method: 'POST', url, payload })).statusCode).toBe(403)
    await expectHiddenFrom(t, stranger.tenant, { method: 'POST', url, payload }, 'subscription.not_found')
    await expectHiddenFrom(
      t,
      stranger.tenant,
      { method: 'POST', url: `/subscriptions/rid_${sub.referenceId}/topups`, payload },
      'subscription.not_found',
    )
    expect(await countOf(t, world.tenant, url)).toBe(0)
    const { first, status } = await expectReplay(t, world.tenant, { method: 'POST', url, payload })
    expect(status).toBe(201)
    expect(first.topup.productOfferingId).toBe(TOPUP)
    expect(await countOf(t, world.tenant, url)).toBe(1)
  })
})

describe('GET /subscriptions/{subscriptionId}/topups and …/topups/{topupId}', () => {
  it('pages both ways, finds one only under its own subscription, and hides them from other tenants', async () => {
    const sub = await makeSubscription(t, world, { referenceId: uniqueName('sub') })
    const ids: string[] = []
    for (let i = 0; i < 3; i++)
      ids.push((await apply(sub.subscriptionId, { productOfferingId: TOPUP })).json().topup.topupId)
    const base = `/subscriptions/rid_${sub.referenceId}/topups`
    const page1 = (await t.request(world.tenant, { method: 'GET', url: `${base}?limit=2` })).json()
    expect(page1.items.map((i: { topupId: string }) => i.topupId)).toEqual(ids.slice(0, 2))
    const page2 = (
      await t.request(world.tenant, { method: 'GET', url: `${base}?limit=2&cursor=${page1.pagination.nextCursor}` })
    ).json()
    expect(page2).toMatchObject({ items: [{ topupId: ids[2] }], pagination: { nextCursor: null } })
    expect((await t.request(world.tenant, { method: 'GET', url: `${base}?offset=2&limit=5` })).json()).toMatchObject({
      items: [{ topupId: ids[2] }],
      pagination: { offset: 2, total: 3 },
    })
    const other = await makeSubscription(t, world)
    const elsewhere = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${other.subscriptionId}/topups/${ids[0]}`,
    })
    expect(elsewhere.statusCode).toBe(404)
    expect(elsewhere.json().code).toBe('topup.not_found')
    const malformed = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${sub.subscriptionId}/topups/topup-1`,
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().errors[0].path).toBe('/params/topupId')
    for (const url of [
      base,
      `/subscriptions/${sub.subscriptionId}/topups`,
      `/subscriptions/${sub.subscriptionId}/topups/${ids[0]}`,
    ]) {
      await expectHiddenFrom(t, stranger.tenant, { method: 'GET', url }, 'subscription.not_found')
      await expectUnauthenticated(t, { method: 'GET', url })
    }
  })
})
