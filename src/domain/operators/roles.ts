import type { Scope } from '../access/scopes.js'

export const ROLES = ['admin', 'operator', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value)

/**
 * What a role may do, as API scopes, so a portal action runs under the same scope rules as the API:
 * a viewer reads, an operator acts on subscriptions and orders, an admin also manages keys,
 * webhooks, settings and the catalog.
 */
export const SCOPES_OF_ROLE: Record<Role, readonly Scope[]> = {
  viewer: ['read'],
  operator: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
}

/** Whether `role` includes everything `needed` may do. */
export const roleAllows = (role: Role, needed: Role): boolean => ROLES.indexOf(role) <= ROLES.indexOf(needed)

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** E-mail addresses are compared lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase()
export const isEmail = (email: string): boolean => email.length <= 320 && EMAIL.test(email)
