import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { eventsAbout } from '../../helpers/parties.js'
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
 * POST /subscriptions/{id}/activate|block|unblock|pause|resume, now and at a date: the status
 * moves, the event is written at the instant it took effect, and the timeline records it with
 * the reason and the actor (the API key, by its label) who asked, even when the scheduler applies it.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const NOW = '2025-01-15T10:00:00.000Z'

describe('status changes', () => {
  it('blocks, unblocks, pauses and resumes now, each with its reason and actor on the timeline', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId as string
    const steps = [
      ['block', 'BLOCKED', 'blocked', 'fraud check'],
      ['unblock', 'ACTIVATED', 'unblocked', 'cleared'],
      ['pause', 'PAUSED', 'paused', 'holiday'],
      ['block', 'BLOCKED', 'blocked', 'lost phone'], // a paused line can still be barred
      ['unblock', 'ACTIVATED', 'unblocked', 'found it'],
      ['pause', 'PAUSED', 'paused', 'holiday again'],
      ['resume', 'ACTIVATED', 'resumed', 'back home'],
    ] as const
    for (const [action, status, , reason] of steps) {
      const res = await act(t, world, id, 'POST', action, { reason, metadata: { ticket: action } })
      expect(res, action).toMatchObject({ status, pendingStatus: null, updatedAt: NOW })
      expect((await eventsAbout(t, world.tenant, id)).at(-1), action).toMatchObject({
        type: 'subscription.updated',
        occurredAt: NOW,
        data: res,
      })
    }
    const done = (await timelineOf(t, world, id)).filter((i) => !['created', 'activated'].includes(i.kind))
    expect(done.map((i) => [i.kind, i.state, i.at, i.reason])).toEqual(
      steps.map(([, , kind, reason]) => [kind, 'DONE', NOW, reason]),
    )
    expect(done[0]).toMatchObject({
      actor: { type: 'api_key', id: world.tenant.keyId, label: 'test' },
      details: { from: 'ACTIVATED', to: 'BLOCKED', metadata: { ticket: 'block' } },
    })
  })

  it('takes a POST without a body as "now, no reason"', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId as string
    for (const [action, status] of [
      ['pause', 'PAUSED'],
      ['resume', 'ACTIVATED'],
      ['block', 'BLOCKED'],
      ['unblock', 'ACTIVATED'],
    ] as const) {
      const res = await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${id}/${action}` })
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200)
      expect(res.json().status).toBe(status)
    }
    const pending = (await makeSubscription(t, world, { scheduleActivationAt: '2025-02-01' })).subscriptionId
    const activated = await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${pending}/activate` })
    expect(activated.json()).toMatchObject({ status: 'ACTIVATED', activatedAt: NOW })
    expect((await timelineOf(t, world, id)).at(-1)).toMatchObject({ kind: 'unblocked', reason: null })
  })

  it('schedules each at a date: pendingStatus until its local midnight, then applied as of that instant by the actor who asked', async () => {
    const world = await subscriptionWorld(t, { timeZone: 'America/New_York' })
    const other = await makeApiKey(t.services, world.tenant.tenant) // label "extra"
    const id = (await makeSubscription(t, world)).subscriptionId as string
    const plan = [
      ['pause', '2025-02-01', 'PAUSED', 'paused', '2025-02-01T05:00:00.000Z'],
      ['resume', '2025-02-10', 'ACTIVATED', 'resumed', '2025-02-10T05:00:00.000Z'],
      ['block', '2025-03-01', 'BLOCKED', 'blocked', '2025-03-01T05:00:00.000Z'],
      ['unblock', '2025-03-20', 'ACTIVATED', 'unblocked', '2025-03-20T04:00:00.000Z'], // after the US change to summer time
    ] as const
    for (const [action, date, , , at] of plan) {
      const asker = action === 'block' ? other : world.tenant
      const res = await t.request(asker, {
        method: 'POST',
        url: `/subscriptions/${id}/${action}`,
        payload: { scheduledAt: date, reason: `${action} please` },
      })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().status).toBe('ACTIVATED')
      const scheduled = (await timelineOf(t, world, id)).find((i) => i.kind === action && i.state === 'SCHEDULED')
      expect(scheduled).toMatchObject({ at, reason: `${action} please` })
    }
    expect((await getSubscription(t, world, id)).pendingStatus).toEqual({ status: 'PAUSED', scheduledAt: '2025-02-01' })

    let previous = 'ACTIVATED'
    for (const [action, , status, kind, at] of plan) {
      await advanceTo(t, world, justBefore(at))
      expect((await getSubscription(t, world, id)).status, `just before ${action}`).toBe(previous)
      await advanceTo(t, world, at)
      previous = status
      const sub = await getSubscription(t, world, id)
      expect(sub.status, action).toBe(status)
      expect((await eventsAbout(t, world.tenant, id)).at(-1)).toMatchObject({
        type: 'subscription.updated',
        occurredAt: at,
        data: { status },
      })
      const entry = (await timelineOf(t, world, id)).find((i) => i.kind === kind && i.at === at)
      expect(entry, kind).toMatchObject({
        state: 'DONE',
        reason: `${action} please`,
        scheduledChangeId: expect.any(String),
        actor:
          action === 'block'
            ? { type: 'api_key', id: other.id, label: 'extra' }
            : { type: 'api_key', id: world.tenant.keyId, label: 'test' },
      })
    }
    expect((await getSubscription(t, world, id)).pendingStatus).toBeNull()
  })

  it('activates a PENDING subscription now, or earlier than planned, anchoring the billing cycle at the activation', async () => {
    const world = await subscriptionWorld(t)
    const now = (await makeSubscription(t, world, { scheduleActivationAt: '2025-03-01' })).subscriptionId
    const activated = await act(t, world, now, 'POST', 'activate', { reason: 'shipped early' })
    expect(activated).toMatchObject({
      status: 'ACTIVATED',
      activatedAt: NOW,
      pendingStatus: null,
      billingCycle: { anchorDate: '2025-01-15', nextRenewalAt: '2025-02-15T00:00:00.000Z' },
    })
    expect((await timelineOf(t, world, now)).find((i) => i.kind === 'activate')).toMatchObject({
      state: 'SUPERSEDED',
      at: '2025-03-01T00:00:00.000Z',
    })
    expect((await timelineOf(t, world, now)).find((i) => i.kind === 'activated')).toMatchObject({
      state: 'DONE',
      at: NOW,
      reason: 'shipped early',
      actor: { label: 'test' },
    })

    const dated = (await makeSubscription(t, world, { scheduleActivationAt: '2025-03-01' })).subscriptionId
    const sooner = await act(t, world, dated, 'POST', 'activate', {
      scheduledAt: '2025-02-03',
      reason: 'customer asked',
    })
    expect(sooner).toMatchObject({
      status: 'PENDING',
      pendingStatus: { status: 'ACTIVATED', scheduledAt: '2025-02-03' },
    })
    await advanceTo(t, world, '2025-02-03T00:00:00Z')
    expect(await getSubscription(t, world, dated)).toMatchObject({
      status: 'ACTIVATED',
      activatedAt: '2025-02-03T00:00:00.000Z',
      billingCycle: {
        anchorDate: '2025-02-03',
        currentPeriodStart: '2025-02-03T00:00:00.000Z',
        nextRenewalAt: '2025-03-03T00:00:00.000Z',
      },
    })
    await advanceTo(t, world, '2025-03-02T00:00:00Z')
    expect((await getSubscription(t, world, dated)).activatedAt).toBe('2025-02-03T00:00:00.000Z')
    expect((await timelineOf(t, world, dated)).find((i) => i.kind === 'activated')).toMatchObject({
      reason: 'customer asked',
      actor: { type: 'api_key', label: 'test' },
    })
  })

  it('records on the timeline when each change was asked for and done, on the tenant’s clock', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId as string
    await advanceTo(t, world, '2025-01-25T10:00:00Z')
    await act(t, world, id, 'POST', 'block')
    await act(t, world, id, 'POST', 'unblock', { scheduledAt: '2025-02-01' })
    const asked = await timelineOf(t, world, id)
    expect(asked.find((i) => i.kind === 'blocked')).toMatchObject({
      at: '2025-01-25T10:00:00.000Z',
      recordedAt: '2025-01-25T10:00:00.000Z',
    })
    expect(asked.find((i) => i.kind === 'unblock')).toMatchObject({
      state: 'SCHEDULED',
      at: '2025-02-01T00:00:00.000Z',
      recordedAt: '2025-01-25T10:00:00.000Z',
    })
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    const done = (await timelineOf(t, world, id)).find((i) => i.kind === 'unblocked')
    expect(done).toMatchObject({ at: '2025-02-01T00:00:00.000Z', recordedAt: '2025-02-01T00:00:00.000Z' })
  })

  it('takes a date already begun as now, and answers bad dates with 400 at /body/scheduledAt, writing nothing', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId as string
    const paused = await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-01-15' })
    expect(paused).toMatchObject({ status: 'PAUSED', pendingStatus: null })
    const before = { sub: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }
    for (const payload of [
      { scheduledAt: '2025-02-30' },
      { scheduledAt: '15/02/2025' },
      { scheduledAt: '2025-02-15T00:00:00Z' },
      { scheduledAt: 20250215 },
      { reason: '' },
      { metadata: 'x' },
    ]) {
      const res = await subscriptionRequest(t, world, id, 'POST', 'resume', payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().errors[0].path).toBe(`/body/${Object.keys(payload)[0]}`)
    }
    expect({ sub: await getSubscription(t, world, id), events: await eventsAbout(t, world.tenant, id) }).toEqual(before)
  })
})
