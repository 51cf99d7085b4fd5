import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorker } from '../../../src/container.js'
import { SUBSCRIPTION_TARGET } from '../../../src/services/subscriptions/subscription-kinds.js'
import { eventsAbout } from '../../helpers/parties.js'
import { act, getSubscription, makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Exactly once under contention: many subscriptions with several changes each fall due at once
 * (the tenant's clock jumps past all of them), and three workers drain the queue concurrently while
 * the same targets are also applied directly (as a job whose lease ran out would be, by another
 * worker). Each change must apply once, in effective order, with one event and one timeline entry.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const created = '2025-01-15T10:00:00.000Z'

/** What each kind of subscription has scheduled, and what applying it must leave behind. */
const activeSchedule = [
  { at: '2025-02-15T00:00:00.000Z', done: 'product_offering_changed' }, // the downgrade, at the renewal
  { at: '2025-02-20T00:00:00.000Z', done: 'blocked' },
  { at: '2025-02-25T00:00:00.000Z', done: 'unblocked' },
  { at: '2025-02-27T00:00:00.000Z', done: 'cancelled' },
]
const pendingSchedule = [
  { at: '2025-02-01T00:00:00.000Z', done: 'activated' },
  { at: '2025-02-10T00:00:00.000Z', done: 'paused' },
]

describe('workers racing over due subscription changes', () => {
  // A heavy test (about 80 requests): give it room when the whole suite runs in parallel.
  it('apply each change exactly once, in effective order', { timeout: 120_000 }, async () => {
    const world = await subscriptionWorld(t)
    const active: string[] = []
    const pending: string[] = []
    for (let i = 0; i < 6; i++) {
      const a = await makeSubscription(t, world, { msisdn: `+1555100${1000 + i}` })
      await act(t, world, a.subscriptionId, 'PUT', 'product-offering-change', {
        productOfferingId: 'mobile-plan-basic',
      })
      await act(t, world, a.subscriptionId, 'POST', 'block', { scheduledAt: '2025-02-20', reason: 'unpaid' })
      await act(t, world, a.subscriptionId, 'POST', 'unblock', { scheduledAt: '2025-02-25', reason: 'paid' })
      await act(t, world, a.subscriptionId, 'POST', 'cancel', {
        schedule: { type: 'CancelAtDate', date: '2025-02-27' },
        reason: 'NO_NEED',
      })
      active.push(a.subscriptionId)
      const p = await makeSubscription(t, world, { msisdn: `+1555200${1000 + i}`, scheduleActivationAt: '2025-02-01' })
      await act(t, world, p.subscriptionId, 'POST', 'pause', { scheduledAt: '2025-02-10' })
      pending.push(p.subscriptionId)
    }

    // Jump the tenant's clock past every change at once, without running anything.
    const tenantId = world.tenant.tenant.id
    await t.services.db.transaction((tx) =>
      t.services.tenants.update(tx, tenantId, {
        clockOffsetMs: Date.parse('2025-03-01T00:00:00Z') - t.clock.now().getTime(),
      }),
    )
    const workers = [1, 2, 3].map((n) => createWorker(t.services, { workerId: `racer-${n}`, batchSize: 2 }))
    const stale = [...active, ...pending].map((id) =>
      t.services.changeRunner.applyDue(tenantId, SUBSCRIPTION_TARGET, id),
    )
    const [drained, ...direct] = await Promise.all([Promise.all(workers.map((w) => w.drain({ tenantId }))), ...stale])
    const changes = active.length * activeSchedule.length + pending.length * pendingSchedule.length
    expect((drained as number[]).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    expect((direct as number[]).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(changes)

    for (const [ids, schedule, final] of [
      [
        active,
        activeSchedule,
        { status: 'CANCELLED', productOfferingId: 'mobile-plan-basic', cancelledAt: '2025-02-27T00:00:00.000Z' },
      ],
      [pending, pendingSchedule, { status: 'PAUSED', activatedAt: '2025-02-01T00:00:00.000Z' }],
    ] as const) {
      for (const id of ids) {
        expect(await getSubscription(t, world, id)).toMatchObject({
          ...final,
          pendingStatus: null,
          pendingProductOffering: null,
        })
        const events = (await eventsAbout(t, world.tenant, id)).filter((e) => e.occurredAt !== created)
        // One subscription.updated per applied change, at its own instant and in effective order; one ended.
        expect(
          events.filter((e) => e.type === 'subscription.updated').map((e) => e.occurredAt),
          id,
        ).toEqual(schedule.map((s) => s.at))
        expect(events.filter((e) => e.type === 'subscription.ended').map((e) => e.occurredAt)).toEqual(
          final.status === 'CANCELLED' ? ['2025-02-27T00:00:00.000Z'] : [],
        )
        const timeline = await timelineOf(t, world, id)
        const applied = timeline.filter((i) => i.scheduledChangeId !== null && i.state === 'DONE')
        expect(
          applied.map((i) => [i.kind, i.at]),
          id,
        ).toEqual(schedule.map((s) => [s.done, s.at]))
        expect(new Set(applied.map((i) => i.scheduledChangeId)).size).toBe(schedule.length)
        expect(timeline.filter((i) => i.state !== 'DONE')).toEqual([])
      }
    }

    // Nothing is left to apply: another round of workers finds no work.
    expect(await createWorker(t.services, { workerId: 'late' }).drain({ tenantId })).toBe(0)
  })
})
