import type { Tenant } from '../../domain/access/tenant.js'
import type { NetworkProviderSettings, SimulatedProviderSettings } from '../../domain/access/tenant-settings.js'
import { settingsOf } from '../../domain/access/tenant-settings.js'
import type { Clock } from '../../domain/shared/clock.js'
import { tenantClock } from '../context.js'
import type { NetworkProvider } from './network-provider.js'
import { SimulatedProvider } from './simulated-provider.js'

/** Makes a tenant's provider from its settings; `clock` is the tenant's clock. */
export type ProviderFactory = (settings: NetworkProviderSettings, clock: Clock) => NetworkProvider

/**
 * Which network provider a tenant uses: `settings.networkProvider.type` names a registered
 * factory. The simulated provider is built in; real integrations register theirs.
 */
export class NetworkProviders {
  private readonly factories = new Map<string, ProviderFactory>([
    ['simulated', (settings, clock) => new SimulatedProvider(settings as SimulatedProviderSettings, clock)],
  ])

  constructor(private readonly clock: Clock) {}

  register(type: string, factory: ProviderFactory): void {
    this.factories.set(type, factory)
  }

  /** Whether the tenant has a provider: without one, add-ons are active at once. */
  configured(tenant: Pick<Tenant, 'settings'>): boolean {
    return settingsOf(tenant).networkProvider !== undefined
  }

  /** The tenant's provider, or null when it has none. */
  for(tenant: Tenant): NetworkProvider | null {
    const settings = settingsOf(tenant).networkProvider
    if (!settings) return null
    const factory = this.factories.get(settings.type)
    if (!factory) throw new Error(`No network provider of type '${settings.type}' is registered.`)
    return factory(settings, tenantClock(this.clock, tenant))
  }
}
