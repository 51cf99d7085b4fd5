/** The value objects and enums of customers, users and subscribers (Connect API 1.6 and 3.10). */

/** A postal address. Every field is optional: what a country needs differs. */
export interface Address {
  street1?: string
  street2?: string
  city?: string
  zip?: string
  /** ISO 3166-1 alpha-2. */
  country?: string
  state?: string
  region?: string
  attention?: string
}

export const CUSTOMER_TYPES = ['CONSUMER', 'BUSINESS'] as const
export type CustomerType = (typeof CUSTOMER_TYPES)[number]

/** What a user may do for a customer; MEMBER is the default when a role is not given. */
export const CUSTOMER_USER_ROLES = ['MEMBER', 'MANAGER', 'ADMIN'] as const
export type CustomerUserRole = (typeof CUSTOMER_USER_ROLES)[number]
export const DEFAULT_CUSTOMER_USER_ROLE: CustomerUserRole = 'MEMBER'

/** Default shipping for SIM cards and devices. */
export interface Shipping {
  name: string
  msisdn?: string
  address: Address
  instructions?: string
}

/**
 * Applies a partial update the way PUT bodies work here: an absent field keeps its value, `null`
 * clears it, anything else replaces it.
 */
export function patched<T>(current: T | undefined, next: T | null | undefined): T | undefined {
  if (next === undefined) return current
  return next === null ? undefined : next
}

/** Drops absent members so stored JSON and rendered views never carry `undefined`. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T
}
