import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../../../src/domain/shared/clock.js'
import { eventsAbout } from '../../helpers/parties.js'
import {
  act,
  advanceTo,
  getSubscription,
  justBefore,
  localMidnight,
  makeSubscription,
  subscriptionWorld,
  timelineOf,
} from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Billing cycles anchored on the 29th, 30th and 31st through February of a leap year (2024) and a
 * common one (2025): the renewal clamps to Feb 29/28, a downgrade waits for exactly that local
 * midnight, and the next renewal is back on the anchor day in March (never drifting to the 28th).
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2024-01-10T12:00:00Z') })
})
afterAll(() => t.close())

interface Case {
  day: number
  year: number
  zone: string
  /** The renewal dates that follow the anchor: February (clamped), March (back on the day), April (clamped to 30). */
  feb: string
  mar: string
  apr: string
}

const cases: Case[] = [
  { day: 29, year: 2024, zone: 'UTC', feb: '2024-02-29', mar: '2024-03-29', apr: '2024-04-29' },
  { day: 30, year: 2024, zone: 'UTC', feb: '2024-02-29', mar: '2024-03-30', apr: '2024-04-30' },
  { day: 31, year: 2024, zone: 'UTC', feb: '2024-02-29', mar: '2024-03-31', apr: '2024-04-30' },
  { day: 29, year: 2025, zone: 'UTC', feb: '2025-02-28', mar: '2025-03-29', apr: '2025-04-29' },
  { day: 30, year: 2025, zone: 'UTC', feb: '2025-02-28', mar: '2025-03-30', apr: '2025-04-30' },
  { day: 31, year: 2025, zone: 'UTC', feb: '2025-02-28', mar: '2025-03-31', apr: '2025-04-30' },
  // A zone behind UTC whose clocks change in March: local midnights, not UTC ones.
  { day: 31, year: 2024, zone: 'America/New_York', feb: '2024-02-29', mar: '2024-03-31', apr: '2024-04-30' },
  { day: 29, year: 2025, zone: 'America/New_York', feb: '2025-02-28', mar: '2025-03-29', apr: '2025-04-29' },
]

