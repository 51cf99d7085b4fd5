/**
 * What an API key may do. `read` and `write` cover the Connect API; `admin` manages keys, the
 * catalog, inventory and tenant settings. Narrower scopes guard single sensitive reads:
 * `sims:puk` reveals SIM PUK codes, which `admin` alone does not. CLI-made keys and the demo key
 * hold every scope unless narrowed.
 */
export const SCOPES = ['read', 'write', 'admin', 'sims:puk'] as const
export type Scope = (typeof SCOPES)[number]

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value)

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: 'Read resources of the Connect API.',
  write: 'Create and change resources of the Connect API (orders, subscriptions, add-ons, …).',
  admin: 'Manage API keys, the catalog, inventory and tenant settings.',
  'sims:puk': 'Read SIM PUK codes (GET /inventory/sims/{iccid}/puk). Each read is recorded as a sim.puk_viewed event.',
}
