import { createHash } from 'node:crypto'
import type { SimulatedProviderSettings } from '../../domain/access/tenant-settings.js'
import type { Clock } from '../../domain/shared/clock.js'
import type { AddonProvisioningRequest, NetworkProvider, ProvisioningResult } from './network-provider.js'
import { ProviderError } from './network-provider.js'

/** Offering metadata that makes the simulated provider misbehave for that offering. */
export const SIMULATE_KEY = 'simulate'
export type SimulateMode = 'fail-once' | 'fail-always' | 'slow'
/** How long `simulate: 'slow'` takes at least. */
export const SLOW_MS = 60_000

/** Deterministic, so a test (or an integrator) can predict it: the add-on id's last 12 hex digits. */
export const simulatedPackageId = (addonId: string): string =>
  `sim-pkg-${addonId.replaceAll('-', '').slice(-12).toLowerCase()}`

const OPERATION = /^sim-op-([0-9a-f-]{36})-(\d+)$/

/**
 * The built-in simulated network provider (tenant setting `networkProvider: {type: 'simulated'}`).
 * Stateless: whether a call fails follows from the settings, the offering's `simulate` metadata
 * and the attempt number; an operation id carries the instant it is done, on the tenant's clock.
 */
export class SimulatedProvider implements NetworkProvider {
  constructor(
    private readonly settings: SimulatedProviderSettings,
    /** The tenant's clock: test clocks move simulated latency along with everything else. */
    private readonly clock: Clock,
  ) {}

  async provisionAddon(request: AddonProvisioningRequest): Promise<ProvisioningResult> {
    const failure = simulatedFailure(this.settings, request, 'provision')
    if (failure) throw failure
    const latency = simulatedLatency(this.settings, request)
    if (latency === 0) return { status: 'DONE', packageId: simulatedPackageId(request.subscriptionAddonId) }
    const doneAt = this.clock.now().getTime() + latency
    return {
      status: 'IN_PROGRESS',
      operationId: `sim-op-${request.subscriptionAddonId}-${doneAt}`,
      checkAfterMs: latency,
    }
  }

  async checkOperation(operationId: string): Promise<ProvisioningResult> {
    const match = OPERATION.exec(operationId)
    if (!match)
      throw new ProviderError(`The simulated provider has no operation '${operationId}'.`, { retryable: false })
    const remaining = Number(match[2]) - this.clock.now().getTime()
    if (remaining <= 0) return { status: 'DONE', packageId: simulatedPackageId(match[1] as string) }
    return { status: 'IN_PROGRESS', operationId, checkAfterMs: remaining }
  }

  async deprovisionAddon(request: AddonProvisioningRequest): Promise<void> {
    const failure = simulatedFailure(this.settings, request, 'deprovision')
    if (failure) throw failure
  }
}

/**
 * Whether this attempt fails, and how. In order: `simulate: 'fail-always'` (permanent),
 * `simulate: 'fail-once'` (the first attempt), `failFirst` (the first N attempts), `failureRate`
 * (a deterministic draw from the add-on, the operation, the attempt and the seed). All but the
 * first are retryable.
 */
export function simulatedFailure(
  settings: SimulatedProviderSettings,
  request: AddonProvisioningRequest,
  operation: 'provision' | 'deprovision',
): ProviderError | null {
  const mode = request.offeringMetadata[SIMULATE_KEY]
  const what = `Simulated ${operation} failure`
  if (mode === 'fail-always')
    return new ProviderError(`${what}: offering metadata simulate=fail-always.`, { retryable: false })
  if (mode === 'fail-once' && request.attempt === 1)
    return new ProviderError(`${what}: offering metadata simulate=fail-once (attempt 1).`, { retryable: true })
  const failFirst = settings.failFirst ?? 0
  if (request.attempt <= failFirst)
    return new ProviderError(`${what} ${request.attempt} of ${failFirst} (failFirst).`, { retryable: true })
  const rate = settings.failureRate ?? 0
  if (rate > 0 && draw(`${settings.seed ?? 0}:${operation}:${request.subscriptionAddonId}:${request.attempt}`) < rate) {
    return new ProviderError(`${what} (failureRate ${rate}, attempt ${request.attempt}).`, { retryable: true })
  }
  return null
}

/** `latencyMs`, or at least a minute for offerings with `simulate: 'slow'`. */
export function simulatedLatency(
  settings: SimulatedProviderSettings,
  request: Pick<AddonProvisioningRequest, 'offeringMetadata'>,
): number {
  const latency = settings.latencyMs ?? 0
  return request.offeringMetadata[SIMULATE_KEY] === 'slow' ? Math.max(latency, SLOW_MS) : latency
}

/** A uniform number in [0, 1) from a string: the same input always draws the same number. */
function draw(input: string): number {
  return createHash('sha256').update(input).digest().readUInt32BE(0) / 2 ** 32
}
