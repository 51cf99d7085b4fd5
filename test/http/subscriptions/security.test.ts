import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey, uniqueName } from '../../helpers/factories.js'
import { eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Who may call what, for every subscription route and the test clock: 401 without a valid key,
 * 404 for another tenant's subscription (by UUID and by rid_), 403 for a read-only key on writes;
 * and none of them writes anything.
 */
let t: TestApp
let world: World
let stranger: World
let sub: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  t = await createTestApp()
  world = await subscriptionWorld(t)
  stranger = await subscriptionWorld(t)
  sub = await makeSubscription(t, world, { referenceId: uniqueName('crm-sub'), scheduleActivationAt: '2025-03-01' })
})
afterAll(() => t.close())

/** Every route about one subscription, with a body that would succeed for its owner. */
const subscriptionRoutes = (id: string): InjectOptions[] => [
  { method: 'GET', url: `/subscriptions/${id}` },
  { method: 'POST', url: `/subscriptions/${id}/cancel`, payload: { schedule: 'CancelNow', reason: 'NO_NEED' } },
  ...['activate', 'block', 'unblock', 'pause', 'resume'].map((action): InjectOptions => ({
    method: 'POST',
    url: `/subscriptions/${id}/${action}`,
    payload: { reason: 'x' },
  })),
  { method: 'DELETE', url: `/subscriptions/${id}/pending-status` },
  { method: 'DELETE', url: `/subscriptions/${id}/pending-product-offering` },
  { method: 'GET', url: `/subscriptions/${id}/product-offering-options` },
  {
    method: 'PUT',
    url: `/subscriptions/${id}/product-offering-change`,
    payload: { productOfferingId: 'mobile-plan-max' },
  },
  { method: 'GET', url: `/subscriptions/${id}/timeline` },
]
const tenantRoutes = (): InjectOptions[] => [
  { method: 'GET', url: '/subscriptions' },
  {
    method: 'POST',
    url: '/subscriptions',
    payload: { productOfferingId: 'mobile-plan-plus', customerId: world.customer.customerId },
  },
  { method: 'GET', url: '/test-clock' },
  { method: 'POST', url: '/test-clock/advance', payload: { by: 'P1D' } },
]

/** Everything a stray write could have touched. */
async function state() {
  const list = await t.request(world.tenant, { method: 'GET', url: '/subscriptions' })
  const clock = await t.request(world.tenant, { method: 'GET', url: '/test-clock' })
  return {
    subscription: await getSubscription(t, world, sub.subscriptionId),
    events: await eventsAbout(t, world.tenant, sub.subscriptionId),
    timeline: await timelineOf(t, world, sub.subscriptionId),
    count: list.json().items.length,
    clock: clock.json(),
  }
}

describe('subscription route security', () => {
  it('answers 401 to every route without a key or with an unknown one, and writes nothing', async () => {
    const before = await state()
    for (const route of [...tenantRoutes(), ...subscriptionRoutes(sub.subscriptionId)])
      await expectUnauthenticated(t, route)
    expect(await state()).toEqual(before)
  })

  it('answers 404 subscription.not_found to another tenant, by UUID and by rid_, and writes nothing', async () => {
    const before = await state()
    for (const id of [sub.subscriptionId, `rid_${sub.referenceId}`]) {
      for (const route of subscriptionRoutes(id))
        await expectHiddenFrom(t, stranger.tenant, route, 'subscription.not_found')
    }
    expect(await state()).toEqual(before)
    // Nor does the other tenant's list show it, even filtered by its customer or number.
    const theirs = await t.request(stranger.tenant, {
      method: 'GET',
      url: `/subscriptions?customerId=${world.customer.customerId}`,
    })
    expect(theirs.json().items).toEqual([])
  })

  it('answers 404 to its own tenant for a subscription that does not exist', async () => {
    for (const id of ['01890a5d-ac96-774b-bcce-b302099a8057', 'rid_nobody-has-this']) {
      for (const route of subscriptionRoutes(id))
        await expectHiddenFrom(t, world.tenant, route, 'subscription.not_found')
    }
  })

  it('lets two tenants use the same reference, each reaching its own subscription', async () => {
    const theirs = await makeSubscription(t, stranger, { referenceId: sub.referenceId })
    const mine = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/rid_${sub.referenceId}` })
    const other = await t.request(stranger.tenant, { method: 'GET', url: `/subscriptions/rid_${sub.referenceId}` })
    expect([mine.json().subscriptionId, other.json().subscriptionId]).toEqual([
      sub.subscriptionId,
      theirs.subscriptionId,
    ])
  })

  it('answers 403 auth.missing_scope to a read-only key on every write, and lets it read', async () => {
    const reader = await makeApiKey(t.services, world.tenant.tenant, ['read'])
    const before = await state()
    for (const route of [...tenantRoutes(), ...subscriptionRoutes(sub.subscriptionId)]) {
      const res = await t.request(reader, route)
      if (route.method === 'GET') {
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(200)
      } else {
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(403)
        expect(res.json()).toMatchObject({ code: 'auth.missing_scope', requiredScope: 'write' })
      }
    }
    expect(await state()).toEqual(before)
  })

  it('answers 403 test_clock.not_sandbox to a live tenant, whose subscriptions run on real time', async () => {
    const live = await subscriptionWorld(t, { sandbox: false })
    for (const route of [
      { method: 'GET', url: '/test-clock' },
      { method: 'POST', url: '/test-clock/advance', payload: { by: 'P1D' } },
    ] as InjectOptions[]) {
      const res = await t.request(live.tenant, route)
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('test_clock.not_sandbox')
    }
  })
})
