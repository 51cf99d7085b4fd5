import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorker } from '../../../src/container.js'
import { event } from '../../../src/persistence/schema/index.js'
import type { StatementLog } from '../../helpers/statements.js'
import { statementLog } from '../../helpers/statements.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld, timelineOf } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * How many SQL statements the worker sends per due scheduled change when a tenant's changes fall
 * due together (docs/performance.md, "The real work"): add-on cancels on several subscriptions,
 * applied by one worker's drain, jobs claimed and completed included. One at a time it was about
 * 26 a change; the batches share the claim, the locks, the due rows and the jobs' completion.
 */
// 709 for 24 changes (29.5 a change) when written: half the add-ons (addon-security-pack) also end
// the license they came with, one more event and update each; plain add-on cancels alone take 20.5.
const MOST_PER_CHANGE = 30
const SUBSCRIPTIONS = 12
const OFFERINGS = ['addon-data-1gb', 'addon-security-pack']
const ADDONS_EACH = OFFERINGS.length

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
let log: StatementLog
let world: World

beforeAll(async () => {
  log = await statementLog()
  t = await createTestApp({ database: log.database })
  world = await subscriptionWorld(t)
})
afterAll(() => t.close())

const request = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  t.request(world.tenant, { method, url, ...(payload && { payload }) })

describe('statements of due scheduled changes', () => {
  it(`applies add-on cancels in at most ${MOST_PER_CHANGE} statements a change`, async () => {
    const subscriptions: string[] = []
    for (let s = 0; s < SUBSCRIPTIONS; s++) {
      const sub = (await makeSubscription(t, world)).subscriptionId as string
      subscriptions.push(sub)
      for (const productOfferingId of OFFERINGS) {
        const added = await request('POST', `/subscriptions/${sub}/addons`, { productOfferingId })
        expect(added.statusCode, added.body).toBe(201)
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
    const changes = SUBSCRIPTIONS * ADDONS_EACH
    const { statements } = await log.record(() => createWorker(t.services).drain({ tenantId }))
    if (process.env.TEST_LOG_SQL) console.log(statements.join('\n'))
    const perChange = statements.length / changes
    expect(perChange, `${statements.length} statements for ${changes} changes`).toBeLessThanOrEqual(MOST_PER_CHANGE)

    // Every cancel applied once: one event each, numbered without gaps in its subscription's stream.
    for (const sub of subscriptions) {
      const cancelled = await request('GET', `/subscriptions/${sub}/addons?status=CANCELLED`)
      expect(cancelled.json().items).toHaveLength(ADDONS_EACH)
      const timeline = await timelineOf(t, world, sub)
      expect(timeline.filter((i) => i.kind === 'addon_cancelled' && i.scheduledChangeId)).toHaveLength(ADDONS_EACH)
      const sequences = await streamOf(sub)
      expect(sequences).toEqual(sequences.map((_, i) => i + 1))
    }
  })
})
