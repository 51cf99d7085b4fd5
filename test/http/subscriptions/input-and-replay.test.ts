import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countOf, eventsAbout } from '../../helpers/parties.js'
import { expectReplay } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Bad requests to every subscription route and the test clock (400 with the field's path, nothing
 * written), and idempotent replay of every write: the second send with the same key answers the
 * stored response byte for byte and does not do the work again.
 */
let t: TestApp
let world: World
let sub: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  t = await createTestApp()
  world = await subscriptionWorld(t)
  sub = await makeSubscription(t, world)
})
afterAll(() => t.close())

async function state() {
  return {
    subscription: await getSubscription(t, world, sub.subscriptionId),
    events: await eventsAbout(t, world.tenant, sub.subscriptionId),
    timeline: await timelineOf(t, world, sub.subscriptionId),
    count: await countOf(t, world.tenant, '/subscriptions'),
    clock: (await t.request(world.tenant, { method: 'GET', url: '/test-clock' })).json(),
  }
}

async function expectBadRequest(route: InjectOptions, path: string, code = 'request.validation_failed') {
  const res = await t.request(world.tenant, route)
  expect(res.statusCode, `${route.method} ${route.url} ${JSON.stringify(route.payload)}: ${res.body}`).toBe(400)
  expect(res.json().code).toBe(code)
  expect(
    res.json().errors.map((e: { path: string }) => e.path),
    res.body,
  ).toContain(path)
}

