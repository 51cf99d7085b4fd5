import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../domain/shared/clock.js'
import type { AddonProvisioningRequest } from './network-provider.js'
import { ProviderError } from './network-provider.js'
import { SLOW_MS, SimulatedProvider, simulatedFailure, simulatedPackageId } from './simulated-provider.js'

const ADDON = '0194c1a2-7b3c-7def-8123-456789abcdef'
const request = (overrides: Partial<AddonProvisioningRequest> = {}): AddonProvisioningRequest => ({
  tenantId: '0194c1a2-0000-7000-8000-000000000001',
  subscriptionId: '0194c1a2-0000-7000-8000-000000000002',
  msisdn: '+15551234567',
  subscriptionAddonId: ADDON,
  productOfferingId: 'addon-data-5gb',
  offeringMetadata: {},
  attempt: 1,
  providerPackageId: null,
  ...overrides,
})

describe('simulated provider', () => {
  it('answers DONE at once with a package id derived from the add-on id', async () => {
    const provider = new SimulatedProvider({ type: 'simulated' }, new FakeClock())
    expect(await provider.provisionAddon(request())).toEqual({ status: 'DONE', packageId: 'sim-pkg-456789abcdef' })
    expect(simulatedPackageId(ADDON)).toBe('sim-pkg-456789abcdef')
  })

  it('with latency, answers IN_PROGRESS and is done once the clock has passed it', async () => {
    const clock = new FakeClock('2025-01-15T10:00:00Z')
    const provider = new SimulatedProvider({ type: 'simulated', latencyMs: 30_000 }, clock)
    const started = await provider.provisionAddon(request())
    expect(started).toMatchObject({ status: 'IN_PROGRESS', checkAfterMs: 30_000 })
    const operationId = (started as { operationId: string }).operationId
    clock.advance(29_999)
    expect(await provider.checkOperation(operationId)).toEqual({ status: 'IN_PROGRESS', operationId, checkAfterMs: 1 })
    clock.advance(1)
    expect(await provider.checkOperation(operationId)).toEqual({ status: 'DONE', packageId: 'sim-pkg-456789abcdef' })
    await expect(provider.checkOperation('nonsense')).rejects.toMatchObject({ retryable: false })
  })

  it('takes at least a minute for offerings with simulate: slow', async () => {
    const provider = new SimulatedProvider({ type: 'simulated', latencyMs: 5 }, new FakeClock())
    expect(await provider.provisionAddon(request({ offeringMetadata: { simulate: 'slow' } }))).toMatchObject({
      status: 'IN_PROGRESS',
      checkAfterMs: SLOW_MS,
    })
  })

  it('fails as configured: fail-always permanently, fail-once and failFirst retryably', () => {
    const fails = (settings: Parameters<typeof simulatedFailure>[0], r: Partial<AddonProvisioningRequest>) =>
      simulatedFailure(settings, request(r), 'provision')
    expect(fails({ type: 'simulated' }, { offeringMetadata: { simulate: 'fail-always' }, attempt: 4 })).toMatchObject({
      retryable: false,
    })
    expect(fails({ type: 'simulated' }, { offeringMetadata: { simulate: 'fail-once' }, attempt: 1 })).toMatchObject({
      retryable: true,
    })
    expect(fails({ type: 'simulated' }, { offeringMetadata: { simulate: 'fail-once' }, attempt: 2 })).toBeNull()
    expect(
      [1, 2, 3].map((attempt) => fails({ type: 'simulated', failFirst: 2 }, { attempt }) instanceof ProviderError),
    ).toEqual([true, true, false])
    expect(fails({ type: 'simulated', failFirst: 2 }, { attempt: 1 })?.message).toBe(
      'Simulated provision failure 1 of 2 (failFirst).',
    )
  })

  it('draws failureRate deterministically: the same attempt always answers the same, and about the rate fail', () => {
    const settings = { type: 'simulated' as const, failureRate: 0.3, seed: 7 }
    const outcomes = Array.from(
      { length: 2000 },
      (_, i) => simulatedFailure(settings, request({ attempt: i + 1 }), 'provision') !== null,
    )
    const again = Array.from(
      { length: 2000 },
      (_, i) => simulatedFailure(settings, request({ attempt: i + 1 }), 'provision') !== null,
    )
    expect(again).toEqual(outcomes)
    const share = outcomes.filter(Boolean).length / outcomes.length
    expect(share).toBeGreaterThan(0.25)
    expect(share).toBeLessThan(0.35)
    expect(simulatedFailure({ type: 'simulated', failureRate: 1 }, request(), 'deprovision')).toMatchObject({
      retryable: true,
    })
    expect(simulatedFailure({ type: 'simulated', failureRate: 0 }, request(), 'deprovision')).toBeNull()
  })
})
