import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import {
  act,
  advanceTo,
  getSubscription,
  justBefore,
  makeSubscription,
  subscriptionWorld,
  timelineOf,
} from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * A tenant in Europe/Stockholm across the 2025 daylight-saving changes (Sunday 2025-03-30 02:00 CET
 * → 03:00 CEST; Sunday 2025-10-26 03:00 CEST → 02:00 CET). Every scheduled change lands on LOCAL
 * midnight, which is 23:00Z in winter and 22:00Z in summer: in `scheduledAt`, in the instant it
 * applies (event `occurredAt`, timeline `at`), and never a millisecond before.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const ZONE = 'Europe/Stockholm'
const MIDNIGHT = {
  '2025-03-30': '2025-03-29T23:00:00.000Z', // the short day begins in winter time
  '2025-03-31': '2025-03-30T22:00:00.000Z', // the first summer midnight
  '2025-04-01': '2025-03-31T22:00:00.000Z',
  '2025-04-30': '2025-04-29T22:00:00.000Z',
  '2025-05-01': '2025-04-30T22:00:00.000Z',
  '2025-10-27': '2025-10-26T23:00:00.000Z', // the first winter midnight, after the 25-hour day
  '2025-11-01': '2025-10-31T23:00:00.000Z',
  '2025-11-27': '2025-11-26T23:00:00.000Z',
} as const

/** Moves the clock to just before `instant`, checks nothing happened, then to `instant`, and returns the subscription. */
async function crossInto(world: World, id: string, instant: string, before: Record<string, unknown>) {
  await advanceTo(t, world, justBefore(instant))
  expect(await getSubscription(t, world, id)).toMatchObject(before)
  await advanceTo(t, world, instant)
  return getSubscription(t, world, id)
}

async function lastEvent(world: World, id: string, type: string) {
  return (await eventsAbout(t, world.tenant, id)).filter((e) => e.type === type).at(-1)
}

async function doneEntry(world: World, id: string, kind: string) {
  return (await timelineOf(t, world, id)).find((i) => i.kind === kind && i.state === 'DONE')
}

