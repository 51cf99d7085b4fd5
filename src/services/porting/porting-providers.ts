import type { Tenant } from '../../domain/access/tenant.js'
import type { PortingProviderSettings, SimulatedPortingSettings } from '../../domain/access/tenant-settings.js'
import { settingsOf } from '../../domain/access/tenant-settings.js'
import type { Clock } from '../../domain/shared/clock.js'
import { tenantClock } from '../context.js'
import type { PortingProvider } from './porting-provider.js'
import { SimulatedPortingProvider } from './simulated-porting-provider.js'

/** Makes a tenant's porting provider from its settings; `clock` is the tenant's clock. */
export type PortingProviderFactory = (settings: PortingProviderSettings, clock: Clock) => PortingProvider

/** What a sandbox tenant without the setting uses: the simulation, so port-ins work out of the box. */
const SANDBOX_DEFAULT: PortingProviderSettings = { type: 'simulated' }

/**
 * Which porting provider a tenant uses: `settings.portingProvider.type` names a registered
 * factory; a sandbox tenant without the setting gets the simulated one, a live tenant none (a real
 * number must not be "ported" by a simulation nobody chose). Real integrations register theirs.
 */
export class PortingProviders {
  private readonly factories = new Map<string, PortingProviderFactory>([
    ['simulated', (settings, clock) => new SimulatedPortingProvider(settings as SimulatedPortingSettings, clock)],
  ])

  constructor(private readonly clock: Clock) {}

  register(type: string, factory: PortingProviderFactory): void {
    this.factories.set(type, factory)
  }

  /** The tenant's provider settings, its default applied; null when it cannot port numbers in. */
  settings(tenant: Pick<Tenant, 'settings' | 'sandbox'>): PortingProviderSettings | null {
    return settingsOf(tenant).portingProvider ?? (tenant.sandbox ? SANDBOX_DEFAULT : null)
  }

  /** The tenant's provider, or null when it has none. */
  for(tenant: Tenant): PortingProvider | null {
    const settings = this.settings(tenant)
    if (!settings) return null
    const factory = this.factories.get(settings.type)
    if (!factory) throw new Error(`No porting provider of type '${settings.type}' is registered.`)
    return factory(settings, tenantClock(this.clock, tenant))
  }
}
