import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../../helpers/factories.js'
import { eventsAbout } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import { addAddon, advanceBy, getAddon, providerWorld, simulatedAddon } from '../../helpers/provisioning.js'
import { advanceTo } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/** Issue 4, part 9: add-ons provisioned through the simulated network provider, driven by the test clock. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const packageOf = (addonId: string) => `sim-pkg-${addonId.replaceAll('-', '').slice(-12)}`
const typesOf = async (world: Awaited<ReturnType<typeof providerWorld>>, id: string) =>
  (await eventsAbout(t, world.tenant, id)).map((e) => e.type)

describe('provisioning an add-on through the simulated provider', () => {
  it('fails twice, then is ACTIVE on the third attempt with the package id as its reference, findable by rid_', async () => {
    const world = await providerWorld(t, { failFirst: 2 })
    const added = await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })
    expect(added).toMatchObject({
      status: 'PENDING',
      activatedAt: null,
      referenceId: null,
      pendingStatus: null,
      provisioning: { state: 'PENDING', operation: 'PROVISION', attempts: 0, lastError: null, providerPackageId: null },
    })
    const id = added.subscriptionAddonId

    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'PENDING',
      provisioning: { state: 'PENDING', attempts: 1, lastError: 'Simulated provision failure 1 of 2 (failFirst).' },
    })
    await advanceBy(t, world, 'PT5S') // the runner's backoff: 5 s, then 10 s
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'PENDING',
      provisioning: { state: 'PENDING', attempts: 2, lastError: 'Simulated provision failure 2 of 2 (failFirst).' },
    })
    await advanceBy(t, world, 'PT10S')

    const active = await getAddon(t, world, id)
    const packageId = packageOf(id)
    expect(active).toMatchObject({
      status: 'ACTIVE',
      activatedAt: '2025-01-15T10:00:15.000Z',
      referenceId: packageId,
      provisioning: {
        state: 'PROVISIONED',
        operation: 'PROVISION',
        attempts: 3,
        lastError: null,
        providerPackageId: packageId,
      },
    })
    expect(await getAddon(t, world, `rid_${packageId}`)).toEqual(active)
    expect(await typesOf(world, id)).toEqual(['subscription.addon.added', 'subscription.addon.activated'])
  })

  it('keeps a reference the client set, and records the package id beside it', async () => {
    const world = await providerWorld(t)
    const added = await addAddon(t, world, { productOfferingId: 'addon-data-5gb', referenceId: 'crm-addon-1' })
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, 'rid_crm-addon-1')).toMatchObject({
      status: 'ACTIVE',
      referenceId: 'crm-addon-1',
      provisioning: { providerPackageId: packageOf(added.subscriptionAddonId) },
    })
  })

  it('fails for good with simulate: fail-always: PENDING with the error and an event; an operator retries once the offering is fixed', async () => {
    const world = await providerWorld(t)
    const id = (await addAddon(t, world, { productOfferingId: 'addon-sim-fail-always' })).subscriptionAddonId
    await advanceBy(t, world, 'PT1M')
    const failed = await getAddon(t, world, id)
    expect(failed).toMatchObject({
      status: 'PENDING',
      provisioning: {
        state: 'FAILED',
        operation: 'PROVISION',
        attempts: 1,
        lastError: expect.stringContaining('fail-always'),
      },
    })
    const events = await eventsAbout(t, world.tenant, id)
    expect(events.map((e) => e.type)).toEqual(['subscription.addon.added', 'subscription.addon.provisioning_failed'])
    expect(events[1]?.data).toMatchObject({ status: 'PENDING', provisioning: { state: 'FAILED' } })
    await advanceBy(t, world, 'PT1H')
    expect((await getAddon(t, world, id)).provisioning.attempts).toBe(1) // permanent: not retried

    const { productOfferingId: _id, ...fixed } = simulatedAddon('addon-sim-fail-always')
    expect(
      (
        await t.request(world.tenant, {
          method: 'PUT',
          url: '/product-offerings/addon-sim-fail-always',
          payload: { ...fixed, metadata: {} },
        })
      ).statusCode,
    ).toBe(200)
    const retried = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/${id}/provisioning/retry`,
    })
    expect(retried.statusCode, retried.body).toBe(200)
    expect(retried.json()).toMatchObject({
      status: 'PENDING',
      provisioning: { state: 'PENDING', operation: 'PROVISION', attempts: 0, lastError: null },
    })
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      referenceId: packageOf(id),
      provisioning: { state: 'PROVISIONED', attempts: 1 },
    })

    const again = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/${id}/provisioning/retry`,
    })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({
      code: 'addon.provisioning_not_failed',
      provisioning: { state: 'PROVISIONED', operation: 'PROVISION' },
    })
  })

  it('gives up after 6 retryable failures (FAILED, visible), and succeeds when retried after the provider recovers', async () => {
    const world = await providerWorld(t, { failureRate: 1 })
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-1gb' })).subscriptionAddonId
    await advanceBy(t, world, 'PT2M')
    expect((await getAddon(t, world, id)).provisioning).toMatchObject({ state: 'PENDING', attempts: 5 }) // 5+10+20+40 s of backoff so far
    await advanceBy(t, world, 'PT1M')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'PENDING',
      provisioning: { state: 'FAILED', attempts: 6, lastError: expect.stringContaining('failureRate 1') },
    })
    expect(await typesOf(world, id)).toEqual(['subscription.addon.added', 'subscription.addon.provisioning_failed'])

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
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      provisioning: { state: 'PROVISIONED', attempts: 1 },
    })
  })

  it('fails once with simulate: fail-once, then succeeds on the retry', async () => {
    const world = await providerWorld(t)
    const id = (await addAddon(t, world, { productOfferingId: 'addon-sim-fail-once' })).subscriptionAddonId
    await advanceBy(t, world, 'PT1S')
    expect((await getAddon(t, world, id)).provisioning).toMatchObject({
      state: 'PENDING',
      attempts: 1,
      lastError: expect.stringContaining('fail-once'),
    })
    await advanceBy(t, world, 'PT5S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      provisioning: { state: 'PROVISIONED', attempts: 2, lastError: null },
    })
  })

  it('stays PENDING while the provider works (latencyMs), ACTIVE once the clock passes it', async () => {
    const world = await providerWorld(t, { latencyMs: 30_000 })
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    await advanceBy(t, world, 'PT29S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'PENDING',
      provisioning: { state: 'PENDING', attempts: 1, lastError: null },
    })
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      activatedAt: '2025-01-15T10:00:30.000Z',
      provisioning: { state: 'PROVISIONED' },
    })
  })

  it('takes at least a minute for an offering with simulate: slow', async () => {
    const world = await providerWorld(t)
    const id = (await addAddon(t, world, { productOfferingId: 'addon-sim-slow' })).subscriptionAddonId
    await advanceBy(t, world, 'PT59S')
    expect((await getAddon(t, world, id)).status).toBe('PENDING')
    await advanceBy(t, world, 'PT2S')
    expect((await getAddon(t, world, id)).status).toBe('ACTIVE')
  })

  it('provisions a scheduled add at its date: PENDING with pendingStatus, then provisioning, then ACTIVE', async () => {
    const world = await providerWorld(t, { latencyMs: 60_000 })
    const added = await addAddon(t, world, { productOfferingId: 'addon-data-5gb', scheduledAt: '2025-02-01' })
    expect(added).toMatchObject({
      status: 'PENDING',
      pendingStatus: { status: 'ACTIVE', scheduledAt: '2025-02-01' },
      provisioning: null,
    })
    await advanceTo(t, world, '2025-02-01T00:00:00Z')
    expect(await getAddon(t, world, added.subscriptionAddonId)).toMatchObject({
      status: 'PENDING',
      pendingStatus: null,
      provisioning: { state: 'PENDING', attempts: 1 },
    })
    await advanceBy(t, world, 'PT1M')
    expect(await getAddon(t, world, added.subscriptionAddonId)).toMatchObject({
      status: 'ACTIVE',
      activatedAt: '2025-02-01T00:01:00.000Z',
      provisioning: { state: 'PROVISIONED' },
    })
    expect(await typesOf(world, added.subscriptionAddonId)).toEqual([
      'subscription.addon.added',
      'subscription.addon.changed',
      'subscription.addon.activated',
    ])
  })

  it('activates at once for a tenant without a provider, or one that removed it', async () => {
    const world = await providerWorld(t, null)
    expect(await addAddon(t, world, { productOfferingId: 'addon-sim-fail-always' })).toMatchObject({
      status: 'ACTIVE',
      provisioning: null,
    })
    const removed = await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { networkProvider: null } },
    })
    expect(removed.json().settings).toEqual({})
    expect(await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).toMatchObject({
      status: 'ACTIVE',
      provisioning: null,
    })
  })

  it('activates a pending add-on at once when the tenant drops its provider before the job runs', async () => {
    const world = await providerWorld(t, { latencyMs: 60_000 })
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    await t.request(world.tenant, { method: 'PATCH', url: '/tenant', payload: { settings: { networkProvider: null } } })
    await advanceBy(t, world, 'PT1S')
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'ACTIVE',
      referenceId: null,
      provisioning: { state: 'PROVISIONED', providerPackageId: null },
    })
  })
})

describe('POST …/addons/{subscriptionAddonId}/provisioning/retry', () => {
  const failedAddon = async () => {
    const world = await providerWorld(t)
    const id = (await addAddon(t, world, { productOfferingId: 'addon-sim-fail-always', referenceId: 'crm-addon-7' }))
      .subscriptionAddonId
    await advanceBy(t, world, 'PT1S')
    return { world, id, url: `/subscriptions/${world.subscription.subscriptionId}/addons/${id}/provisioning/retry` }
  }

  it('replays with an idempotency key, and finds the add-on by rid_ too', async () => {
    const { world, id, url } = await failedAddon()
    const { first, status } = await expectReplay(t, world.tenant, { method: 'POST', url })
    expect(status).toBe(200)
    expect(first).toMatchObject({ subscriptionAddonId: id, provisioning: { state: 'PENDING', attempts: 0 } })
    await advanceBy(t, world, 'PT1S') // fails again: fail-always
    const byRef = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/rid_crm-addon-7/provisioning/retry`,
    })
    expect(byRef.statusCode, byRef.body).toBe(200)
    expect(byRef.json()).toMatchObject({ subscriptionAddonId: id, provisioning: { state: 'PENDING' } })
  })

  it('needs the admin scope (403) and a key (401), and hides other tenants’ add-ons (404)', async () => {
    const { world, id, url } = await failedAddon()
    const writer = await makeApiKey(t.services, world.tenant.tenant, ['read', 'write'])
    const forbidden = await t.request(writer, { method: 'POST', url })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json().code).toBe('auth.missing_scope')
    await expectUnauthenticated(t, { method: 'POST', url })
    await expectHiddenFrom(t, await t.tenant(), { method: 'POST', url }, 'subscription.not_found')
    const unknown = `/subscriptions/${world.subscription.subscriptionId}/addons/0194c1a2-0000-7000-8000-000000000099/provisioning/retry`
    expect((await t.request(world.tenant, { method: 'POST', url: unknown })).json()).toMatchObject({
      status: 404,
      code: 'subscription_addon.not_found',
    })
    const bad = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/nope/provisioning/retry`,
    })
    expect(bad.json()).toMatchObject({ status: 400, code: 'request.invalid_id' })
    expect((await getAddon(t, world, id)).provisioning).toMatchObject({ state: 'FAILED', attempts: 1 })
  })

  it('refuses an add-on of a tenant without a provider (409: nothing failed)', async () => {
    const world = await providerWorld(t, null)
    const id = (await addAddon(t, world, { productOfferingId: 'addon-data-5gb' })).subscriptionAddonId
    const res = await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/${id}/provisioning/retry`,
    })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'addon.provisioning_not_failed', provisioning: null })
  })

  it('refuses to provision an add-on cancelled since its provisioning failed (409)', async () => {
    const { world, id, url } = await failedAddon()
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${world.subscription.subscriptionId}/addons/cancel`,
      payload: { subscriptionAddonId: id },
    })
    expect(await getAddon(t, world, id)).toMatchObject({
      status: 'CANCELLED',
      provisioning: { state: 'FAILED', operation: 'PROVISION' },
    })
    const res = await t.request(world.tenant, { method: 'POST', url })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('addon.is_cancelled')
  })
})
