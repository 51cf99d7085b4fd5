import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import type { World } from '../../helpers/subscriptions.js'
import {
  act,
  advanceTo,
  getSubscription,
  makeSubscription,
  subscriptionRequest,
  subscriptionWorld,
  timelineOf,
} from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * The conflict rules between pending changes (docs/compatibility.md): same kind replaces, a
 * scheduled cancel supersedes what follows it and refuses anything new after it, pending changes
 * can be withdrawn, and a change done now replaces the pending one of its kind.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z; plans renew on the 15th
})
afterAll(() => t.close())

const at = (date: string) => `${date}T00:00:00.000Z`

/** The timeline's scheduled side: [kind, state, at] for every change that is not DONE. */
async function scheduledSide(world: World, id: string) {
  return (await timelineOf(t, world, id))
    .filter((i) => i.state !== 'DONE')
    .map((i) => [i.kind, i.state, i.at.slice(0, 10)])
}

async function outcomeOf(world: World, id: string, kind: string, state: string) {
  return (await timelineOf(t, world, id)).find((i) => i.kind === kind && i.state === state)?.details.outcome
}

describe('pending change conflicts', () => {
  it('a new pending change of the same kind replaces the old one, which the timeline shows SUPERSEDED', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world, { productOfferingId: 'mobile-plan-max' })).subscriptionId
    await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-10', reason: 'first idea' })
    const second = await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-20', reason: 'second idea' })
    expect(second.pendingStatus).toEqual({ status: 'PAUSED', scheduledAt: '2025-02-20' })
    await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-plus' })
    const plan = await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-basic' })
    expect(plan.pendingProductOffering).toMatchObject({
      productOfferingId: 'mobile-plan-basic',
      scheduledAt: '2025-02-15',
    })
    expect(await scheduledSide(world, id)).toEqual([
      ['pause', 'SUPERSEDED', '2025-02-10'],
      ['change_product_offering', 'SUPERSEDED', '2025-02-15'],
      ['change_product_offering', 'SCHEDULED', '2025-02-15'],
      ['pause', 'SCHEDULED', '2025-02-20'],
    ])
    expect(await outcomeOf(world, id, 'pause', 'SUPERSEDED')).toBe('replaced by a newer change of the same kind')
    // Only the newer ones apply.
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({
      status: 'PAUSED',
      productOfferingId: 'mobile-plan-basic',
    })
    const done = (await timelineOf(t, world, id)).filter((i) => i.state === 'DONE' && i.scheduledChangeId)
    expect(done.map((i) => [i.kind, i.at, i.reason])).toEqual([
      ['product_offering_changed', at('2025-02-15'), null],
      ['paused', at('2025-02-20'), 'second idea'],
    ])
  })

  it('a scheduled cancel supersedes the changes after it, with a reason, and keeps those before it', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId
    await act(t, world, id, 'POST', 'block', { scheduledAt: '2025-01-20' })
    await act(t, world, id, 'POST', 'unblock', { scheduledAt: '2025-02-20' })
    await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-basic' }) // at the renewal, 02-15
    const cancelled = await act(t, world, id, 'POST', 'cancel', {
      schedule: { type: 'CancelAtDate', date: '2025-02-01' },
      reason: 'NO_NEED',
    })
    expect(cancelled).toMatchObject({
      pendingProductOffering: null,
      pendingStatus: { status: 'BLOCKED', scheduledAt: '2025-01-20' },
    })
    expect(await scheduledSide(world, id)).toEqual([
      ['block', 'SCHEDULED', '2025-01-20'],
      ['cancel', 'SCHEDULED', '2025-02-01'],
      ['change_product_offering', 'SUPERSEDED', '2025-02-15'],
      ['unblock', 'SUPERSEDED', '2025-02-20'],
    ])
    expect(await outcomeOf(world, id, 'unblock', 'SUPERSEDED')).toBe(
      'the subscription is cancelled before it (on 2025-02-01T00:00:00.000Z)',
    )
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: at('2025-02-01'),
      productOfferingId: 'mobile-plan-plus',
    })
  })

  it('refuses a change at or after a pending cancel with 409 subscription.cancellation_pending, and allows one before it', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId
    await act(t, world, id, 'POST', 'cancel', {
      schedule: { type: 'CancelAtDate', date: '2025-02-01' },
      reason: 'BETTER_DEAL_PRICE',
    })
    const before = { subscription: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }
    for (const [method, path, payload] of [
      ['POST', 'pause', { scheduledAt: '2025-02-01' }],
      ['POST', 'block', { scheduledAt: '2025-03-01' }],
      ['PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-basic' }], // would apply at 02-15
      ['PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-max', scheduledAt: '2025-02-02' }],
    ] as const) {
      const res = await subscriptionRequest(t, world, id, method, path, payload)
      expect(res.statusCode, `${path} ${JSON.stringify(payload)}`).toBe(409)
      expect(res.json()).toMatchObject({
        code: 'subscription.cancellation_pending',
        cancelAt: '2025-02-01T00:00:00.000Z',
      })
    }
    expect({
      subscription: await getSubscription(t, world, id),
      events: await eventsAbout(t, world.tenant, id),
    }).toEqual(before)
    // Before the cancel: an upgrade now and a pause on the 20th are fine.
    expect(
      (await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-max' }))
        .productOfferingId,
    ).toBe('mobile-plan-max')
    expect((await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-01-20' })).pendingStatus).toEqual({
      status: 'PAUSED',
      scheduledAt: '2025-01-20',
    })
    // Withdrawing the pending status changes (cancel included) lifts the refusal.
    const withdrawn = await act(t, world, id, 'DELETE', 'pending-status')
    expect(withdrawn.pendingStatus).toBeNull()
    expect((await act(t, world, id, 'POST', 'block', { scheduledAt: '2025-03-01' })).pendingStatus).toEqual({
      status: 'BLOCKED',
      scheduledAt: '2025-03-01',
    })
  })

  it('a new cancel replaces a pending one', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId
    await act(t, world, id, 'POST', 'cancel', { schedule: 'CancelAtBeginningOfNextMonth', reason: 'NO_NEED' })
    const sooner = await act(t, world, id, 'POST', 'cancel', { schedule: 'CancelNextDay', reason: 'FRAUD' })
    expect(sooner.pendingStatus).toEqual({ status: 'CANCELLED', scheduledAt: '2025-01-16' })
    expect(await scheduledSide(world, id)).toEqual([
      ['cancel', 'SCHEDULED', '2025-01-16'],
      ['cancel', 'SUPERSEDED', '2025-02-01'],
    ])
    await advanceTo(t, world, '2025-02-02T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: at('2025-01-16'),
      cancellation: { reason: 'FRAUD' },
    })
  })

  it('withdraws pending changes with DELETE …/pending-status and …/pending-product-offering; 404 when nothing is pending', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId
    for (const [path, code] of [
      ['pending-status', 'pending_status.not_found'],
      ['pending-product-offering', 'pending_product_offering.not_found'],
    ] as const) {
      const none = await subscriptionRequest(t, world, id, 'DELETE', path)
      expect(none.statusCode).toBe(404)
      expect(none.json().code).toBe(code)
    }
    await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-01' })
    await act(t, world, id, 'POST', 'resume', { scheduledAt: '2025-02-10' })
    await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-basic' })
    const eventsBefore = (await eventsAbout(t, world.tenant, id)).length

    const noPlan = await act(t, world, id, 'DELETE', 'pending-product-offering')
    expect(noPlan).toMatchObject({
      pendingProductOffering: null,
      pendingStatus: { status: 'PAUSED', scheduledAt: '2025-02-01' },
    })
    const noStatus = await act(t, world, id, 'DELETE', 'pending-status')
    expect(noStatus).toMatchObject({ pendingProductOffering: null, pendingStatus: null })
    const events = await eventsAbout(t, world.tenant, id)
    expect(events.slice(eventsBefore).map((e) => [e.type, e.data])).toEqual([
      ['subscription.updated', noPlan],
      ['subscription.updated', noStatus],
    ])
    const withdrawn = (await timelineOf(t, world, id)).filter((i) => i.state === 'WITHDRAWN')
    expect(withdrawn.map((i) => [i.kind, i.details.outcome])).toEqual([
      ['pause', 'withdrawn by test'],
      ['resume', 'withdrawn by test'],
      ['change_product_offering', 'withdrawn by test'],
    ])
    expect((await subscriptionRequest(t, world, id, 'DELETE', 'pending-status')).statusCode).toBe(404)
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({
      status: 'ACTIVATED',
      productOfferingId: 'mobile-plan-plus',
    })
  })

  it('a change done now replaces the pending one of its kind', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId
    await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-basic' })
    const up = await act(t, world, id, 'PUT', 'product-offering-change', { productOfferingId: 'mobile-plan-max' })
    expect(up).toMatchObject({ productOfferingId: 'mobile-plan-max', pendingProductOffering: null })
    await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-01' })
    const now = await act(t, world, id, 'POST', 'pause', { reason: 'right away' })
    expect(now).toMatchObject({ status: 'PAUSED', pendingStatus: null })
    expect(await scheduledSide(world, id)).toEqual([
      ['pause', 'SUPERSEDED', '2025-02-01'],
      ['change_product_offering', 'SUPERSEDED', '2025-02-15'],
    ])
    expect(await outcomeOf(world, id, 'change_product_offering', 'SUPERSEDED')).toBe(
      'replaced by a plan change applied at once',
    )
    expect(await outcomeOf(world, id, 'pause', 'SUPERSEDED')).toBe('pause was done at once instead')
    await advanceTo(t, world, '2025-03-01T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({
      status: 'PAUSED',
      productOfferingId: 'mobile-plan-max',
    })
  })
})
