import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorOf, importNumbers, inTransaction, lease, msisdns, poolOf } from '../../helpers/inventory.js'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // the fake clock starts at 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

/** A world with `count` CELL numbers in the pool. */
async function withPool(
  count: number,
  settings?: Record<string, unknown>,
): Promise<{ world: World; numbers: string[] }> {
  const world = await subscriptionWorld(t)
  if (settings)
    await t.services.uow.write(undefined, (tx) => t.services.tenants.update(tx, world.tenant.tenant.id, { settings }))
  const numbers = msisdns(count)
  await importNumbers(
    t,
    world.tenant,
    numbers.map((msisdn, grade) => ({ msisdn, type: 'CELL', grade })),
  )
  return { world, numbers }
}

const pool = () => t.services.numberPool

describe("the number pool inside the orders area's transaction", () => {
  it("checks a leased number against its token: wrong token, another lease's number, an expired lease", async () => {
    const { world, numbers } = await withPool(3)
    const [a, b, c] = numbers as [string, string, string]
    const mine = await lease(t, world.tenant, ['CELL'], 1)
    const theirs = await lease(t, world.tenant, ['CELL'], 1)
    expect(mine.numbers[0].msisdn).toBe(a)
    await inTransaction(t, world.tenant, (tx, ctx) => pool().assertLeased(tx, ctx, a, mine.leaseToken))

    const wrong = await errorOf(
      inTransaction(t, world.tenant, (tx, ctx) => pool().assertLeased(tx, ctx, a, 'lease_nope', '/body/lineItems/0')),
    )
    expect(wrong).toMatchObject({
      code: 'inventory.lease_invalid',
      fieldErrors: [{ path: '/body/lineItems/0/leaseToken' }],
    })
    const other = await errorOf(
      inTransaction(t, world.tenant, (tx, ctx) =>
        pool().assertLeased(tx, ctx, b, mine.leaseToken, '/body/lineItems/0'),
      ),
    )
    expect(other).toMatchObject({
      code: 'inventory.number_not_in_lease',
      fieldErrors: [{ path: '/body/lineItems/0/msisdn' }],
    })
    expect(
      await errorOf(inTransaction(t, world.tenant, (tx, ctx) => pool().assertLeased(tx, ctx, c, theirs.leaseToken))),
    ).toMatchObject({ code: 'inventory.number_not_in_lease' })
    expect(
      await errorOf(
        inTransaction(t, world.tenant, (tx, ctx) => pool().assertLeased(tx, ctx, '+19999999999', mine.leaseToken)),
      ),
    ).toMatchObject({ code: 'inventory.number_not_in_lease' })

    // Another tenant's token is no token at all.
    const stranger = await withPool(1)
    const foreign = await lease(t, stranger.world.tenant, ['CELL'], 1)
    expect(
      await errorOf(inTransaction(t, world.tenant, (tx, ctx) => pool().assertLeased(tx, ctx, a, foreign.leaseToken))),
    ).toMatchObject({ code: 'inventory.lease_invalid' })

    // One second before the hour the lease still holds; at the hour it has expired, even before the release job ran.
    t.clock.advance(60 * 60 * 1000 - 1000)
    await inTransaction(t, world.tenant, (tx, ctx) => pool().assertLeased(tx, ctx, a, mine.leaseToken))
    t.clock.advance(1000)
    const expired = await errorOf(
      inTransaction(t, world.tenant, (tx, ctx) =>
        pool().assertLeased(tx, ctx, a, mine.leaseToken, '/body/lineItems/0'),
      ),
    )
    expect(expired).toMatchObject({
      code: 'inventory.lease_expired',
      details: { expiresAt: '2025-01-15T11:00:00.000Z' },
      fieldErrors: [{ path: '/body/lineItems/0/leaseToken' }],
    })
    t.clock.set('2025-01-15T10:00:00Z')
  })

  it('assigns a leased number to a subscription, which ends its lease for that number', async () => {
    const { world, numbers } = await withPool(2)
    const leased = await lease(t, world.tenant, ['CELL'], 2)
    const sub = await makeSubscription(t, world) // the number comes from the pool below, as fulfilment assigns it
    await inTransaction(t, world.tenant, (tx, ctx) =>
      pool().assignLeased(tx, ctx, {
        msisdn: numbers[0] as string,
        leaseToken: leased.leaseToken,
        subscriptionId: sub.subscriptionId,
      }),
    )
    const after = await poolOf(t, world.tenant)
    expect(after.get(numbers[0] as string)).toMatchObject({
      status: 'ASSIGNED',
      subscriptionId: sub.subscriptionId,
      leasedAt: null,
      expiresAt: null,
    })
    expect(after.get(numbers[1] as string)).toMatchObject({ status: 'LEASED' })
    // Assigned: no longer in the lease, so it cannot be assigned twice.
    const again = await errorOf(
      inTransaction(t, world.tenant, (tx, ctx) =>
        pool().assignLeased(tx, ctx, {
          msisdn: numbers[0] as string,
          leaseToken: leased.leaseToken,
          subscriptionId: sub.subscriptionId,
        }),
      ),
    )
    expect(again).toMatchObject({ code: 'inventory.number_not_in_lease' })
    // The lease's expiry releases only the number still leased.
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    const expired = await poolOf(t, world.tenant)
    expect([expired.get(numbers[0] as string)?.status, expired.get(numbers[1] as string)?.status]).toEqual([
      'ASSIGNED',
      'AVAILABLE',
    ])
    const late = await errorOf(
      inTransaction(t, world.tenant, (tx, ctx) =>
        pool().assignLeased(tx, ctx, {
          msisdn: numbers[1] as string,
          leaseToken: leased.leaseToken,
          subscriptionId: sub.subscriptionId,
        }),
      ),
    )
    expect(late).toMatchObject({ code: 'inventory.lease_expired' })
  })

  it('assigns the lowest-grade free number of a type from the pool, and says when there is none', async () => {
    const { world, numbers } = await withPool(2)
    const sub = await makeSubscription(t, world)
    await lease(t, world.tenant, ['CELL'], 1) // takes grade 0
    const picked = await inTransaction(t, world.tenant, (tx, ctx) =>
      pool().assignFromPool(tx, ctx, { type: 'CELL', subscriptionId: sub.subscriptionId }),
    )
    expect(picked).toBe(numbers[1])
    expect((await poolOf(t, world.tenant)).get(picked)).toMatchObject({
      status: 'ASSIGNED',
      subscriptionId: sub.subscriptionId,
    })
    const none = await errorOf(
      inTransaction(t, world.tenant, (tx, ctx) =>
        pool().assignFromPool(tx, ctx, { type: 'CELL', subscriptionId: sub.subscriptionId }),
      ),
    )
    expect(none).toMatchObject({
      code: 'inventory.numbers_unavailable',
      details: { types: ['CELL'], requested: 1, available: 0 },
    })
    expect(await pool().isPoolNumber(t.services.db, world.tenant.tenant.id, picked)).toBe(true)
    expect(await pool().isPoolNumber(t.services.db, world.tenant.tenant.id, '+19999999999')).toBe(false)
  })

  it("quarantines a released number for the tenant's days, then offers it again; numbers not in the pool are ignored", async () => {
    const { world, numbers } = await withPool(1, { numberQuarantineDays: 30 })
    const sub = await makeSubscription(t, world)
    const msisdn = await inTransaction(t, world.tenant, (tx, ctx) =>
      pool().assignFromPool(tx, ctx, { type: 'CELL', subscriptionId: sub.subscriptionId }),
    )
    const now = (await t.request(world.tenant, { method: 'GET', url: '/test-clock' })).json().now as string
    await inTransaction(t, world.tenant, async (tx, ctx) => {
      await pool().releaseNumber(tx, ctx, msisdn)
      await pool().releaseNumber(tx, ctx, '+19999999999')
    })
    const back = new Date(new Date(now).getTime() + 30 * 86_400_000).toISOString()
    expect((await poolOf(t, world.tenant)).get(numbers[0] as string)).toMatchObject({
      status: 'QUARANTINED',
      availableAt: back,
      subscriptionId: null,
    })
    await advanceTo(t, world, new Date(new Date(back).getTime() - 1000).toISOString())
    expect(
      (
        await t.request(world.tenant, {
          method: 'POST',
          url: '/inventory/lease-numbers',
          payload: { types: ['CELL'], count: 1 },
        })
      ).statusCode,
    ).toBe(422)
    await advanceTo(t, world, back)
    expect((await lease(t, world.tenant, ['CELL'], 1)).numbers).toMatchObject([{ msisdn, availableAt: back }])
  })
})

