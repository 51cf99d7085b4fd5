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
 * Every transition the status machine forbids answers 409 with a code naming the status that
 * forbids it, now or at a date (judged by the status the subscription will have then, given the
 * status changes already pending before it), and writes nothing.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

type Status = 'PENDING' | 'ACTIVATED' | 'BLOCKED' | 'PAUSED' | 'CANCELLED'

/** A subscription in `status`, reached through the API. */
async function inStatus(world: World, status: Status): Promise<string> {
  const sub = await makeSubscription(t, world, status === 'PENDING' ? { scheduleActivationAt: '2025-03-01' } : {})
  const id = sub.subscriptionId as string
  if (status === 'BLOCKED') await act(t, world, id, 'POST', 'block')
  if (status === 'PAUSED') await act(t, world, id, 'POST', 'pause')
  if (status === 'CANCELLED') await act(t, world, id, 'POST', 'cancel', { schedule: 'CancelNow', reason: 'NO_NEED' })
  expect((await getSubscription(t, world, id)).status).toBe(status)
  return id
}

/** What a refusal must leave untouched. */
async function snapshot(world: World, id: string) {
  return {
    subscription: await getSubscription(t, world, id),
    events: await eventsAbout(t, world.tenant, id),
    timeline: await timelineOf(t, world, id),
  }
}

/** Sends the request, expects 409 with `code`, and checks nothing was written. */
async function expectRefused(
  world: World,
  id: string,
  method: 'POST' | 'PUT',
  path: string,
  payload: Record<string, unknown> | undefined,
  code: string,
) {
  const before = await snapshot(world, id)
  const res = await subscriptionRequest(t, world, id, method, path, payload)
  expect(res.statusCode, `${path} ${JSON.stringify(payload)}: ${res.body}`).toBe(409)
  expect(res.json().code, path).toBe(code)
  // The status is named in the code and, as an extension member, in `currentStatus`.
  expect(res.json().currentStatus).toBe(code.replace('subscription.is_', '').toUpperCase())
  expect(await snapshot(world, id)).toEqual(before)
}

const ILLEGAL: [Status, string[]][] = [
  ['PENDING', ['block', 'unblock', 'pause', 'resume']],
  ['ACTIVATED', ['activate', 'unblock', 'resume']],
  ['BLOCKED', ['activate', 'block', 'pause', 'resume']],
  ['PAUSED', ['activate', 'unblock', 'pause']],
  ['CANCELLED', ['activate', 'block', 'unblock', 'pause', 'resume']],
]

