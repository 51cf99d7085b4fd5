import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventsAbout } from '../../helpers/parties.js'
import type { ProviderCall } from '../../helpers/provisioning.js'
import { addAddon, advanceBy, getAddon, providerWorld, recordProviderCalls } from '../../helpers/provisioning.js'
import { advanceTo } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/** Deprovisioning: when an add-on ends (cancel, expiry, the subscription) or changes offering. */
let t: TestApp
let calls: ProviderCall[]
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  calls = recordProviderCalls(t)
})
afterAll(() => t.close())

const packageOf = (addonId: string) => `sim-pkg-${addonId.replaceAll('-', '').slice(-12)}`
const callsFor = (id: string) =>
  calls
    .filter((c) => c.subscriptionAddonId === id)
    .map((c) => `${c.call}:${c.request?.productOfferingId}:${c.request?.attempt}`)
const cancel = (world: Awaited<ReturnType<typeof providerWorld>>, payload: Record<string, unknown>) =>
  t.request(world.tenant, {
    method: 'POST',
    url: `/subscriptions/${world.subscription.subscriptionId}/addons/cancel`,
    payload,
  })

describe('deprovisioning add-ons', () => {
  it('deprovisions a cancelled add-on, retrying a failing provider visibly', async () => {
    const world = await providerWorld(t, { failFirst: 2 })
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    await advanceBy(t, world, 'PT1M')
    expect((await getAddon(t, world, id)).status).toBe('ACTIVE')

    expect((await cancel(world, { subscriptionAddonId: id })).statusCode).toBe(200)
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      provisioning: { state: 'PENDING', operation: 'DEPROVISION', attempts: 0, providerPackageId: packageOf(id) },
    })
    await advanceBy(t, world, 'PT1S')
    expect((await getAddon(t, world, id)).provisioning).toMatchObject({
      state: 'PENDING',
      operation: 'DEPROVISION',
      attempts: 1,
      lastError: 'Simulated deprovision failure 1 of 2 (failFirst).',
    })
    await advanceBy(t, world, 'PT1M')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      referenceId: packageOf(id),
      provisioning: { state: 'DEPROVISIONED', operation: 'DEPROVISION', attempts: 3, lastError: null },
    })

    expect(callsFor(id)).toEqual([
      'provision:addon-data-5gb:1',
      'provision:addon-data-5gb:2',
      'provision:addon-data-5gb:3',
      'deprovision:addon-data-5gb:1',
      'deprovision:addon-data-5gb:2',
      'deprovision:addon-data-5gb:3',
    ])
    const deprovision = calls.find((c) => c.subscriptionAddonId === id && c.call === 'deprovision')?.request
    expect(deprovision).toMatchObject({
      tenantId: world.tenant.tenant.id,
      subscriptionId: world.subscription.subscriptionId,
      msisdn: world.subscription.msisdn,
      providerPackageId: packageOf(id),
    })
    const types = (await eventsAbout(t, world.tenant, id)).map((e) => e.type)
    expect(types).toEqual([
      'subscription.addon.added',
      'subscription.addon.activated',
      'subscription.addon.cancelled',
      'subscription.addon.deprovisioned',
    ])
  })

  it('marks a deprovision that fails for good FAILED, and an operator retries it', async () => {
    const world = await providerWorld(t, { failureRate: 1 })
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { networkProvider: { type: 'simulated' } } },
    })
    await advanceBy(t, world, 'PT1S') // the tenant's provider recovered: provisioned
    await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { networkProvider: { type: 'simulated', failureRate: 1 } } },
    })
    await cancel(world, { subscriptionAddonId: id })
    await advanceBy(t, world, 'PT5M')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      provisioning: { state: 'FAILED', operation: 'DEPROVISION', attempts: 6 },
    })
    expect((await eventsAbout(t, world.tenant, id)).map((e) => e.type).at(-1)).toBe(
      'subscription.addon.provisioning_failed',
    )

    await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { networkProvider: { type: 'simulated' } } },
    })
    const retried = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/${id}/provisioning/retry`,
    })
    expect(retried.statusCode, retried.body).toBe(200)
    expect(retried.json().provisioning).toMatchObject({ state: 'PENDING', operation: 'DEPROVISION', attempts: 0 })
    await advanceBy(t, world, 'PT1S')
    expect((await getAddon(t, world, id)).provisioning).toMatchObject({ state: 'DEPROVISIONED', attempts: 1 })
  })

  it('deprovisions an add-on that expires, and those of a subscription that ends', async () => {
    const world = await providerWorld(t)
    const pass = (await addAddon(t, world, { productOfferingId: 'addon-roaming-eu-7d' })).subscriptionAddonId
    const data = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    await advanceBy(t, world, 'PT1S')
    await advanceTo(t, world, '2025-01-22T00:00:01Z')
    expect(await getAddon(t, world, pass)).toMatchObject({
      status: 'EXPIRED',
      provisioning: { state: 'DEPROVISIONED' },
    })
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/cancel`,
      payload: { schedule: 'CancelNow', reason: 'NO_NEED' },
    })
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, data)).toMatchObject({
      status: 'CANCELLED',
      provisioning: { state: 'DEPROVISIONED' },
    })
  })

  it('on an offering change, deprovisions the old package, then provisions the new one', async () => {
    const world = await providerWorld(t)
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-1gb' })).subscriptionAddonId
    await advanceBy(t, world, 'PT1S')
    const up = await t.request(world.tenant, {
      method: 'PUT',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/product-offering-change`,
      payload: { productOfferingId: 'addon-data-10gb' },
    })
    expect(up.statusCode, up.body).toBe(200)
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      productOfferingId: 'addon-data-10gb',
      provisioning: { state: 'PENDING', operation: 'DEPROVISION' },
    })
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      productOfferingId: 'addon-data-10gb',
      referenceId: packageOf(id),
      provisioning: { state: 'PROVISIONED', operation: 'PROVISION', attempts: 1 },
    })
    expect(callsFor(id)).toEqual([
      'provision:addon-data-1gb:1',
      'deprovision:addon-data-1gb:1',
      'provision:addon-data-10gb:1',
    ])
  })

  it('does not activate an add-on cancelled while the provider was working; it takes the package back', async () => {
    const world = await providerWorld(t, { latencyMs: 30_000 })
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    await advanceBy(t, world, 'PT1S')
    expect((await getAddon(t, world, id)).provisioning).toMatchObject({
      state: 'PENDING',
      operation: 'PROVISION',
      attempts: 1,
    })
    await cancel(world, { subscriptionAddonId: id })
    await advanceBy(t, world, 'PT1M')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      activatedAt: null,
      provisioning: { state: 'DEPROVISIONED', operation: 'DEPROVISION' },
    })
    expect(callsFor(id)).toEqual(['provision:addon-data-5gb:1', 'deprovision:addon-data-5gb:1'])
    expect((await eventsAbout(t, world.tenant, id)).map((e) => e.type)).not.toContain('subscription.addon.activated')
  })
})
