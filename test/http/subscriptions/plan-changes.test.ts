import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offeringBody, seedCatalog } from '../../helpers/catalog.js'
import { eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import {
  act,
  advanceTo,
  getSubscription,
  justBefore,
  makeSubscription,
  subscriptionRequest,
  subscriptionWorld,
  timelineOf,
} from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * GET …/product-offering-options and PUT …/product-offering-change in Pacific/Auckland (UTC+13
 * in January), so local dates differ from UTC ones: the tenant's clock reads 2025-01-15T12:00Z,
 * which is already the 16th there. Subscriptions made at 10:00Z (the 15th, 23:00 local) renew on
 * the 15th, local midnight = 11:00Z the day before.
 */
let t: TestApp
let world: World
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  world = await subscriptionWorld(t, { timeZone: 'Pacific/Auckland' })
  const plan = (id: string, rank: number, extra: Parameters<typeof offeringBody>[1] = {}) =>
    offeringBody(id, { productOfferingGroupId: 'mobile-plans', rank, ...extra })
  await seedCatalog(t.services, world.tenant, {
    offerings: [
      plan('mobile-plan-plus-esim', 2), // same rank: lateral
      plan('mobile-plan-mini', 0, { changePolicy: { downgrade: 'IMMEDIATE' } }),
      plan('mobile-plan-ultra', 5, { changePolicy: { upgrade: 'NEXT_RENEWAL' } }),
      plan('mobile-plan-retired', 4, { status: 'ARCHIVED' }),
      plan('mobile-plan-business', 3, { customerType: 'BUSINESS' }),
    ],
  })
})
afterAll(() => t.close())

const RENEWAL = '2025-02-14T11:00:00.000Z' // 2025-02-15T00:00+13:00
const options = async (id: string) => {
  const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${id}/product-offering-options` })
  expect(res.statusCode, res.body).toBe(200)
  return (res.json().items as Record<string, unknown>[]).map((o) => [
    o.productOfferingId,
    o.direction,
    o.changeSchedule,
    o.changeScheduleDate,
  ])
}
const change = (id: string, payload: Record<string, unknown>) =>
  act(t, world, id, 'PUT', 'product-offering-change', payload)

describe('product offering options', () => {
  let plus: string
  let pending: string
  beforeAll(async () => {
    plus = (await makeSubscription(t, world, { productOfferingId: 'mobile-plan-plus' })).subscriptionId
    pending = (
      await makeSubscription(t, world, { productOfferingId: 'mobile-plan-plus', scheduleActivationAt: '2025-03-01' })
    ).subscriptionId
    await advanceTo(t, world, '2025-01-15T12:00:00Z') // 2025-01-16T01:00+13:00
  })

  it('lists the other available plans of the same category and customer type, upgrades INSTANT today and downgrades at the next renewal', async () => {
    expect((await getSubscription(t, world, plus)).billingCycle).toMatchObject({
      anchorDate: '2025-01-15',
      nextRenewalAt: RENEWAL,
    })
    expect(await options(plus)).toEqual([
      ['mobile-plan-mini', 'DOWNGRADE', 'INSTANT', '2025-01-16'], // its policy: downgrades to it apply at once
      ['mobile-plan-basic', 'DOWNGRADE', 'NEXT_RENEWAL', '2025-02-15'],
      ['mobile-plan-plus-esim', 'LATERAL', 'INSTANT', '2025-01-16'],
      ['mobile-plan-max', 'UPGRADE', 'INSTANT', '2025-01-16'],
      ['mobile-plan-ultra', 'UPGRADE', 'NEXT_RENEWAL', '2025-02-15'], // its policy: upgrades to it wait for the renewal
    ])
  })

  it('offers a subscription that is not active yet every plan at once (it has no billing cycle)', async () => {
    expect((await options(pending)).map(([id, , schedule, date]) => [id, schedule, date])).toEqual([
      ['mobile-plan-mini', 'INSTANT', '2025-01-16'],
      ['mobile-plan-basic', 'INSTANT', '2025-01-16'],
      ['mobile-plan-plus-esim', 'INSTANT', '2025-01-16'],
      ['mobile-plan-max', 'INSTANT', '2025-01-16'],
      ['mobile-plan-ultra', 'INSTANT', '2025-01-16'],
    ])
    expect(await change(pending, { productOfferingId: 'mobile-plan-basic' })).toMatchObject({
      status: 'PENDING',
      productOfferingId: 'mobile-plan-basic',
      pendingProductOffering: null,
    })
  })

  it('embeds each option’s offering', async () => {
    const res = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${plus}/product-offering-options` })
    expect(
      res.json().items.find((o: { productOfferingId: string }) => o.productOfferingId === 'mobile-plan-max'),
    ).toMatchObject({
      productOffering: {
        productOfferingId: 'mobile-plan-max',
        name: 'Max 100GB',
        price: { grossPrice: 44.99, currency: 'USD' },
      },
    })
  })
})