describe('illegal transitions', () => {
  it.each(ILLEGAL)(
    'a %s subscription refuses %j, now and at a date, with 409 subscription.is_<status>',
    async (status, actions) => {
      const world = await subscriptionWorld(t)
      const id = await inStatus(world, status)
      const code = `subscription.is_${status.toLowerCase()}`
      for (const action of actions) {
        await expectRefused(world, id, 'POST', action, undefined, code)
        await expectRefused(world, id, 'POST', action, { reason: 'why not' }, code)
        // At a date before anything else is pending, the status then is the status now.
        await expectRefused(world, id, 'POST', action, { scheduledAt: '2025-02-01' }, code)
      }
    },
  )

  it('a cancelled subscription refuses another cancel (every variant), a plan change and its plan options', async () => {
    const world = await subscriptionWorld(t)
    const id = await inStatus(world, 'CANCELLED')
    for (const schedule of [
      'CancelNow',
      'CancelNextDay',
      { type: 'CancelAtBeginningOfNextMonth' },
      { type: 'CancelAtDate', date: '2025-03-01' },
    ]) {
      await expectRefused(world, id, 'POST', 'cancel', { schedule, reason: 'NO_NEED' }, 'subscription.is_cancelled')
    }
    await expectRefused(
      world,
      id,
      'PUT',
      'product-offering-change',
      { productOfferingId: 'mobile-plan-max' },
      'subscription.is_cancelled',
    )
    await expectRefused(
      world,
      id,
      'PUT',
      'product-offering-change',
      { productOfferingId: 'mobile-plan-basic', scheduledAt: '2025-03-01' },
      'subscription.is_cancelled',
    )
    const options = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${id}/product-offering-options`,
    })
    expect(options.statusCode).toBe(409)
    expect(options.json()).toMatchObject({
      code: 'subscription.is_cancelled',
      currentStatus: 'CANCELLED',
      action: 'change_product_offering',
    })
  })

  it('judges a dated change by the status the pending changes before it will have left', async () => {
    const world = await subscriptionWorld(t)
    // Blocked from 2025-02-01: pausing or resuming after that is refused as is_blocked; unblocking is fine.
    const blocked = (await makeSubscription(t, world)).subscriptionId as string
    await act(t, world, blocked, 'POST', 'block', { scheduledAt: '2025-02-01' })
    await expectRefused(world, blocked, 'POST', 'pause', { scheduledAt: '2025-02-10' }, 'subscription.is_blocked')
    await expectRefused(world, blocked, 'POST', 'resume', { scheduledAt: '2025-02-10' }, 'subscription.is_blocked')
    await expectRefused(world, blocked, 'POST', 'activate', { scheduledAt: '2025-02-10' }, 'subscription.is_blocked')
    // Before the block, it is still ACTIVATED.
    await expectRefused(world, blocked, 'POST', 'unblock', { scheduledAt: '2025-01-20' }, 'subscription.is_activated')
    expect((await act(t, world, blocked, 'POST', 'unblock', { scheduledAt: '2025-02-10' })).pendingStatus).toEqual({
      status: 'BLOCKED',
      scheduledAt: '2025-02-01',
    })

    // Paused from 2025-02-01 and resumed on 2025-02-10: between the two it is PAUSED, after them ACTIVATED again.
    const paused = (await makeSubscription(t, world)).subscriptionId as string
    await act(t, world, paused, 'POST', 'pause', { scheduledAt: '2025-02-01' })
    await act(t, world, paused, 'POST', 'resume', { scheduledAt: '2025-02-10' })
    await expectRefused(world, paused, 'POST', 'unblock', { scheduledAt: '2025-02-05' }, 'subscription.is_paused')
    await expectRefused(world, paused, 'POST', 'unblock', { scheduledAt: '2025-02-15' }, 'subscription.is_activated')
    // A change asked for now is judged by the status now, whatever is pending.
    await expectRefused(world, paused, 'POST', 'resume', undefined, 'subscription.is_activated')
    await act(t, world, paused, 'POST', 'block', { scheduledAt: '2025-02-05' })

    // Pending activation on 2025-03-01: before it, nothing but activate or cancel; after it, the active statuses.
    const pending = await inStatus(world, 'PENDING')
    await expectRefused(world, pending, 'POST', 'block', { scheduledAt: '2025-02-15' }, 'subscription.is_pending')
    await expectRefused(world, pending, 'POST', 'pause', { scheduledAt: '2025-02-28' }, 'subscription.is_pending')
    expect((await act(t, world, pending, 'POST', 'pause', { scheduledAt: '2025-03-05' })).pendingStatus).toEqual({
      status: 'ACTIVATED',
      scheduledAt: '2025-03-01',
    })
  })

  it('a dated change that an immediate one made illegal fails at its date, visibly, and changes nothing', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId as string
    await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-01', reason: 'holiday' })
    await act(t, world, id, 'POST', 'block', { reason: 'fraud check' })
    const before = await eventsAbout(t, world.tenant, id)
    await advanceTo(t, world, '2025-02-02T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({ status: 'BLOCKED', pendingStatus: null })
    expect(await eventsAbout(t, world.tenant, id)).toEqual(before)
    const failed = (await timelineOf(t, world, id)).find((i) => i.kind === 'pause')
    expect(failed).toMatchObject({
      state: 'FAILED',
      at: '2025-02-01T00:00:00.000Z',
      reason: 'holiday',
      details: { outcome: expect.stringContaining('BLOCKED') },
    })
  })

  it('so does one that a change scheduled before it made illegal; the changes around it still apply', async () => {
    const world = await subscriptionWorld(t)
    const id = (await makeSubscription(t, world)).subscriptionId as string
    await act(t, world, id, 'POST', 'pause', { scheduledAt: '2025-02-01' })
    await act(t, world, id, 'POST', 'resume', { scheduledAt: '2025-02-10' })
    await act(t, world, id, 'POST', 'block', { scheduledAt: '2025-02-05' }) // legal then: PAUSED → BLOCKED
    await advanceTo(t, world, '2025-02-11T00:00:00Z')
    expect(await getSubscription(t, world, id)).toMatchObject({ status: 'BLOCKED', pendingStatus: null })
    const story = (await timelineOf(t, world, id))
      .filter((i) => i.scheduledChangeId)
      .map((i) => [i.kind, i.state, i.at.slice(0, 10)])
    expect(story).toEqual([
      ['paused', 'DONE', '2025-02-01'],
      ['blocked', 'DONE', '2025-02-05'],
      ['resume', 'FAILED', '2025-02-10'],
    ])
    const updates = (await eventsAbout(t, world.tenant, id)).filter((e) => e.occurredAt >= '2025-02-01')
    expect(updates.map((e) => e.data.status)).toEqual(['PAUSED', 'BLOCKED'])
  })
})
