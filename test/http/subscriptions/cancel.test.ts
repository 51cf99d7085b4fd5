import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CANCEL_REASONS } from '../../../src/domain/subscriptions/cancellation.js'
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

/** POST /subscriptions/{id}/cancel: every schedule variant, both spellings, every reason, and the bad bodies. */
let t: TestApp
let world: World
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  world = await subscriptionWorld(t)
})
afterAll(() => t.close())

const NOW = '2025-01-15T10:00:00.000Z'
const cancel = (id: string, payload: Record<string, unknown>) =>
  subscriptionRequest(t, world, id, 'POST', 'cancel', payload)
const newSubscription = async () => (await makeSubscription(t, world)).subscriptionId as string

describe('POST /subscriptions/{id}/cancel', () => {
  it('CancelNow ends the subscription at once: CANCELLED, cancelledAt now, subscription.updated then subscription.ended', async () => {
    const id = await newSubscription()
    const res = await act(t, world, id, 'POST', 'cancel', {
      schedule: { type: 'CancelNow' },
      reason: 'FRAUD',
      comment: 'card declined',
      metadata: { ticket: 'T-1' },
    })
    expect(res).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: NOW,
      cancellation: { reason: 'FRAUD', comment: 'card declined' },
      pendingStatus: null,
      billingCycle: null,
    })
    expect(await getSubscription(t, world, id)).toEqual(res)
    const events = (await eventsAbout(t, world.tenant, id)).slice(-2)
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([
      ['subscription.updated', NOW],
      ['subscription.ended', NOW],
    ])
    const entry = (await timelineOf(t, world, id)).find((i) => i.kind === 'cancelled')
    expect(entry).toMatchObject({
      state: 'DONE',
      at: NOW,
      reason: 'FRAUD',
      details: {
        from: 'ACTIVATED',
        to: 'CANCELLED',
        schedule: 'CancelNow',
        comment: 'card declined',
        metadata: { ticket: 'T-1' },
      },
    })
  })

  it.each([
    ['CancelNextDay (object)', { type: 'CancelNextDay' }, '2025-01-16'],
    ['CancelNextDay (plain string)', 'CancelNextDay', '2025-01-16'],
    ['CancelAtBeginningOfNextMonth (object)', { type: 'CancelAtBeginningOfNextMonth' }, '2025-02-01'],
    ['CancelAtBeginningOfNextMonth (plain string)', 'CancelAtBeginningOfNextMonth', '2025-02-01'],
    ['CancelAtDate in the future', { type: 'CancelAtDate', date: '2025-03-10' }, '2025-03-10'],
  ])('%s shows pendingStatus, then ends the subscription at that local midnight', async (_case, schedule, date) => {
    const fresh = await subscriptionWorld(t) // its own test clock, still at 2025-01-15T10:00Z
    const id = (await makeSubscription(t, fresh)).subscriptionId
    const res = await act(t, fresh, id, 'POST', 'cancel', { schedule, reason: 'NO_NEED' })
    expect(res).toMatchObject({
      status: 'ACTIVATED',
      cancelledAt: null,
      cancellation: null,
      pendingStatus: { status: 'CANCELLED', scheduledAt: date },
    })
    const instant = `${date}T00:00:00.000Z`
    await advanceTo(t, fresh, justBefore(instant))
    expect((await getSubscription(t, fresh, id)).status).toBe('ACTIVATED')
    await advanceTo(t, fresh, instant)
    expect(await getSubscription(t, fresh, id)).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: instant,
      cancellation: { reason: 'NO_NEED', comment: null },
      pendingStatus: null,
    })
    expect((await eventsAbout(t, fresh.tenant, id)).at(-1)).toMatchObject({
      type: 'subscription.ended',
      occurredAt: instant,
    })
  })

  it('CancelAtDate with today (its midnight has passed) means now', async () => {
    const fresh = await subscriptionWorld(t)
    const sub = await makeSubscription(t, fresh)
    const res = await act(t, fresh, sub.subscriptionId, 'POST', 'cancel', {
      schedule: { type: 'CancelAtDate', date: '2025-01-15' },
      reason: 'WRONG_ORDER',
    })
    const now = (await t.request(fresh.tenant, { method: 'GET', url: '/test-clock' })).json().now
    expect(res).toMatchObject({ status: 'CANCELLED', cancelledAt: now, pendingStatus: null })
  })

  it('refuses CancelAtDate with a day already over (422 at /body/schedule/date), cancelling nothing', async () => {
    const fresh = await subscriptionWorld(t)
    const sub = await makeSubscription(t, fresh)
    const res = await t.request(fresh.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelAtDate', date: '2025-01-02' }, reason: 'WRONG_ORDER' },
    })
    expect(res.statusCode, res.body).toBe(422)
    expect(res.json()).toMatchObject({ code: 'schedule.date_in_past', errors: [{ path: '/body/schedule/date' }] })
    expect((await getSubscription(t, fresh, sub.subscriptionId)).status).toBe('ACTIVATED')
  })

  it('cancels a PENDING subscription, superseding its activation', async () => {
    const id = (await makeSubscription(t, world, { scheduleActivationAt: '2099-01-01' })).subscriptionId
    const res = await act(t, world, id, 'POST', 'cancel', { schedule: 'CancelNow', reason: 'WRONG_ORDER' })
    expect(res).toMatchObject({ status: 'CANCELLED', activatedAt: null, pendingStatus: null })
    expect((await timelineOf(t, world, id)).find((i) => i.kind === 'activate')).toMatchObject({
      state: 'SUPERSEDED',
      details: { outcome: 'the subscription was cancelled' },
    })
  })

  it.each(CANCEL_REASONS.map((reason) => [reason]))('accepts the reason %s', async (reason) => {
    const id = await newSubscription()
    const comment = reason === 'OTHER' ? 'moving abroad' : undefined
    const res = await act(t, world, id, 'POST', 'cancel', {
      schedule: 'CancelNow',
      reason,
      ...(comment && { comment }),
    })
    expect(res.cancellation).toEqual({ reason, comment: comment ?? null })
  })

  it('has exactly the reference’s eleven reasons', () => {
    expect(CANCEL_REASONS).toHaveLength(11)
  })

  it.each([
    ['OTHER without a comment', { schedule: 'CancelNow', reason: 'OTHER' }],
    ['OTHER with a blank comment', { schedule: 'CancelNow', reason: 'OTHER', comment: '   ' }],
  ])(
    'answers %s with 422 subscription.cancel_comment_required at /body/comment, and writes nothing',
    async (_case, payload) => {
      const id = await newSubscription()
      const before = {
        subscription: await getSubscription(t, world, id),
        events: await eventsAbout(t, world.tenant, id),
      }
      const res = await cancel(id, payload)
      expect(res.statusCode, res.body).toBe(422)
      expect(res.json()).toMatchObject({
        code: 'subscription.cancel_comment_required',
        errors: [{ path: '/body/comment' }],
      })
      expect({
        subscription: await getSubscription(t, world, id),
        events: await eventsAbout(t, world.tenant, id),
      }).toEqual(before)
    },
  )

  it.each([
    ['an unknown reason', { schedule: 'CancelNow', reason: 'TOO_EXPENSIVE' }, '/body/reason'],
    ['no reason', { schedule: 'CancelNow' }, '/body/reason'],
    ['no schedule', { reason: 'NO_NEED' }, '/body/schedule'],
    ['an unknown schedule string', { schedule: 'CancelLater', reason: 'NO_NEED' }, '/body/schedule'],
    [
      'CancelAtDate as a plain string (it needs a date)',
      { schedule: 'CancelAtDate', reason: 'NO_NEED' },
      '/body/schedule',
    ],
    ['CancelAtDate without a date', { schedule: { type: 'CancelAtDate' }, reason: 'NO_NEED' }, '/body/schedule'],
    [
      'CancelAtDate with an impossible date',
      { schedule: { type: 'CancelAtDate', date: '2025-02-30' }, reason: 'NO_NEED' },
      '/body/schedule',
    ],
    [
      'CancelAtDate with a timestamp',
      { schedule: { type: 'CancelAtDate', date: '2025-03-01T00:00:00Z' }, reason: 'NO_NEED' },
      '/body/schedule',
    ],
    ['an empty comment', { schedule: 'CancelNow', reason: 'OTHER', comment: '' }, '/body/comment'],
    ['metadata that is not an object', { schedule: 'CancelNow', reason: 'NO_NEED', metadata: [] }, '/body/metadata'],
  ])('answers %s with 400 naming the field, and writes nothing', async (_case, payload, path) => {
    const id = await newSubscription()
    const before = { subscription: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }
    const res = await cancel(id, payload)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().code).toBe('request.validation_failed')
    expect(
      (res.json().errors as { path: string }[]).map((e) => e.path).some((p) => p.startsWith(path)),
      res.body,
    ).toBe(true)
    expect({
      subscription: await getSubscription(t, world, id),
      events: await eventsAbout(t, world.tenant, id),
    }).toEqual(before)
  })
})