/** Made once the tenant's clock reads the 16th locally: these renew on the 16th (00:00+13:00 = 11:00Z the day before). */
describe('PUT …/product-offering-change with scheduledAt', () => {
  let subs: Record<string, string>
  beforeAll(async () => {
    subs = {}
    for (const name of ['upLater', 'upPast', 'downLater', 'downOnRenewal', 'downEarlier', 'lateral']) {
      subs[name] = (await makeSubscription(t, world, { productOfferingId: 'mobile-plan-plus' })).subscriptionId
    }
  })

  it.each([
    [
      'an upgrade with a later date waits for that local midnight',
      'upLater',
      'mobile-plan-max',
      '2025-02-01',
      '2025-02-01',
    ],
    [
      'a downgrade with a date after the renewal moves to the first renewal at or after it',
      'downLater',
      'mobile-plan-basic',
      '2025-02-20',
      '2025-03-16',
    ],
    [
      'a downgrade dated on the renewal day takes that renewal',
      'downOnRenewal',
      'mobile-plan-basic',
      '2025-02-16',
      '2025-02-16',
    ],
    [
      'a downgrade with a date before the renewal still waits for the renewal',
      'downEarlier',
      'mobile-plan-basic',
      '2025-01-20',
      '2025-02-16',
    ],
  ])('%s', async (_case, name, to, scheduledAt, expected) => {
    const res = await change(subs[name] as string, { productOfferingId: to, scheduledAt, reason: 'asked for' })
    expect(res).toMatchObject({
      productOfferingId: 'mobile-plan-plus',
      pendingProductOffering: { productOfferingId: to, scheduledAt: expected },
    })
  })

  it('an upgrade or a lateral move with a date already begun applies now', async () => {
    const now = (await t.request(world.tenant, { method: 'GET', url: '/test-clock' })).json().now
    expect(
      await change(subs.upPast as string, { productOfferingId: 'mobile-plan-max', scheduledAt: '2025-01-16' }),
    ).toMatchObject({ productOfferingId: 'mobile-plan-max', pendingProductOffering: null })
    expect(await change(subs.lateral as string, { productOfferingId: 'mobile-plan-plus-esim' })).toMatchObject({
      productOfferingId: 'mobile-plan-plus-esim',
      pendingProductOffering: null,
    })
    expect((await timelineOf(t, world, subs.lateral as string)).at(-1)).toMatchObject({
      kind: 'product_offering_changed',
      at: now,
      details: { direction: 'LATERAL' },
    })
  })

  it('applies the dated changes at their local midnights', async () => {
    await advanceTo(t, world, justBefore('2025-01-31T11:00:00.000Z'))
    expect((await getSubscription(t, world, subs.upLater as string)).productOfferingId).toBe('mobile-plan-plus')
    await advanceTo(t, world, '2025-01-31T11:00:00.000Z') // 2025-02-01T00:00+13:00
    expect((await getSubscription(t, world, subs.upLater as string)).productOfferingId).toBe('mobile-plan-max')
    await advanceTo(t, world, '2025-02-15T11:00:00.000Z')
    for (const name of ['downOnRenewal', 'downEarlier'])
      expect((await getSubscription(t, world, subs[name] as string)).productOfferingId).toBe('mobile-plan-basic')
    expect((await getSubscription(t, world, subs.downLater as string)).pendingProductOffering).toMatchObject({
      scheduledAt: '2025-03-16',
    })
    await advanceTo(t, world, justBefore('2025-03-15T11:00:00.000Z'))
    expect((await getSubscription(t, world, subs.downLater as string)).productOfferingId).toBe('mobile-plan-plus')
    await advanceTo(t, world, '2025-03-15T11:00:00.000Z') // 2025-03-16T00:00+13:00 (still summer time there)
    expect((await getSubscription(t, world, subs.downLater as string)).productOfferingId).toBe('mobile-plan-basic')
    const event = (await eventsAbout(t, world.tenant, subs.downLater as string)).at(-1)
    expect(event).toMatchObject({
      type: 'subscription.updated',
      occurredAt: '2025-03-15T11:00:00.000Z',
      data: { productOfferingId: 'mobile-plan-basic' },
    })
  })
})

describe('plan change refusals', () => {
  it.each([
    ['an unknown offering', { productOfferingId: 'mobile-plan-nope' }, 'product_offering.not_found'],
    ['an archived offering', { productOfferingId: 'mobile-plan-retired' }, 'product_offering.not_orderable'],
    ['the current offering', { productOfferingId: 'mobile-plan-plus' }, 'subscription.offering_unchanged'],
    ['an add-on', { productOfferingId: 'addon-data-1gb' }, 'subscription.offering_incompatible'],
    [
      'a plan for another customer type',
      { productOfferingId: 'mobile-plan-business' },
      'subscription.offering_incompatible',
    ],
  ])('answers %s with 422 and writes nothing', async (_case, payload, code) => {
    const id = (await makeSubscription(t, world)).subscriptionId
    const before = { sub: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }
    const res = await subscriptionRequest(t, world, id, 'PUT', 'product-offering-change', payload)
    expect(res.statusCode, res.body).toBe(422)
    expect(res.json().code).toBe(code)
    expect({ sub: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }).toEqual(before)
  })

  it.each([
    ['no offering', {}, '/body/productOfferingId'],
    ['an empty offering id', { productOfferingId: '' }, '/body/productOfferingId'],
    ['an impossible date', { productOfferingId: 'mobile-plan-max', scheduledAt: '2025-02-29' }, '/body/scheduledAt'],
    [
      'a timestamp for a date',
      { productOfferingId: 'mobile-plan-max', scheduledAt: '2025-02-01T00:00:00Z' },
      '/body/scheduledAt',
    ],
    ['an empty reason', { productOfferingId: 'mobile-plan-max', reason: '' }, '/body/reason'],
  ])('answers %s with 400 at its path and writes nothing', async (_case, payload, path) => {
    const id = (await makeSubscription(t, world)).subscriptionId
    const before = { sub: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }
    const res = await subscriptionRequest(t, world, id, 'PUT', 'product-offering-change', payload)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
    expect({ sub: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }).toEqual(before)
  })
})
