import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorker } from '../../src/container.js'
import { event } from '../../src/persistence/schema/index.js'
import { eventsAbout } from '../helpers/parties.js'
import type { World } from '../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld, timelineOf } from '../helpers/subscriptions.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/**
 * Two workers over the same due set, each applying it in batches (of 3 targets here, so that they
 * take several and meet): every add-on cancel applies exactly once, with one event numbered without
 * gaps in its subscription's stream and one timeline entry. Matters most on PostgreSQL
 * (TEST_DATABASE_URL), where the workers' transactions truly run side by side.
 */
const SUBSCRIPTIONS = 8
const OFFERINGS = ['addon-data-1gb', 'addon-security-pack']

let t: TestApp

/** The sequences of a subscription's event stream (its own events and its add-ons'), in order. */
const streamOf = async (subscriptionId: string): Promise<number[]> =>
  (
    await t.services.db
      .select({ sequence: event.sequence })
      .from(event)
      .where(
        and(
          eq(event.tenantId, world.tenant.tenant.id),
          eq(event.streamType, 'subscription'),
          eq(event.streamId, subscriptionId),
        ),
      )
      .orderBy(asc(event.sequence))
  ).map((e) => Number(e.sequence))
let world: World
beforeAll(async () => {
  t = await createTestApp({ changeBatchSize: 3 }) // 2025-01-15T10:00:00Z
  world = await subscriptionWorld(t)
})
afterAll(() => t.close())

const request = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  t.request(world.tenant, { method, url, ...(payload && { payload }) })

describe('two workers batching the same due changes', () => {
  it('apply each change once', { timeout: 120_000 }, async () => {
    const addons = new Map<string, string[]>()
    for (let s = 0; s < SUBSCRIPTIONS; s++) {
      const sub = (await makeSubscription(t, world)).subscriptionId as string
      addons.set(sub, [])
      for (const productOfferingId of OFFERINGS) {
        const added = await request('POST', `/subscriptions/${sub}/addons`, { productOfferingId })
        expect(added.statusCode, added.body).toBe(201)
        addons.get(sub)?.push(added.json().subscriptionAddonId)
        const cancel = await request('POST', `/subscriptions/${sub}/addons/cancel`, {
          subscriptionAddonId: added.json().subscriptionAddonId,
          scheduledAt: '2025-01-20',
        })
        expect(cancel.statusCode, cancel.body).toBe(200)
      }
    }
    const tenantId = world.tenant.tenant.id
    await t.services.db.transaction((tx) =>
      t.services.tenants.update(tx, tenantId, {
        clockOffsetMs: Date.parse('2025-01-21T00:00:00Z') - t.clock.now().getTime(),
      }),
    )
    const workers = [1, 2].map((n) => createWorker(t.services, { workerId: `batcher-${n}`, batchSize: 2 }))
    await Promise.all(workers.map((w) => w.drain({ tenantId })))

    for (const [sub, ids] of addons) {
      const cancelled = (await request('GET', `/subscriptions/${sub}/addons?status=CANCELLED`)).json().items
      expect(cancelled.map((a: { subscriptionAddonId: string }) => a.subscriptionAddonId).sort()).toEqual(
        [...ids].sort(),
      )
      expect(cancelled.map((a: { cancelledAt: string }) => a.cancelledAt)).toEqual(
        ids.map(() => '2025-01-20T00:00:00.000Z'),
      )
      const timeline = await timelineOf(t, world, sub)
      const applied = timeline.filter((i) => i.kind === 'addon_cancelled' && i.scheduledChangeId)
      expect(applied).toHaveLength(ids.length)
      expect(new Set(applied.map((i) => i.scheduledChangeId)).size).toBe(ids.length)
      for (const id of ids) {
        const events = (await eventsAbout(t, world.tenant, id)).filter(
          (e) => e.occurredAt === '2025-01-20T00:00:00.000Z',
        )
        expect(new Set(events.map((e) => e.type)).size, JSON.stringify(events)).toBe(events.length)
        expect(events.length).toBeGreaterThan(0)
      }
      const sequences = await streamOf(sub)
      expect(sequences).toEqual(sequences.map((_, i) => i + 1))
    }
    // Nothing is left to apply, and no job is left waiting.
    expect(await createWorker(t.services, { workerId: 'late' }).drain({ tenantId })).toBe(0)
  })
})
