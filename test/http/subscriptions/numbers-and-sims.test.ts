import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lease, poolOf, stockInventory } from '../../helpers/inventory.js'
import type { World } from '../../helpers/subscriptions.js'
import { act, lineNumber, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const create = (world: World, body: Record<string, unknown>) =>
  t.request(world.tenant, {
    method: 'POST',
    url: '/subscriptions',
    payload: {
      productOfferingId: 'mobile-plan-plus',
      customerId: world.customer.customerId,
      subscriber: { name: 'Sam' },
      ...body,
    },
  })

const simOf = async (world: World, iccid: string) =>
  (await t.request(world.tenant, { method: 'GET', url: `/inventory/sims/${iccid}` })).json()

const countLines = async (world: World) =>
  (
    await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
  ).json().items.length as number

/** POST /subscriptions obeys the inventory as an order's line does: nothing is taken twice. */
describe('direct creation: numbers and SIMs', () => {
  it('takes a number of the pool only with its lease, and assigns it', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const leased = await lease(t, world.tenant, ['CELL'], 1)
    const msisdn = leased.numbers[0].msisdn as string
    const bare = await create(world, { msisdn })
    expect(bare.statusCode, bare.body).toBe(422)
    expect(bare.json()).toMatchObject({ code: 'inventory.lease_required', errors: [{ path: '/body/leaseToken' }] })
    const wrong = await create(world, { msisdn, leaseToken: 'lease_not-a-real-one' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().errors).toEqual([expect.objectContaining({ path: '/body/leaseToken' })])
    expect(await countLines(world)).toBe(0)
    expect((await poolOf(t, world.tenant)).get(msisdn)?.status).toBe('LEASED')

    const made = await create(world, { msisdn, leaseToken: leased.leaseToken })
    expect(made.statusCode, made.body).toBe(201)
    expect((await poolOf(t, world.tenant)).get(msisdn)).toMatchObject({
      status: 'ASSIGNED',
      subscriptionId: made.json().subscriptionId,
    })
    // An AVAILABLE pool number is no different: it is leased first.
    const available = [...(await poolOf(t, world.tenant)).values()].find((n) => n.status === 'AVAILABLE')
      ?.msisdn as string
    expect((await create(world, { msisdn: available })).json().code).toBe('inventory.lease_required')
  })

  it('refuses a number a line that has not ended has, and a lease token without its number', async () => {
    const world = await subscriptionWorld(t)
    const msisdn = lineNumber()
    const first = await makeSubscription(t, world, { msisdn })
    const again = await create(world, { msisdn })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'subscription.msisdn_in_use', msisdn })
    expect(await countLines(world)).toBe(1)
    const tokenAlone = await create(world, { leaseToken: 'lease_x' })
    expect(tokenAlone.statusCode).toBe(400)
    expect(tokenAlone.json().errors).toEqual([{ path: '/body/leaseToken', message: 'only with msisdn' }])
    // Once the first line has ended, the number may be used again.
    await act(t, world, first.subscriptionId, 'POST', 'cancel', { schedule: { type: 'CancelNow' }, reason: 'NO_NEED' })
    expect((await create(world, { msisdn })).statusCode).toBe(201)
  })

  it('takes an inventory SIM only when AVAILABLE and of the kind asked for, and puts it IN_USE', async () => {
    const world = await subscriptionWorld(t)
    const { iccids } = await stockInventory(t, world.tenant)
    const [esim, physical] = [iccids[0] as string, iccids[3] as string]
    const mismatch = await create(world, { msisdn: lineNumber(), sim: { esim: false, iccid: esim } })
    expect(mismatch.statusCode).toBe(422)
    expect(mismatch.json()).toMatchObject({
      code: 'inventory.sim_type_mismatch',
      errors: [{ path: '/body/sim/iccid' }],
    })
    expect(await simOf(world, esim)).toMatchObject({ status: 'AVAILABLE', subscriptionId: null })

    const made = (await create(world, { msisdn: lineNumber(), sim: { esim: true, iccid: esim } })).json()
    expect(await simOf(world, esim)).toMatchObject({ status: 'IN_USE', subscriptionId: made.subscriptionId })
    const taken = await create(world, { msisdn: lineNumber(), sim: { esim: true, iccid: esim } })
    expect(taken.statusCode).toBe(422)
    expect(taken.json().code).toBe('inventory.sim_unavailable')
    expect((await create(world, { msisdn: lineNumber(), sim: { esim: false, iccid: physical } })).statusCode).toBe(201)
    expect(await countLines(world)).toBe(2)
  })
})