describe('a subscription that ends', () => {
  it('gives its pool number back into quarantine (90 days by default): not leasable until then, leasable after', async () => {
    const { world, numbers } = await withPool(1)
    const msisdn = numbers[0] as string
    const leased = await lease(t, world.tenant, ['CELL'], 1)
    const sub = await makeSubscription(t, world) // the number comes from the pool below, as fulfilment assigns it
    await inTransaction(t, world.tenant, (tx, ctx) =>
      pool().assignLeased(tx, ctx, { msisdn, leaseToken: leased.leaseToken, subscriptionId: sub.subscriptionId }),
    )
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    const cancel = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelNow' }, reason: 'NO_NEED' },
    })
    expect(cancel.statusCode, cancel.body).toBe(200)
    expect((await poolOf(t, world.tenant)).get(msisdn)).toMatchObject({
      status: 'QUARANTINED',
      subscriptionId: null,
      availableAt: '2025-05-02T00:00:00.000Z',
    })
    const unavailable = await t.request(world.tenant, {
      method: 'POST',
      url: '/inventory/lease-numbers',
      payload: { types: ['CELL'], count: 1 },
    })
    expect(unavailable.json()).toMatchObject({ code: 'inventory.numbers_unavailable', available: 0 })
    await advanceTo(t, world, '2025-05-01T23:59:59Z')
    expect((await poolOf(t, world.tenant)).get(msisdn)?.status).toBe('QUARANTINED')
    await advanceTo(t, world, '2025-05-02T00:00:00Z')
    expect((await lease(t, world.tenant, ['CELL'], 1)).numbers).toMatchObject([{ msisdn }])
  })

  it('ends the quarantine from the instant a scheduled cancel took effect', async () => {
    const { world, numbers } = await withPool(1, { numberQuarantineDays: 10 })
    const sub = await makeSubscription(t, world)
    await inTransaction(t, world.tenant, (tx, ctx) =>
      pool().assignFromPool(tx, ctx, { type: 'CELL', subscriptionId: sub.subscriptionId }),
    )
    const cancel = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${sub.subscriptionId}/cancel`,
      payload: { schedule: { type: 'CancelAtDate', date: '2025-03-01' }, reason: 'NO_NEED' },
    })
    expect(cancel.statusCode, cancel.body).toBe(200)
    expect((await poolOf(t, world.tenant)).get(numbers[0] as string)?.status).toBe('ASSIGNED')
    await advanceTo(t, world, '2025-03-05T00:00:00Z')
    expect((await poolOf(t, world.tenant)).get(numbers[0] as string)).toMatchObject({
      status: 'QUARANTINED',
      availableAt: '2025-03-11T00:00:00.000Z',
    })
  })
})
