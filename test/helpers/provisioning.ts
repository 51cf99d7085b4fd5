import { expect } from 'vitest'
import type { SimulatedProviderSettings } from '../../src/domain/access/tenant-settings.js'
import type { OfferingInput } from '../../src/domain/catalog/inputs.js'
import type { AddonProvisioningRequest } from '../../src/services/provisioning/network-provider.js'
import { SimulatedProvider } from '../../src/services/provisioning/simulated-provider.js'
import { offeringBody, seedCatalog } from './catalog.js'
import type { World } from './subscriptions.js'
import { makeSubscription, subscriptionWorld } from './subscriptions.js'
import type { TestApp } from './test-app.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** A monthly data add-on that fits every plan, with `simulate` metadata for the simulated provider. */
export const simulatedAddon = (id: string, simulate?: string): OfferingInput =>
  offeringBody(id, {
    product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_EXTRA_DATA', features: { dataMb: 1024 } },
    price: { grossPrice: 5, currency: 'USD', priceType: 'RECURRING', billingCycle: { period: 'MONTHLY', interval: 1 } },
    ...(simulate && { metadata: { simulate } }),
  })

export interface ProviderWorld extends World {
  subscription: Json
}

/**
 * A sandbox tenant with the demo catalog, add-ons that fail once, always or slowly, a subscription,
 * and the simulated provider set through PATCH /tenant.
 */
export async function providerWorld(
  t: TestApp,
  provider: Omit<SimulatedProviderSettings, 'type'> | null = {},
): Promise<ProviderWorld> {
  const world = await subscriptionWorld(t)
  await seedCatalog(t.services, world.tenant, {
    offerings: [
      simulatedAddon('addon-sim-fail-once', 'fail-once'),
      simulatedAddon('addon-sim-fail-always', 'fail-always'),
      simulatedAddon('addon-sim-slow', 'slow'),
    ],
  })
  if (provider) {
    const res = await t.request(world.tenant, {
      method: 'PATCH',
      url: '/tenant',
      payload: { settings: { networkProvider: { type: 'simulated', ...provider } } },
    })
    expect(res.statusCode, res.body).toBe(200)
  }
  return { ...world, subscription: await makeSubscription(t, world) }
}

export async function addAddon(t: TestApp, world: ProviderWorld, payload: Record<string, unknown>): Promise<Json> {
  const res = await t.request(world.tenant, {
    method: 'POST',
    url: `/subscriptions/${world.subscription.subscriptionId}/addons`,
    payload,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

export async function getAddon(t: TestApp, world: ProviderWorld, addonId: string): Promise<Json> {
  const res = await t.request(world.tenant, {
    method: 'GET',
    url: `/subscriptions/${world.subscription.subscriptionId}/addons/${addonId}`,
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** Moves the tenant's test clock by an ISO duration; the jobs that fall due (retries too) run. */
export async function advanceBy(t: TestApp, world: World, by: string): Promise<Json> {
  const res = await t.request(world.tenant, { method: 'POST', url: '/test-clock/advance', payload: { by } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export interface ProviderCall {
  call: 'provision' | 'check' | 'deprovision'
  subscriptionAddonId?: string
  request?: AddonProvisioningRequest
}

/** Records every call to the simulated provider made in this test app (its registry is per container). */
export function recordProviderCalls(t: TestApp): ProviderCall[] {
  const calls: ProviderCall[] = []
  t.services.networkProviders.register('simulated', (settings, clock) => {
    const inner = new SimulatedProvider(settings, clock)
    return {
      provisionAddon: (request) => {
        calls.push({ call: 'provision', subscriptionAddonId: request.subscriptionAddonId, request })
        return inner.provisionAddon(request)
      },
      checkOperation: (operationId) => {
        calls.push({ call: 'check' })
        return inner.checkOperation(operationId)
      },
      deprovisionAddon: (request) => {
        calls.push({ call: 'deprovision', subscriptionAddonId: request.subscriptionAddonId, request })
        return inner.deprovisionAddon(request)
      },
    }
  })
  return calls
}
