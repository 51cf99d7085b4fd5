import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { World } from '../../helpers/subscriptions.js'
import { advanceTo, makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { V2_AUDIENCE, V2_SECRET, addOnsUrl, orgBearer, v2 } from '../../helpers/v2.js'

/**
 * One add-on domain, two APIs: an add-on added through either is listed, read and ended through
 * the other, with the status mapping of docs/compatibility.md ("V2 add-ons API").
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ v2: { jwtSecret: V2_SECRET } }) // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

async function setup(): Promise<{ world: World; org: string; sub: string; auth: { headers: Record<string, string> } }> {
  const world = await subscriptionWorld(t)
  const sub = (await makeSubscription(t, world)).subscriptionId as string
  const org = world.tenant.tenant.name
  return { world, org, sub, auth: await orgBearer(t, org) }
}

const connect = (world: World, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  t.request(world.tenant, { method, url, ...(payload && { payload }) })

describe('Connect API → V2 API', () => {
  it('lists and reads a Connect add-on in V2 terms (PENDING is REQUESTED), and deactivates it through V2', async () => {
    const { world, org, sub, auth } = await setup()
    const now = (
      await connect(world, 'POST', `/subscriptions/${sub}/addons`, {
        productOfferingId: 'addon-data-5gb',
        referenceId: 'telna-package-1',
      })
    ).json()
    const later = (
      await connect(world, 'POST', `/subscriptions/${sub}/addons`, {
        productOfferingId: 'addon-data-1gb',
        scheduledAt: '2025-02-01',
      })
    ).json()
    const list = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub) })).body
    expect(list).toMatchObject({ offset: 0, limit: 100, total: 2 })
    expect(list.items).toEqual([
      expect.objectContaining({
        id: now.subscriptionAddonId,
        status: 'ACTIVE',
        catalogue_add_on_id: 'addon-data-5gb',
        creation_system: 'test',
        creation_user: 'N/A',
        activation_date: now.activatedAt,
      }),
      expect.objectContaining({
        id: later.subscriptionAddonId,
        status: 'REQUESTED',
        catalogue_add_on_id: 'addon-data-1gb',
        activation_date: '2025-02-01T00:00:00.000Z',
      }),
    ])
    expect(
      (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${now.subscriptionAddonId}`) })).body,
    ).toEqual(list.items[0])

    expect(
      (
        await v2(t, auth, {
          method: 'POST',
          url: addOnsUrl(org, sub, `/${now.subscriptionAddonId}/deactivate`),
          payload: { reason: 'SUBSCRIBER_RESIGNATION' },
        })
      ).status,
    ).toBe(202)
    expect(
      (
        await v2(t, auth, {
          method: 'POST',
          url: addOnsUrl(org, sub, `/${later.subscriptionAddonId}/deactivate`),
          payload: { reason: 'SUBSCRIBER_RESIGNATION' },
        })
      ).status,
    ).toBe(202)
    await t.worker.drain()
    const ended = (await connect(world, 'GET', `/subscriptions/${sub}/addons?status=CANCELLED`)).json().items
    expect(ended).toEqual([
      expect.objectContaining({
        subscriptionAddonId: now.subscriptionAddonId,
        status: 'CANCELLED',
        cancelledAt: '2025-01-15T10:00:00.000Z',
        activatedAt: now.activatedAt,
      }),
      expect.objectContaining({
        subscriptionAddonId: later.subscriptionAddonId,
        status: 'CANCELLED',
        activatedAt: null,
      }),
    ])
    const v2Ended = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub) })).body.items
    expect(v2Ended.map((a: { status: string }) => a.status)).toEqual(['DEACTIVATED', 'CANCELLED'])
  })

  it('shows an expired pass as DEACTIVATED at its expiry, with no one behind it', async () => {
    const { world, org, sub, auth } = await setup()
    const pass = (
      await connect(world, 'POST', `/subscriptions/${sub}/addons`, { productOfferingId: 'addon-roaming-eu-7d' })
    ).json()
    const active = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${pass.subscriptionAddonId}`) })).body
    // Its expiry is its coming deactivation.
    expect(active).toMatchObject({
      status: 'ACTIVE',
      deactivation_date: '2025-01-22T00:00:00.000Z',
      deactivation_system: 'N/A',
      deactivation_user: 'N/A',
    })
    await advanceTo(t, world, '2025-01-22T00:00:00Z')
    const expired = (await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${pass.subscriptionAddonId}`) }))
      .body
    expect(expired).toMatchObject({
      status: 'DEACTIVATED',
      deactivation_date: '2025-01-22T00:00:00.000Z',
      deactivation_system: 'N/A',
      deactivation_user: 'N/A',
    })
  })
})

describe('V2 API → Connect API', () => {
  it('lists and reads a V2 add-on in Connect terms, and a Connect cancel deactivates it for V2 with the key as the system', async () => {
    const { world, org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-5gb', legacy_id: 1 },
      })
    ).body
    const requested = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-1gb', activation_date: '2025-03-01' },
      })
    ).body
    const items = (await connect(world, 'GET', `/subscriptions/${sub}/addons`)).json().items
    expect(items).toEqual([
      expect.objectContaining({
        subscriptionAddonId: added.id,
        status: 'ACTIVE',
        productOfferingId: 'addon-data-5gb',
        activatedAt: added.activation_date,
        metadata: {},
      }),
      expect.objectContaining({
        subscriptionAddonId: requested.id,
        status: 'PENDING',
        pendingStatus: { status: 'ACTIVE', scheduledAt: '2025-03-01' },
      }),
    ])
    expect((await connect(world, 'GET', `/subscriptions/${sub}/addons/${added.id}`)).json()).toEqual(items[0])

    const cancel = await connect(world, 'POST', `/subscriptions/${sub}/addons/cancel`, {
      subscriptionAddonId: added.id,
      scheduledAt: '2025-02-01',
      reason: 'No longer needed',
    })
    expect(cancel.statusCode, cancel.body).toBe(200)
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body).toMatchObject({
      status: 'ACTIVE',
      deactivation_date: '2025-02-01T00:00:00.000Z',
      deactivation_system: 'test',
      deactivation_user: 'N/A',
    })
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body).toMatchObject({
      status: 'DEACTIVATED',
      creation_system: V2_AUDIENCE,
      deactivation_date: '2025-02-01T00:00:00.000Z',
      deactivation_system: 'test',
      deactivation_user: 'N/A',
    })
    // A Connect cancel of the PENDING one withdraws it: CANCELLED in V2.
    expect(
      (await connect(world, 'POST', `/subscriptions/${sub}/addons/cancel`, { subscriptionAddonId: requested.id }))
        .statusCode,
    ).toBe(200)
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${requested.id}`) })).body).toMatchObject({
      status: 'CANCELLED',
      activation_date: null,
    })
  })

  it('ends V2 add-ons with their subscription, as the one who cancelled the subscription', async () => {
    const { world, org, sub, auth } = await setup()
    const added = (
      await v2(t, auth, {
        method: 'POST',
        url: addOnsUrl(org, sub),
        payload: { catalogue_add_on_id: 'addon-data-5gb' },
      })
    ).body
    const res = await connect(world, 'POST', `/subscriptions/${sub}/cancel`, {
      schedule: { type: 'CancelNow' },
      reason: 'NO_NEED',
    })
    expect(res.statusCode, res.body).toBe(200)
    expect((await v2(t, auth, { method: 'GET', url: addOnsUrl(org, sub, `/${added.id}`) })).body).toMatchObject({
      status: 'DEACTIVATED',
      deactivation_system: 'test',
      deactivation_user: 'N/A',
    })
  })
})
