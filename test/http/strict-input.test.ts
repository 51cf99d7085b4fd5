import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SUITE, licenseWorld, makeLicense } from '../helpers/licenses.js'
import { countOf, eventsAbout } from '../helpers/parties.js'
import type { World } from '../helpers/subscriptions.js'
import { advanceTo, lineNumber, makeSubscription, subscriptionWorld } from '../helpers/subscriptions.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'
import { V2_SECRET, addOnsUrl, orgBearer, v2 } from '../helpers/v2.js'

/** Issue 10 item 6: a field the schema does not know is a 400 naming it, and a day already over is refused. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ v2: { jwtSecret: V2_SECRET } }) // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const addAddon = (world: World, subscriptionId: string, payload: Record<string, unknown>) =>
  t.request(world.tenant, { method: 'POST', url: `/subscriptions/${subscriptionId}/addons`, payload })

const addonCount = async (world: World, subscriptionId: string) =>
  (await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${subscriptionId}/addons` })).json().items.length

describe('unknown fields', () => {
  it('refuses a misspelt scheduleAt on an add-on add, suggests scheduledAt, and adds nothing', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const res = await addAddon(world, sub.subscriptionId, {
      productOfferingId: 'addon-data-5gb',
      scheduleAt: '2025-03-01',
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json()).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: '/body/scheduleAt', message: 'is not a known field (did you mean "scheduledAt"?)' }],
    })
    expect(res.json().detail).toContain('/body/scheduleAt')
    expect(await addonCount(world, sub.subscriptionId)).toBe(0)
    const types = (await eventsAbout(t, world.tenant, sub.subscriptionId)).map((e) => e.type)
    expect(types.some((type) => type.startsWith('subscription.addon'))).toBe(false)
  })

  it('names every unknown field, nested ones at their own path, and writes nothing', async () => {
    const world = await subscriptionWorld(t)
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: '/subscriptions',
      payload: {
        productOfferingId: 'mobile-plan-plus',
        customerId: world.customer.customerId,
        subscriber: { name: 'Sam Subscriber', emial: 'sam@example.com' },
        msisdn: lineNumber(),
        colour: 'blue',
      },
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors).toEqual([
      { path: '/body/colour', message: 'is not a known field' },
      { path: '/body/subscriber/emial', message: 'is not a known field (did you mean "email"?)' },
    ])
    expect(await countOf(t, world.tenant, '/subscriptions')).toBe(0)
  })

  it('refuses an unknown field inside a discriminated union (an order line item)', async () => {
    const world = await subscriptionWorld(t)
    const order = await t.request(world.tenant, { method: 'POST', url: '/orders', payload: {} })
    expect(order.statusCode, order.body).toBe(201)
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/orders/${order.json().orderId}/line-items`,
      payload: { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: 'rid_x', quantity: 2 },
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors).toEqual([{ path: '/body/quantity', message: 'is not a known field' }])
    const after = await t.request(world.tenant, { method: 'GET', url: `/orders/${order.json().orderId}` })
    expect(after.json().lineItems).toEqual([])
  })

  it('refuses an unknown query parameter', async () => {
    const world = await subscriptionWorld(t)
    const res = await t.request(world.tenant, { method: 'GET', url: '/subscriptions?statuss=ACTIVE' })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().errors).toEqual([
      { path: '/query/statuss', message: 'is not a known field (did you mean "status"?)' },
    ])
  })

  it('refuses query parameters on a route that takes none, and __proto__ by name (found by the bad-input suite)', async () => {
    const world = await subscriptionWorld(t)
    for (const [url, field] of [
      ['/tenant?colour=1', '/query/colour'],
      ['/subscriptions?__proto__=1', '/query/__proto__'],
      ['/subscriptions?status[constructor]=1', '/query/status'],
    ] as const) {
      const res = await t.request(world.tenant, { method: 'GET', url })
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400)
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field)
    }
  })

  it('refuses an unknown field on the V2 API too, in its envelope, and adds nothing', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const org = world.tenant.tenant.name
    const auth = await orgBearer(t, org, { sub: 'john.doe@masorange.es' })
    const res = await v2(t, auth, {
      method: 'POST',
      url: addOnsUrl(org, sub.subscriptionId),
      payload: { catalogue_add_on_id: 'addon-data-1gb', activation_dat: '2025-03-01T00:00:00Z' },
    })
    expect(res.status, res.raw).toBe(400)
    expect(res.body).toMatchObject({
      code: 'request.validation_failed',
      errors: [{ path: '/body/activation_dat', message: 'is not a known field (did you mean "activation_date"?)' }],
    })
    const unknownQuery = await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub.subscriptionId, '?limt=5') })
    expect(unknownQuery.status, unknownQuery.raw).toBe(400)
    expect(await addonCount(world, sub.subscriptionId)).toBe(0)
  })

  it('keeps free-form objects open: metadata takes any key', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const res = await addAddon(world, sub.subscriptionId, {
      productOfferingId: 'addon-data-5gb',
      metadata: { anything: { nested: true } },
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().metadata).toEqual({ anything: { nested: true } })
  })
})

describe('days already over', () => {
  it('refuses an add-on add for yesterday (422 naming the field); today means now', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const past = await addAddon(world, sub.subscriptionId, {
      productOfferingId: 'addon-data-5gb',
      scheduledAt: '2025-01-14',
    })
    expect(past.statusCode, past.body).toBe(422)
    expect(past.json()).toMatchObject({
      code: 'schedule.date_in_past',
      errors: [{ path: '/body/scheduledAt', message: 'is in the past (today is 2025-01-15 in UTC)' }],
    })
    expect(await addonCount(world, sub.subscriptionId)).toBe(0)
    const today = await addAddon(world, sub.subscriptionId, {
      productOfferingId: 'addon-data-5gb',
      scheduledAt: '2025-01-15',
    })
    expect(today.statusCode, today.body).toBe(201)
    expect(today.json().status).toBe('ACTIVE')
  })

  it('reads "today" on the tenant’s test clock, not the wall clock', async () => {
    const world = await subscriptionWorld(t, { timeZone: 'Europe/Stockholm' })
    const sub = await makeSubscription(t, world)
    await advanceTo(t, world, '2025-02-10T12:00:00Z')
    const res = await addAddon(world, sub.subscriptionId, {
      productOfferingId: 'addon-data-1gb',
      scheduledAt: '2025-02-01',
    })
    expect(res.statusCode, res.body).toBe(422)
    expect(res.json().detail).toContain('2025-02-10 in Europe/Stockholm')
  })

  it('refuses a subscription cancellation at a past date, and a past plan change', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world)
    const cancel = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelAtDate', date: '2024-12-31' }, reason: 'NO_NEED' },
    })
    expect(cancel.statusCode, cancel.body).toBe(422)
    expect(cancel.json().errors).toEqual([
      { path: '/body/schedule/date', message: 'is in the past (today is 2025-01-15 in UTC)' },
    ])
    const change = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${sub.subscriptionId}/product-offering-change`,
      payload: { productOfferingId: 'mobile-plan-basic', scheduledAt: '2025-01-01' },
    })
    expect(change.statusCode, change.body).toBe(422)
    expect(change.json().code).toBe('schedule.date_in_past')
    const after = await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${sub.subscriptionId}` })
    expect(after.json()).toMatchObject({ status: 'ACTIVATED', pendingStatus: null, pendingProductOffering: null })
  })

  it('refuses a license created or cancelled for a past day', async () => {
    const world = await licenseWorld(t)
    const created = await t.request(world.tenant, {
      method: 'POST',
      url: '/licenses',
      payload: { productOfferingId: SUITE, customerId: world.customer.customerId, activationDate: '2025-01-10' },
    })
    expect(created.statusCode, created.body).toBe(422)
    expect(created.json().errors).toEqual([
      { path: '/body/activationDate', message: 'is in the past (today is 2025-01-15 in UTC)' },
    ])
    const license = await makeLicense(t, world)
    const cancel = await t.request(world.tenant, {
      method: 'POST',
      url: `/licenses/${license.licenseId}/cancel`,
      payload: { scheduledAt: '2025-01-14' },
    })
    expect(cancel.statusCode, cancel.body).toBe(422)
    expect(cancel.json().code).toBe('schedule.date_in_past')
  })
})