const idRoutes = (id: string): InjectOptions[] => [
  { method: 'GET', url: `/subscriptions/${id}` },
  { method: 'POST', url: `/subscriptions/${id}/cancel`, payload: { schedule: 'CancelNow', reason: 'NO_NEED' } },
  ...['activate', 'block', 'unblock', 'pause', 'resume'].map((action): InjectOptions => ({
    method: 'POST',
    url: `/subscriptions/${id}/${action}`,
    payload: {},
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

describe('bad requests', () => {
  it('answers a bad subscription id with 400 request.invalid_id at /params/subscriptionId on every route', async () => {
    const before = await state()
    for (const id of ['not-a-uuid', 'rid_', '01890a5d-ac96-774b-bcce-b302099a805']) {
      for (const route of idRoutes(id)) await expectBadRequest(route, '/params/subscriptionId', 'request.invalid_id')
    }
    for (const route of idRoutes(`rid_${'x'.repeat(256)}`)) await expectBadRequest(route, '/params/subscriptionId')
    expect(await state()).toEqual(before)
  })

  it('answers a bad date with 400 at its field on every route that takes one', async () => {
    const id = sub.subscriptionId
    const before = await state()
    for (const bad of ['2025-02-29', '2025-1-5', 'tomorrow', '2025-03-01T00:00:00Z']) {
      for (const action of ['activate', 'block', 'unblock', 'pause', 'resume']) {
        await expectBadRequest(
          { method: 'POST', url: `/subscriptions/${id}/${action}`, payload: { scheduledAt: bad } },
          '/body/scheduledAt',
        )
      }
      await expectBadRequest(
        {
          method: 'PUT',
          url: `/subscriptions/${id}/product-offering-change`,
          payload: { productOfferingId: 'mobile-plan-max', scheduledAt: bad },
        },
        '/body/scheduledAt',
      )
      await expectBadRequest(
        {
          method: 'POST',
          url: `/subscriptions/${id}/cancel`,
          payload: { schedule: { type: 'CancelAtDate', date: bad }, reason: 'NO_NEED' },
        },
        '/body/schedule',
      )
      await expectBadRequest(
        {
          method: 'POST',
          url: '/subscriptions',
          payload: {
            productOfferingId: 'mobile-plan-plus',
            customerId: world.customer.customerId,
            scheduleActivationAt: bad,
          },
        },
        '/body/scheduleActivationAt',
      )
    }
    for (const to of ['tomorrow', '2025-13-01T00:00:00Z', '2025-03-01'])
      await expectBadRequest({ method: 'POST', url: '/test-clock/advance', payload: { to } }, '/body/to')
    expect(await state()).toEqual(before)
  })

  it.each([
    ['no offering', { customerId: 'CUSTOMER' }, '/body/productOfferingId'],
    ['no customer', { productOfferingId: 'mobile-plan-plus' }, '/body/customerId'],
    [
      'a bad customer id',
      { productOfferingId: 'mobile-plan-plus', customerId: 'cust-1' },
      '/body/customerId',
      'request.invalid_id',
    ],
    [
      'an empty customer reference',
      { productOfferingId: 'mobile-plan-plus', customerId: 'rid_' },
      '/body/customerId',
      'request.invalid_id',
    ],
    [
      'a subscriber id that is not a UUID',
      { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', subscriberId: 'sub-1' },
      '/body/subscriberId',
    ],
    [
      'a subscriber without a name',
      { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', subscriber: {} },
      '/body/subscriber/name',
    ],
    [
      'an msisdn that is not E.164',
      { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', msisdn: '0701234567' },
      '/body/msisdn',
    ],
    [
      'a bad ICCID',
      { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', sim: { esim: true, iccid: '12' } },
      '/body/sim/iccid',
    ],
    ['sim without esim', { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', sim: {} }, '/body/sim/esim'],
    [
      'a reference over 255 characters',
      { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', referenceId: 'r'.repeat(256) },
      '/body/referenceId',
    ],
    [
      'metadata that is not an object',
      { productOfferingId: 'mobile-plan-plus', customerId: 'CUSTOMER', metadata: 7 },
      '/body/metadata',
    ],
  ])('answers a create with %s with 400 at its path, creating nothing', async (_case, body, path, code?: string) => {
    const payload = JSON.parse(JSON.stringify(body).replace('"CUSTOMER"', JSON.stringify(world.customer.customerId)))
    const before = await countOf(t, world.tenant, '/subscriptions')
    await expectBadRequest({ method: 'POST', url: '/subscriptions', payload }, path, code)
    expect(await countOf(t, world.tenant, '/subscriptions')).toBe(before)
  })

  it('answers bad status, plan-change and advance bodies with 400 at their paths', async () => {
    const id = sub.subscriptionId
    const before = await state()
    await expectBadRequest(
      { method: 'POST', url: `/subscriptions/${id}/pause`, payload: { reason: 'r'.repeat(501) } },
      '/body/reason',
    )
    await expectBadRequest(
      { method: 'POST', url: `/subscriptions/${id}/block`, payload: { metadata: [] } },
      '/body/metadata',
    )
    await expectBadRequest({ method: 'POST', url: `/subscriptions/${id}/block`, payload: ['now'] }, '/body')
    await expectBadRequest(
      { method: 'PUT', url: `/subscriptions/${id}/product-offering-change`, payload: { productOfferingId: 7 } },
      '/body/productOfferingId',
    )
    await expectBadRequest(
      { method: 'POST', url: '/test-clock/advance', payload: {} },
      '/body',
      'test_clock.invalid_advance',
    )
    await expectBadRequest(
      { method: 'POST', url: '/test-clock/advance', payload: { by: 'a month' } },
      '/body/by',
      'test_clock.invalid_duration',
    )
    expect(await state()).toEqual(before)
  })
})

describe('idempotent replay', () => {
  const replay = (route: InjectOptions) => expectReplay(t, world.tenant, route)

  it('replays a create without creating twice', async () => {
    const before = await countOf(t, world.tenant, '/subscriptions')
    const { first, status } = await replay({
      method: 'POST',
      url: '/subscriptions',
      payload: { productOfferingId: 'mobile-plan-basic', customerId: world.customer.customerId },
    })
    expect(status).toBe(201)
    expect(await countOf(t, world.tenant, '/subscriptions')).toBe(before + 1)
    expect((await eventsAbout(t, world.tenant, first.subscriptionId)).map((e) => e.type)).toEqual([
      'subscription.created',
    ])
  })

  it('replays each status change, done now or scheduled, without doing it twice', async () => {
    const id = (await makeSubscription(t, world)).subscriptionId
    const pending = (await makeSubscription(t, world, { scheduleActivationAt: '2025-03-01' })).subscriptionId
    const steps: [string, string, Record<string, unknown>][] = [
      [pending, 'activate', { scheduledAt: '2025-02-01' }],
      [pending, 'activate', {}],
      [id, 'pause', { scheduledAt: '2025-02-01' }],
      [id, 'pause', {}],
      [id, 'resume', {}],
      [id, 'block', {}],
      [id, 'unblock', {}],
    ]
    for (const [target, action, payload] of steps) {
      const before = (await eventsAbout(t, world.tenant, target)).length
      const { status } = await replay({ method: 'POST', url: `/subscriptions/${target}/${action}`, payload })
      expect(status, action).toBe(200)
      expect((await eventsAbout(t, world.tenant, target)).length, action).toBe(before + 1)
    }
    const kinds = (await timelineOf(t, world, id)).map((i) => [i.kind, i.state])
    expect(kinds.filter(([kind]) => kind === 'pause')).toEqual([['pause', 'SUPERSEDED']]) // one scheduled pause, replaced once by the pause done now
    expect((await getSubscription(t, world, id)).status).toBe('ACTIVATED')
  })

  it('replays a cancel, a plan change and both withdrawals', async () => {
    const id = (await makeSubscription(t, world)).subscriptionId
    const count = async () => (await eventsAbout(t, world.tenant, id)).length
    let before = await count()
    expect(
      (
        await replay({
          method: 'PUT',
          url: `/subscriptions/${id}/product-offering-change`,
          payload: { productOfferingId: 'mobile-plan-basic' },
        })
      ).first.pendingProductOffering,
    ).toMatchObject({ productOfferingId: 'mobile-plan-basic' })
    await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-01' })
    before += 2
    expect(await count()).toBe(before)
    expect((await replay({ method: 'DELETE', url: `/subscriptions/${id}/pending-product-offering` })).status).toBe(200)
    expect((await replay({ method: 'DELETE', url: `/subscriptions/${id}/pending-status` })).status).toBe(200)
    expect(await count()).toBe(before + 2)
    const ended = await replay({
      method: 'POST',
      url: `/subscriptions/${id}/cancel`,
      payload: { schedule: 'CancelNow', reason: 'NO_NEED' },
    })
    expect(ended.first.status).toBe('CANCELLED')
    expect((await eventsAbout(t, world.tenant, id)).filter((e) => e.type === 'subscription.ended')).toHaveLength(1)
  })

  it('replays a test-clock advance without moving twice', async () => {
    const fresh = await subscriptionWorld(t)
    const { first } = await expectReplay(t, fresh.tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { by: 'P2D' },
    })
    expect(first.offsetSeconds).toBe(2 * 86_400)
    expect((await t.request(fresh.tenant, { method: 'GET', url: '/test-clock' })).json().offsetSeconds).toBe(2 * 86_400)
  })
})
