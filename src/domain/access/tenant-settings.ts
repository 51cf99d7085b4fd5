import type { Tenant } from './tenant.js'

/**
 * The built-in simulated network provider (services/provisioning): lets integrators see how their
 * systems handle a provider that is slow or fails, without a real network.
 */
export interface SimulatedProviderSettings {
  type: 'simulated'
  /** 0 (default): answers at once. More: answers IN_PROGRESS and is done this many ms later on the tenant's clock. */
  latencyMs?: number
  /** Fails the first N attempts of each provisioning operation of each add-on, retryably. */
  failFirst?: number
  /** 0..1: the share of attempts that fail retryably, drawn deterministically from the add-on, the attempt and `seed`. */
  failureRate?: number
  /** Varies which attempts `failureRate` fails. */
  seed?: number
}

export type NetworkProviderSettings = SimulatedProviderSettings

/**
 * The built-in simulated porting provider (services/porting): the ported number's last digits
 * choose what the donor operator does (see docs/compatibility.md, Port-in).
 */
export interface SimulatedPortingSettings {
  type: 'simulated'
  /** Days from the donor's confirmation to the port, for numbers without a magic ending. Default 1. */
  completeAfterDays?: number
}

export type PortingProviderSettings = SimulatedPortingSettings

/**
 * Every setting a tenant knows (`GET/PATCH /tenant`). The HTTP schema `TenantSettings`
 * (http/routes/tenant/tenant.schemas.ts) lists the same keys, with their descriptions; a key added
 * here must be added there (a compile-time check compares the two).
 */
export interface TenantSettings {
  /** Default true; false: subscriptions are created through orders only. */
  allowDirectSubscriptionCreation?: boolean
  /** True: the billing system manages licenses (POST /licenses is refused; licenses come through orders). */
  licensesManagedByBilling?: boolean
  /** ISO 4217; the default billing currency of new customers. Default USD. */
  currency?: string
  /** The network provider add-ons are provisioned with; none: add-ons are active at once. */
  networkProvider?: NetworkProviderSettings
  /** Who ports numbers in. Default: the simulated provider for sandbox tenants, none (port-in refused) for live ones. */
  portingProvider?: PortingProviderSettings
  /** Days a number released from an ended subscription rests before it can be leased again. Default 90. */
  numberQuarantineDays?: number
  /** Tax rates applied to order line items (percent), each to the line item types listed (none: all). */
  taxRates?: { name: string; rate: number; appliesTo?: string[] }[]
  /** Fees charged once per line item of the listed types, in decimal major units of `currency`. */
  fees?: { name: string; amount: number; currency: string; appliesTo: string[] }[]
  /** The org name the V2 add-ons API knows the tenant by (`/v2/orgs/{org}/…`). Default: the tenant's name. */
  v2Org?: string
  /** What an order needs before it can be submitted. Each defaults to NOT_REQUIRED. */
  orderRequirements?: {
    requiresPayment?: Requirement
    requiresPaymentProfile?: Requirement
    requiresSigning?: Requirement
  }
}

export type Requirement = 'NOT_REQUIRED' | 'OPTIONAL' | 'REQUIRED'

/** A change to the settings: a key with a value sets it, `null` removes it, an absent key stays. */
export type TenantSettingsPatch = { [K in keyof TenantSettings]?: TenantSettings[K] | null }

/** The tenant's settings, typed. They are validated on the way in (PATCH /tenant). */
export const settingsOf = (tenant: Pick<Tenant, 'settings'>): TenantSettings => tenant.settings as TenantSettings

/** Merges a patch key by key: values replace whole (objects too), `null` removes the key. */
export function mergeSettings(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key]
    else if (value !== undefined) merged[key] = value
  }
  return merged
}
