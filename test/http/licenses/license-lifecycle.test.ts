import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PREMIUM, SUITE, getLicense, licenseTimeline, licenseWorld, makeLicense } from '../../helpers/licenses.js'
import { eventsAbout } from '../../helpers/parties.js'
import { advanceTo, makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z; each test has its own sandbox tenant and test clock
})
afterAll(() => t.close())

const typesAndTimes = (events: Record<string, unknown>[]) => events.map((e) => [e.type, e.occurredAt])

describe('license life on the test clock', () => {
  it('stays PENDING until a future activation date, then activates and anchors its cycle there', async () => {
    const world = await licenseWorld(t, { timeZone: 'Europe/Stockholm' })
    const license = await makeLicense(t, world, { activationDate: '2025-02-01' })
    expect(license).toMatchObject({
      status: 'PENDING',
      pendingStatus: { status: 'ACTIVE', scheduledAt: '2025-02-01' },
      activatedAt: null,
      billingCycle: null,
    })
    await advanceTo(t, world, '2025-01-31T22:59:00Z')
    expect((await getLicense(t, world, license.licenseId)).status).toBe('PENDING')
    await advanceTo(t, world, '2025-01-31T23:00:00Z') // midnight in Stockholm
    expect(await getLicense(t, world, license.licenseId)).toMatchObject({
      status: 'ACTIVE',
      pendingStatus: null,
      activatedAt: '2025-01-31T23:00:00.000Z',
      billingCycle: { anchorDate: '2025-02-01', nextRenewalAt: '2025-02-28T23:00:00.000Z' },
    })
    const events = await eventsAbout(t, world.tenant, license.licenseId)
    expect(typesAndTimes(events)).toEqual([
      ['license.created', '2025-01-15T10:00:00.000Z'],
      ['license.updated', '2025-01-31T23:00:00.000Z'],
    ])
    expect(events[1]?.data.status).toBe('ACTIVE')
  })

  it('activates at once when the activation date has begun', async () => {
    const world = await licenseWorld(t)
    expect(await makeLicense(t, world, { activationDate: '2025-01-15' })).toMatchObject({
      status: 'ACTIVE',
      activatedAt: '2025-01-15T10:00:00.000Z',
      pendingStatus: null,
    })
  })

  it('renews at each boundary of its cycle: anchored on the 31st, three months give Feb 28, Mar 31 and Apr 30', async () => {
    const world = await licenseWorld(t)
    await advanceTo(t, world, '2025-01-31T12:00:00Z')
    const license = await makeLicense(t, world)
    expect(license.billingCycle).toMatchObject({ anchorDate: '2025-01-31', nextRenewalAt: '2025-02-28T00:00:00.000Z' })
    await advanceTo(t, world, '2025-04-30T12:00:00Z')
    const renewed = (await eventsAbout(t, world.tenant, license.licenseId)).filter((e) => e.type === 'license.renewed')
    expect(renewed.map((e) => e.occurredAt)).toEqual([
      '2025-02-28T00:00:00.000Z',
      '2025-03-31T00:00:00.000Z',
      '2025-04-30T00:00:00.000Z',
    ])
    expect(renewed[2]?.data.billingCycle).toMatchObject({
      anchorDate: '2025-01-31',
      currentPeriodStart: '2025-04-30T00:00:00.000Z',
      nextRenewalAt: '2025-05-31T00:00:00.000Z',
    })
    const timeline = await licenseTimeline(t, world, license.licenseId)
    expect(timeline.filter((i) => i.kind === 'renewed').map((i) => [i.at, i.state, i.actor.label])).toEqual([
      ['2025-02-28T00:00:00.000Z', 'DONE', 'license-renewal'],
      ['2025-03-31T00:00:00.000Z', 'DONE', 'license-renewal'],
      ['2025-04-30T00:00:00.000Z', 'DONE', 'license-renewal'],
    ])
    expect(timeline.at(-1)).toMatchObject({ kind: 'renew', state: 'SCHEDULED', at: '2025-05-31T00:00:00.000Z' })
  })

  it('applies an upgrade at once', async () => {
    const world = await licenseWorld(t)
    const license = await makeLicense(t, world)
    const res = await t.request(world.tenant, {
      method: 'PUT',
      url: `/licenses/${license.licenseId}/product-offering-change`,
      payload: { productOfferingId: PREMIUM },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      productOfferingId: PREMIUM,
      pendingProductOffering: null,
      billingCycle: license.billingCycle,
    })
    const events = await eventsAbout(t, world.tenant, license.licenseId)
    expect(events.map((e) => e.type)).toEqual(['license.created', 'license.updated'])
    expect(events[1]?.data).toEqual(res.json())
    const changed = (await licenseTimeline(t, world, license.licenseId)).find(
      (i) => i.kind === 'product_offering_changed',
    )
    expect(changed).toMatchObject({ state: 'DONE', details: { from: SUITE, to: PREMIUM, direction: 'UPGRADE' } })
  })

  it('holds a downgrade until the license renews, then applies it first and renews on the new offering', async () => {
    const world = await licenseWorld(t)
    const license = await makeLicense(t, world, { productOfferingId: PREMIUM })
    await t.request(world.tenant, { method: 'POST', url: '/test-clock/advance', payload: { by: 'P10D' } })
    const res = await t.request(world.tenant, {
      method: 'PUT',
      url: `/licenses/${license.licenseId}/product-offering-change`,
      payload: { productOfferingId: SUITE, reason: 'cheaper' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      productOfferingId: PREMIUM,
      pendingProductOffering: { productOfferingId: SUITE, scheduledAt: '2025-02-15', name: 'Security Suite' },
    })
    await advanceTo(t, world, '2025-02-14T23:59:00Z')
    expect((await getLicense(t, world, license.licenseId)).productOfferingId).toBe(PREMIUM)
    await advanceTo(t, world, '2025-02-15T00:00:00Z')
    expect(await getLicense(t, world, license.licenseId)).toMatchObject({
      productOfferingId: SUITE,
      pendingProductOffering: null,
      billingCycle: { nextRenewalAt: '2025-03-15T00:00:00.000Z' },
    })
    const events = (await eventsAbout(t, world.tenant, license.licenseId)).slice(1)
    expect(typesAndTimes(events)).toEqual([
      ['license.updated', '2025-01-25T10:00:00.000Z'],
      ['license.updated', '2025-02-15T00:00:00.000Z'],
      ['license.renewed', '2025-02-15T00:00:00.000Z'],
    ])
    expect(events[2]?.data.productOfferingId).toBe(SUITE)
    const changed = (await licenseTimeline(t, world, license.licenseId)).find(
      (i) => i.kind === 'product_offering_changed',
    )
    expect(changed).toMatchObject({
      at: '2025-02-15T00:00:00.000Z',
      reason: 'cheaper',
      details: { direction: 'DOWNGRADE' },
    })
  })

  it('cancels at a date: pendingStatus until then, then CANCELLED with license.ended and no more renewals', async () => {
    const world = await licenseWorld(t)
    const license = await makeLicense(t, world)
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/licenses/${license.licenseId}/cancel`,
      payload: { scheduledAt: '2025-02-20', reason: 'not needed' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      status: 'ACTIVE',
      pendingStatus: { status: 'CANCELLED', scheduledAt: '2025-02-20' },
    })
    await advanceTo(t, world, '2025-05-01T00:00:00Z')
    expect(await getLicense(t, world, license.licenseId)).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: '2025-02-20T00:00:00.000Z',
      pendingStatus: null,
      billingCycle: null,
    })
    expect(typesAndTimes(await eventsAbout(t, world.tenant, license.licenseId))).toEqual([
      ['license.created', '2025-01-15T10:00:00.000Z'],
      ['license.updated', '2025-01-15T10:00:00.000Z'],
      ['license.renewed', '2025-02-15T00:00:00.000Z'],
      ['license.ended', '2025-02-20T00:00:00.000Z'],
    ])
    const timeline = await licenseTimeline(t, world, license.licenseId)
    expect(timeline.find((i) => i.kind === 'cancelled')).toMatchObject({
      at: '2025-02-20T00:00:00.000Z',
      reason: 'not needed',
      state: 'DONE',
    })
    expect(timeline.filter((i) => i.kind === 'renew').map((i) => i.state)).toEqual(['SUPERSEDED'])
  })

  it('ends rather than renews when cancelled at its renewal instant', async () => {
    const world = await licenseWorld(t)
    const license = await makeLicense(t, world)
    await t.request(world.tenant, {
      method: 'POST',
      url: `/licenses/${license.licenseId}/cancel`,
      payload: { scheduledAt: '2025-02-15' },
    })
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    const types = (await eventsAbout(t, world.tenant, license.licenseId)).map((e) => e.type)
    expect(types).toEqual(['license.created', 'license.updated', 'license.ended'])
  })

  it('ends the licenses of a subscription cancelled now, at that instant', async () => {
    const world = await licenseWorld(t)
    const sub = await makeSubscription(t, world)
    const assigned = { assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId } }
    const active = await makeLicense(t, world, assigned)
    const pending = await makeLicense(t, world, { ...assigned, activationDate: '2025-03-01' })
    const unassigned = await makeLicense(t, world)
    await t.request(world.tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-01-20T08:00:00Z' },
    })
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: 'CancelNow', reason: 'NO_NEED' },
    })
    expect(res.statusCode, res.body).toBe(200)
    for (const license of [active, pending]) {
      expect(await getLicense(t, world, license.licenseId)).toMatchObject({
        status: 'CANCELLED',
        cancelledAt: '2025-01-20T08:00:00.000Z',
        pendingStatus: null,
      })
      expect((await eventsAbout(t, world.tenant, license.licenseId)).at(-1)).toMatchObject({
        type: 'license.ended',
        occurredAt: '2025-01-20T08:00:00.000Z',
      })
      const cancelled = (await licenseTimeline(t, world, license.licenseId)).find((i) => i.kind === 'cancelled')
      expect(cancelled).toMatchObject({
        reason: 'the subscription it is assigned to ended',
        details: { subscriptionId: sub.subscriptionId },
      })
    }
    expect((await getLicense(t, world, unassigned.licenseId)).status).toBe('ACTIVE')
    await advanceTo(t, world, '2025-04-01T00:00:00Z')
    expect((await eventsAbout(t, world.tenant, pending.licenseId)).map((e) => e.type)).toEqual([
      'license.created',
      'license.ended',
    ])
  })

  it('ends the licenses of a subscription when its scheduled cancel takes effect', async () => {
    const world = await licenseWorld(t)
    const sub = await makeSubscription(t, world)
    const license = await makeLicense(t, world, {
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: sub.subscriptionId },
    })
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelAtDate', date: '2025-02-10' }, reason: 'NO_NEED' },
    })
    expect((await getLicense(t, world, license.licenseId)).status).toBe('ACTIVE')
    await advanceTo(t, world, '2025-02-10T00:00:00Z')
    expect(await getLicense(t, world, license.licenseId)).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: '2025-02-10T00:00:00.000Z',
    })
    expect((await eventsAbout(t, world.tenant, license.licenseId)).at(-1)).toMatchObject({
      type: 'license.ended',
      occurredAt: '2025-02-10T00:00:00.000Z',
    })
  })
})
