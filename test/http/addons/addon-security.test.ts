import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { World } from '../../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Who may call the add-on routes: 401 without a valid key, 404 for another tenant's subscription or
 * add-on (in the path, the query or the body), none of them writing anything; and each write (add,
 * change, cancel) replayed byte for byte under its idempotency key, with one effect.
 */
let t: TestApp
let world: World
let stranger: World
let sub: Json
let addon: Json
let theirAddon: Json

const addonsUrl = (subscriptionId: string, rest = '') => `/subscriptions/${subscriptionId}/addons${rest}`

async function add(owner: World, subscriptionId: string, payload: Record<string, unknown>): Promise<Json> {
  const res = await t.request(owner.tenant, { method: 'POST', url: addonsUrl(subscriptionId), payload })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

beforeAll(async () => {
  t = await createTestApp()
  world = await subscriptionWorld(t)
  stranger = await subscriptionWorld(t)
  sub = await makeSubscription(t, world, { referenceId: 'addon-security-sub' })
  addon = await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-1gb', referenceId: 'sec-addon' })
  const theirSub = await makeSubscription(t, stranger)
  theirAddon = await add(stranger, theirSub.subscriptionId, { productOfferingId: 'addon-data-1gb' })
})
afterAll(() => t.close())

/** The six add-on routes (and the single add-on read) about one subscription, each with a body its owner could send. */
const routes = (subscriptionId: string, addonId: string): InjectOptions[] => [
  { method: 'GET', url: addonsUrl(subscriptionId) },
  { method: 'POST', url: addonsUrl(subscriptionId), payload: { productOfferingId: 'addon-data-5gb' } },
  { method: 'GET', url: `/subscriptions/${subscriptionId}/addon-options` },
  { method: 'GET', url: addonsUrl(subscriptionId, `/product-offering-options?subscriptionAddonId=${addonId}`) },
  {
    method: 'PUT',
    url: addonsUrl(subscriptionId, '/product-offering-change'),
    payload: { subscriptionAddonId: addonId, productOfferingId: 'addon-data-10gb' },
  },
  { method: 'POST', url: addonsUrl(subscriptionId, '/cancel'), payload: { subscriptionAddonId: addonId } },
  { method: 'GET', url: addonsUrl(subscriptionId, `/${addonId}`) },
]

/** What a stray write could have touched, in both tenants. */
async function state() {
  const list = (owner: World, id: string) =>
    t.request(owner.tenant, { method: 'GET', url: addonsUrl(id, '?status=ACTIVE&status=PENDING&status=CANCELLED') })
  return {
    mine: (await list(world, sub.subscriptionId)).json(),
    theirs: (await list(stranger, theirAddon.subscriptionId)).json(),
    events: await eventsAbout(t, world.tenant, sub.subscriptionId),
    addonEvents: await eventsAbout(t, world.tenant, addon.subscriptionAddonId),
    theirEvents: await eventsAbout(t, stranger.tenant, theirAddon.subscriptionAddonId),
  }
}

describe('add-on route security', () => {
  it('answers 401 to every add-on route without a key or with an unknown one, and writes nothing', async () => {
    const before = await state()
    for (const route of routes(sub.subscriptionId, addon.subscriptionAddonId)) await expectUnauthenticated(t, route)
    expect(await state()).toEqual(before)
  })

  it('answers 404 subscription.not_found to another tenant, by UUID and by rid_, and writes nothing', async () => {
    const before = await state()
    for (const id of [sub.subscriptionId, `rid_${sub.referenceId}`]) {
      for (const route of routes(id, addon.subscriptionAddonId))
        await expectHiddenFrom(t, stranger.tenant, route, 'subscription.not_found')
    }
    expect(await state()).toEqual(before)
  })

  it('does not reach another tenant’s add-on through its own subscription, and writes nothing', async () => {
    const before = await state()
    const [, , , options, change, cancel, read] = routes(sub.subscriptionId, theirAddon.subscriptionAddonId)
    await expectHiddenFrom(t, world.tenant, read as InjectOptions, 'subscription_addon.not_found')
    for (const route of [options, change, cancel] as InjectOptions[]) {
      const res = await t.request(world.tenant, route)
      expect([404, 422], `${route.method} ${route.url}: ${res.body}`).toContain(res.statusCode)
      expect(res.json().code).toMatch(/not_found$/)
      expect(res.body).not.toContain(theirAddon.subscriptionId)
    }
    expect(await state()).toEqual(before)
  })

  it('replays an add byte for byte under its idempotency key, adding one add-on', async () => {
    const before = (await state()).mine.items.length
    const { first, status } = await expectReplay(t, world.tenant, {
      method: 'POST',
      url: addonsUrl(sub.subscriptionId),
      payload: { productOfferingId: 'addon-roaming-eu-7d' },
    })
    expect(status).toBe(201)
    const after = (await state()).mine.items
    expect(after).toHaveLength(before + 1)
    expect(after.filter((a: Json) => a.subscriptionAddonId === first.subscriptionAddonId)).toHaveLength(1)
  })

  it('replays a change and a cancel byte for byte, each acting once', async () => {
    const target = await add(world, sub.subscriptionId, { productOfferingId: 'addon-data-5gb' })
    const changed = await expectReplay(t, world.tenant, {
      method: 'PUT',
      url: addonsUrl(sub.subscriptionId, '/product-offering-change'),
      payload: { subscriptionAddonId: target.subscriptionAddonId, productOfferingId: 'addon-data-10gb' },
    })
    expect(changed.status, JSON.stringify(changed.first)).toBe(200)
    const changes = (await eventsAbout(t, world.tenant, target.subscriptionAddonId)).filter(
      (e) => e.type === 'subscription.addon.changed',
    )
    expect(changes).toHaveLength(1)

    const cancelled = await expectReplay(t, world.tenant, {
      method: 'POST',
      url: addonsUrl(sub.subscriptionId, '/cancel'),
      payload: { subscriptionAddonId: target.subscriptionAddonId },
    })
    expect(cancelled.status, JSON.stringify(cancelled.first)).toBe(200)
    const types = (await eventsAbout(t, world.tenant, target.subscriptionAddonId)).map((e) => e.type)
    expect(types.filter((type) => type === 'subscription.addon.cancelled')).toHaveLength(1)
  })
})
