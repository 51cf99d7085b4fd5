import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedCatalog } from '../../helpers/catalog.js'
import { expectProblem } from '../../helpers/orders.js'
import { eventsAbout } from '../../helpers/parties.js'
import { simulatedAddon } from '../../helpers/provisioning.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The add-on error codes no other test provokes, each through the HTTP API and each writing nothing:
 * an archived offering, one that does not fit the plan, a taken reference and a cancel naming no add-on.
 */
let t: TestApp
let world: World

/** In the demo's `addon-data` group, so a 1 GB add-on can be changed to them. */
const RETIRED = 'addon-data-retired'
const MAX_ONLY = 'addon-data-max-only'

beforeAll(async () => {
  t = await createTestApp()
  world = await subscriptionWorld(t)
  await seedCatalog(t.services, world.tenant, {
    offerings: [
      { ...simulatedAddon(RETIRED), productOfferingGroupId: 'addon-data', status: 'ARCHIVED' },
      {
        ...simulatedAddon(MAX_ONLY),
        productOfferingGroupId: 'addon-data',
        compatibility: { productOfferingIds: ['mobile-plan-max'] },
      },
    ],
  })
})
afterAll(() => t.close())

const url = (sub: Json, rest = '') => `/subscriptions/${sub.subscriptionId}/addons${rest}`
const add = (sub: Json, payload: Record<string, unknown>) =>
  t.request(world.tenant, { method: 'POST', url: url(sub), payload })
const change = (sub: Json, payload: Record<string, unknown>) =>
  t.request(world.tenant, { method: 'PUT', url: url(sub, '/product-offering-change'), payload })

/** The subscription's add-ons of every status and the events about it and its add-ons. */
async function state(sub: Json) {
  const list = await t.request(world.tenant, {
    method: 'GET',
    url: url(sub, '?status=ACTIVE&status=PENDING&status=CANCELLED'),
  })
  const addons = list.json().items as Json[]
  const events = [sub.subscriptionId, ...addons.map((a) => a.subscriptionAddonId)]
  return { addons, events: await Promise.all(events.map((id) => eventsAbout(t, world.tenant, id))) }
}

/** A plus-plan subscription holding the demo's 1 GB add-on. */
async function withAddon(): Promise<{ sub: Json; addon: Json }> {
  const sub = await makeSubscription(t, world)
  const res = await add(sub, { productOfferingId: 'addon-data-1gb' })
  expect(res.statusCode, res.body).toBe(201)
  return { sub, addon: res.json() }
}

describe('add-on error codes', () => {
  it('addon.offering_archived: an archived offering can be neither added nor changed to, and nothing is written', async () => {
    const { sub, addon } = await withAddon()
    const before = await state(sub)
    const added = expectProblem(await add(sub, { productOfferingId: RETIRED }), 422, 'addon.offering_archived')
    expect(added).toMatchObject({ productOfferingId: RETIRED })
    const changed = await change(sub, { subscriptionAddonId: addon.subscriptionAddonId, productOfferingId: RETIRED })
    expectProblem(changed, 422, 'addon.offering_archived')
    expect(await state(sub)).toEqual(before)
  })

  it('addon.incompatible_with_plan: an add-on for another plan can be neither added nor changed to, and nothing is written', async () => {
    const { sub, addon } = await withAddon()
    const before = await state(sub)
    const added = expectProblem(await add(sub, { productOfferingId: MAX_ONLY }), 422, 'addon.incompatible_with_plan')
    expect(added).toMatchObject({ productOfferingId: MAX_ONLY, plan: 'mobile-plan-plus' })
    const changed = await change(sub, { subscriptionAddonId: addon.subscriptionAddonId, productOfferingId: MAX_ONLY })
    expectProblem(changed, 422, 'addon.incompatible_with_plan')
    expect(await state(sub)).toEqual(before)
    // On the plan it names, it fits.
    const max = await makeSubscription(t, world, { productOfferingId: 'mobile-plan-max' })
    expect((await add(max, { productOfferingId: MAX_ONLY })).statusCode).toBe(201)
  })

  it('subscription_addon.reference_taken: a reference another add-on of the tenant has is a 409, and nothing is written', async () => {
    const { sub } = await withAddon()
    const first = await add(sub, { productOfferingId: 'addon-data-5gb', referenceId: 'pkg-taken-1' })
    expect(first.statusCode, first.body).toBe(201)
    const other = await makeSubscription(t, world)
    const before = { sub: await state(sub), other: await state(other) }
    const res = await add(other, { productOfferingId: 'addon-data-5gb', referenceId: 'pkg-taken-1' })
    expect(expectProblem(res, 409, 'subscription_addon.reference_taken')).toMatchObject({ referenceId: 'pkg-taken-1' })
    expect({ sub: await state(sub), other: await state(other) }).toEqual(before)
    // References are the tenant's own: another tenant may use the same one.
    const elsewhere = await subscriptionWorld(t)
    const theirs = await makeSubscription(t, elsewhere)
    const mine = await t.request(elsewhere.tenant, {
      method: 'POST',
      url: url(theirs),
      payload: { productOfferingId: 'addon-data-5gb', referenceId: 'pkg-taken-1' },
    })
    expect(mine.statusCode, mine.body).toBe(201)
  })

  it('addon.not_named: a cancel naming neither an add-on nor an offering is a 422 on the field, and nothing is written', async () => {
    const { sub } = await withAddon()
    const before = await state(sub)
    const res = await t.request(world.tenant, { method: 'POST', url: url(sub, '/cancel'), payload: {} })
    expectProblem(res, 422, 'addon.not_named', '/body/subscriptionAddonId')
    expect(await state(sub)).toEqual(before)
  })
})