describe('Europe/Stockholm across daylight saving', () => {
  it('a downgrade at the renewal after the spring change applies at 2025-03-31T00:00+02:00', async () => {
    const world = await subscriptionWorld(t, { timeZone: ZONE })
    const sub = await makeSubscription(t, world, { scheduleActivationAt: '2025-01-31' })
    await advanceTo(t, world, '2025-03-15T12:00:00Z')
    expect(await getSubscription(t, world, sub.subscriptionId)).toMatchObject({
      activatedAt: '2025-01-30T23:00:00.000Z',
      billingCycle: {
        anchorDate: '2025-01-31',
        currentPeriodStart: '2025-02-27T23:00:00.000Z',
        nextRenewalAt: MIDNIGHT['2025-03-31'],
      },
    })
    const options = (
      await t.request(world.tenant, {
        method: 'GET',
        url: `/subscriptions/${sub.subscriptionId}/product-offering-options`,
      })
    ).json().items
    expect(options).toContainEqual(
      expect.objectContaining({
        productOfferingId: 'mobile-plan-basic',
        changeSchedule: 'NEXT_RENEWAL',
        changeScheduleDate: '2025-03-31',
      }),
    )
    const down = await act(t, world, sub.subscriptionId, 'PUT', 'product-offering-change', {
      productOfferingId: 'mobile-plan-basic',
    })
    expect(down.pendingProductOffering).toMatchObject({
      productOfferingId: 'mobile-plan-basic',
      scheduledAt: '2025-03-31',
    })
    expect((await timelineOf(t, world, sub.subscriptionId)).find((i) => i.state === 'SCHEDULED')).toMatchObject({
      kind: 'change_product_offering',
      at: MIDNIGHT['2025-03-31'],
    })

    const changed = await crossInto(world, sub.subscriptionId, MIDNIGHT['2025-03-31'], {
      productOfferingId: 'mobile-plan-plus',
    })
    expect(changed).toMatchObject({
      productOfferingId: 'mobile-plan-basic',
      billingCycle: { currentPeriodStart: MIDNIGHT['2025-03-31'], nextRenewalAt: MIDNIGHT['2025-04-30'] },
    })
    expect(await lastEvent(world, sub.subscriptionId, 'subscription.updated')).toMatchObject({
      occurredAt: MIDNIGHT['2025-03-31'],
      data: { productOfferingId: 'mobile-plan-basic' },
    })
    expect(await doneEntry(world, sub.subscriptionId, 'product_offering_changed')).toMatchObject({
      at: MIDNIGHT['2025-03-31'],
    })
  })

  it('a downgrade at the renewal after the autumn change applies at 2025-10-27T00:00+01:00', async () => {
    const world = await subscriptionWorld(t, { timeZone: ZONE })
    const sub = await makeSubscription(t, world, {
      productOfferingId: 'mobile-plan-max',
      scheduleActivationAt: '2025-09-27',
    })
    await advanceTo(t, world, '2025-10-20T12:00:00Z')
    expect(await getSubscription(t, world, sub.subscriptionId)).toMatchObject({
      activatedAt: '2025-09-26T22:00:00.000Z',
      billingCycle: { currentPeriodStart: '2025-09-26T22:00:00.000Z', nextRenewalAt: MIDNIGHT['2025-10-27'] },
    })
    const down = await act(t, world, sub.subscriptionId, 'PUT', 'product-offering-change', {
      productOfferingId: 'mobile-plan-plus',
    })
    expect(down.pendingProductOffering).toMatchObject({
      productOfferingId: 'mobile-plan-plus',
      scheduledAt: '2025-10-27',
    })
    const changed = await crossInto(world, sub.subscriptionId, MIDNIGHT['2025-10-27'], {
      productOfferingId: 'mobile-plan-max',
    })
    expect(changed).toMatchObject({
      productOfferingId: 'mobile-plan-plus',
      billingCycle: { nextRenewalAt: MIDNIGHT['2025-11-27'] },
    })
    expect(await lastEvent(world, sub.subscriptionId, 'subscription.updated')).toMatchObject({
      occurredAt: MIDNIGHT['2025-10-27'],
    })
    expect(await doneEntry(world, sub.subscriptionId, 'product_offering_changed')).toMatchObject({
      at: MIDNIGHT['2025-10-27'],
    })
  })

  it.each([
    ['in March, the 1st of April is summer time', '2025-03-20T12:00:00Z', '2025-04-01'],
    [
      'on 31 March after local midnight (still March in UTC), it is the 1st of May',
      '2025-03-31T22:30:00Z',
      '2025-05-01',
    ],
    ['in October, the 1st of November is winter time', '2025-10-20T12:00:00Z', '2025-11-01'],
  ] as const)('cancels at the beginning of next month: asked %s', async (_case, askedAt, date) => {
    const world = await subscriptionWorld(t, { timeZone: ZONE })
    await advanceTo(t, world, askedAt)
    const sub = await makeSubscription(t, world)
    const res = await act(t, world, sub.subscriptionId, 'POST', 'cancel', {
      schedule: { type: 'CancelAtBeginningOfNextMonth' },
      reason: 'NO_NEED',
    })
    expect(res.pendingStatus).toEqual({ status: 'CANCELLED', scheduledAt: date })
    const instant = MIDNIGHT[date]
    expect((await timelineOf(t, world, sub.subscriptionId)).find((i) => i.kind === 'cancel')).toMatchObject({
      state: 'SCHEDULED',
      at: instant,
    })
    const ended = await crossInto(world, sub.subscriptionId, instant, { status: 'ACTIVATED' })
    expect(ended).toMatchObject({ status: 'CANCELLED', cancelledAt: instant, pendingStatus: null })
    expect(await lastEvent(world, sub.subscriptionId, 'subscription.ended')).toMatchObject({ occurredAt: instant })
    expect(await doneEntry(world, sub.subscriptionId, 'cancelled')).toMatchObject({ at: instant })
  })

  it.each([
    ['on the day the clocks go forward (a 23-hour day)', '2025-03-30T10:00:00Z', '2025-03-31'],
    ['the Saturday before the clocks go forward', '2025-03-29T12:00:00Z', '2025-03-30'],
    ['half an hour into the day the clocks go back (a 25-hour day)', '2025-10-25T22:30:00Z', '2025-10-27'],
  ] as const)('cancels the next day: asked %s', async (_case, askedAt, date) => {
    const world = await subscriptionWorld(t, { timeZone: ZONE })
    await advanceTo(t, world, askedAt)
    const sub = await makeSubscription(t, world)
    const res = await act(t, world, sub.subscriptionId, 'POST', 'cancel', {
      schedule: 'CancelNextDay',
      reason: 'NO_NEED',
    })
    expect(res.pendingStatus).toEqual({ status: 'CANCELLED', scheduledAt: date })
    const instant = MIDNIGHT[date]
    const ended = await crossInto(world, sub.subscriptionId, instant, { status: 'ACTIVATED' })
    expect(ended).toMatchObject({ status: 'CANCELLED', cancelledAt: instant })
    expect(await lastEvent(world, sub.subscriptionId, 'subscription.ended')).toMatchObject({ occurredAt: instant })
    expect(await doneEntry(world, sub.subscriptionId, 'cancelled')).toMatchObject({ at: instant })
  })

  it.each([
    ['the day the clocks go forward', '2025-03-20T12:00:00Z', '2025-03-30'],
    ['the first summer day', '2025-03-20T12:00:00Z', '2025-03-31'],
    ['the first winter day after the clocks go back', '2025-10-20T12:00:00Z', '2025-10-27'],
  ] as const)('pauses at a date: %s (%s asks for %s) begins at local midnight', async (_case, askedAt, date) => {
    const world = await subscriptionWorld(t, { timeZone: ZONE })
    await advanceTo(t, world, askedAt)
    const sub = await makeSubscription(t, world)
    const res = await act(t, world, sub.subscriptionId, 'POST', 'pause', { scheduledAt: date, reason: 'holiday' })
    expect(res.pendingStatus).toEqual({ status: 'PAUSED', scheduledAt: date })
    const instant = MIDNIGHT[date]
    expect((await timelineOf(t, world, sub.subscriptionId)).find((i) => i.kind === 'pause')).toMatchObject({
      state: 'SCHEDULED',
      at: instant,
      reason: 'holiday',
    })
    const paused = await crossInto(world, sub.subscriptionId, instant, { status: 'ACTIVATED' })
    expect(paused).toMatchObject({ status: 'PAUSED', pendingStatus: null })
    expect(await lastEvent(world, sub.subscriptionId, 'subscription.updated')).toMatchObject({
      occurredAt: instant,
      data: { status: 'PAUSED' },
    })
    expect(await doneEntry(world, sub.subscriptionId, 'paused')).toMatchObject({ at: instant, reason: 'holiday' })
  })
})