describe('billing anchors at month ends', () => {
  it.each(cases)(
    'anchored on the $day in $year ($zone): renews on $feb, then $mar, then $apr; a downgrade applies at $feb',
    async (c) => {
      const world = await subscriptionWorld(t, { timeZone: c.zone })
      const at = (date: string) => localMidnight(date, c.zone)
      if (c.year !== 2024) await advanceTo(t, world, `${c.year}-01-10T12:00:00Z`)
      const anchorDate = `${c.year}-01-${c.day}`
      const sub = await makeSubscription(t, world, {
        productOfferingId: 'mobile-plan-plus',
        scheduleActivationAt: anchorDate,
      })
      expect(sub.pendingStatus).toEqual({ status: 'ACTIVATED', scheduledAt: anchorDate })

      // Mid-cycle: the cycle starts at the activation (local midnight of the anchor day) and renews at the clamped end of February.
      await advanceTo(t, world, `${c.year}-02-10T12:00:00Z`)
      const active = await getSubscription(t, world, sub.subscriptionId)
      expect(active).toMatchObject({
        status: 'ACTIVATED',
        activatedAt: at(anchorDate),
        billingCycle: { anchorDate, currentPeriodStart: at(anchorDate), nextRenewalAt: at(c.feb) },
      })

      const options = await t.request(world.tenant, {
        method: 'GET',
        url: `/subscriptions/${sub.subscriptionId}/product-offering-options`,
      })
      expect(options.statusCode, options.body).toBe(200)
      const byId = Object.fromEntries(
        (options.json().items as { productOfferingId: string }[]).map((o) => [o.productOfferingId, o]),
      )
      expect(byId['mobile-plan-basic']).toMatchObject({
        changeSchedule: 'NEXT_RENEWAL',
        changeScheduleDate: c.feb,
        direction: 'DOWNGRADE',
      })
      expect(byId['mobile-plan-max']).toMatchObject({
        changeSchedule: 'INSTANT',
        changeScheduleDate: `${c.year}-02-10`,
        direction: 'UPGRADE',
      })

      const down = await act(t, world, sub.subscriptionId, 'PUT', 'product-offering-change', {
        productOfferingId: 'mobile-plan-basic',
      })
      expect(down).toMatchObject({
        productOfferingId: 'mobile-plan-plus',
        pendingProductOffering: { productOfferingId: 'mobile-plan-basic', scheduledAt: c.feb },
      })
      const scheduled = (await timelineOf(t, world, sub.subscriptionId)).filter(
        (i) => i.kind === 'change_product_offering',
      )
      expect(scheduled).toEqual([expect.objectContaining({ state: 'SCHEDULED', at: at(c.feb) })])

      // Not a millisecond early …
      await advanceTo(t, world, justBefore(at(c.feb)))
      expect(await getSubscription(t, world, sub.subscriptionId)).toMatchObject({
        productOfferingId: 'mobile-plan-plus',
        pendingProductOffering: { scheduledAt: c.feb },
      })

      // … and exactly at local midnight of Feb 28/29.
      await advanceTo(t, world, at(c.feb))
      const changed = await getSubscription(t, world, sub.subscriptionId)
      expect(changed).toMatchObject({
        productOfferingId: 'mobile-plan-basic',
        pendingProductOffering: null,
        billingCycle: { anchorDate, currentPeriodStart: at(c.feb), nextRenewalAt: at(c.mar) },
      })
      const done = (await timelineOf(t, world, sub.subscriptionId)).filter((i) => i.kind === 'product_offering_changed')
      expect(done).toEqual([
        expect.objectContaining({
          state: 'DONE',
          at: at(c.feb),
          details: expect.objectContaining({
            from: 'mobile-plan-plus',
            to: 'mobile-plan-basic',
            direction: 'DOWNGRADE',
          }),
        }),
      ])
      const updated = (await eventsAbout(t, world.tenant, sub.subscriptionId))
        .filter((e) => e.type === 'subscription.updated')
        .at(-1)
      expect(updated).toMatchObject({
        occurredAt: at(c.feb),
        data: { productOfferingId: 'mobile-plan-basic', pendingProductOffering: null },
      })

      // Back on the anchor day in March, then clamped again in April.
      await advanceTo(t, world, justBefore(at(c.mar)))
      expect((await getSubscription(t, world, sub.subscriptionId)).billingCycle).toMatchObject({
        currentPeriodStart: at(c.feb),
        nextRenewalAt: at(c.mar),
      })
      await advanceTo(t, world, at(c.mar))
      expect((await getSubscription(t, world, sub.subscriptionId)).billingCycle).toEqual({
        anchorDate,
        currentPeriodStart: at(c.mar),
        nextRenewalAt: at(c.apr),
      })
    },
  )

  it('a downgrade asked for on the renewal day itself waits for the following renewal (anchor 31, leap year)', async () => {
    const world = await subscriptionWorld(t)
    const sub = await makeSubscription(t, world, {
      productOfferingId: 'mobile-plan-max',
      scheduleActivationAt: '2024-01-31',
    })
    await advanceTo(t, world, '2024-02-29T00:00:00Z')
    const options = (
      await t.request(world.tenant, {
        method: 'GET',
        url: `/subscriptions/${sub.subscriptionId}/product-offering-options`,
      })
    ).json().items as Record<string, unknown>[]
    expect(options.map((o) => [o.productOfferingId, o.changeSchedule, o.changeScheduleDate])).toEqual(
      expect.arrayContaining([
        ['mobile-plan-basic', 'NEXT_RENEWAL', '2024-03-31'],
        ['mobile-plan-plus', 'NEXT_RENEWAL', '2024-03-31'],
      ]),
    )
    const down = await act(t, world, sub.subscriptionId, 'PUT', 'product-offering-change', {
      productOfferingId: 'mobile-plan-plus',
    })
    expect(down.pendingProductOffering).toMatchObject({
      productOfferingId: 'mobile-plan-plus',
      scheduledAt: '2024-03-31',
    })
    await advanceTo(t, world, '2024-03-31T00:00:00Z')
    expect(await getSubscription(t, world, sub.subscriptionId)).toMatchObject({
      productOfferingId: 'mobile-plan-plus',
      billingCycle: { nextRenewalAt: '2024-04-30T00:00:00.000Z' },
    })
  })
})
