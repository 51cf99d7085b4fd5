import { BusinessRuleError } from '../shared/errors.js'

export interface Tenant {
  id: string
  name: string
  timeZone: string
  sandbox: boolean
  /** A sandbox tenant's test clock: how far its time runs ahead of the real clock. */
  clockOffsetMs: number
  settings: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

/** Tenant names appear in URLs (V2 org paths) and CLI flags: lower-case, digits and dashes. */
export function assertTenantName(name: string): void {
  if (!NAME.test(name)) {
    throw new BusinessRuleError(
      'tenant.invalid_name',
      `Tenant name '${name}' must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit.`,
      {
        name,
      },
    )
  }
}

/**
 * The org a tenant is in V2 API paths (`/v2/orgs/{org}/…`): its `v2Org` setting, else its name.
 * The database keeps it unique across tenants (migration 0010).
 */
export function v2OrgOf(tenant: Pick<Tenant, 'name' | 'settings'>): string {
  const org = tenant.settings.v2Org
  return typeof org === 'string' ? org : tenant.name
}

/** A valid IANA time zone, as the runtime's ICU knows it. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0)
  } catch {
    throw new BusinessRuleError(
      'tenant.invalid_time_zone',
      `'${timeZone}' is not an IANA time zone (for example 'Europe/Stockholm').`,
      { timeZone },
    )
  }
}
