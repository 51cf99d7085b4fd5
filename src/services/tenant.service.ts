import type { Tenant } from '../domain/access/tenant.js'
import { assertTenantName, assertTimeZone } from '../domain/access/tenant.js'
import type { Clock } from '../domain/shared/clock.js'
import { ConflictError, NotFoundError } from '../domain/shared/errors.js'
import { newId } from '../domain/shared/ids.js'
import type { Executor } from '../persistence/database.js'
import { isUniqueViolation } from '../persistence/errors.js'
import * as tenants from '../persistence/repositories/tenant.repository.js'
import type { AuthCache } from './auth-cache.js'

export interface CreateTenantInput {
  name: string
  timeZone?: string
  sandbox?: boolean
  settings?: Record<string, unknown>
}

export class TenantService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly authCache: AuthCache,
  ) {}

  /** Creates a tenant. Names are unique; the time zone must be an IANA zone (default UTC). */
  async create(input: CreateTenantInput): Promise<Tenant> {
    assertTenantName(input.name)
    const timeZone = input.timeZone ?? 'UTC'
    assertTimeZone(timeZone)
    const now = this.clock.now()
    const tenant: Tenant = {
      id: newId(),
      name: input.name,
      timeZone,
      sandbox: input.sandbox ?? false,
      clockOffsetMs: 0,
      settings: input.settings ?? {},
      createdAt: now,
      updatedAt: now,
    }
    try {
      await tenants.insertTenant(this.db, tenant)
    } catch (error) {
      if (isUniqueViolation(error, 'tenant_v2_org')) {
        throw new ConflictError(
          'tenant.v2_org_taken',
          `Another tenant already answers to the V2 org '${input.name}'; choose another name.`,
          { name: input.name },
        )
      }
      if (isUniqueViolation(error))
        throw new ConflictError('tenant.name_taken', `A tenant named '${input.name}' already exists.`, {
          name: input.name,
        })
      throw error
    }
    return tenant
  }

  list(): Promise<Tenant[]> {
    return tenants.listTenants(this.db)
  }

  async findByName(name: string): Promise<Tenant | undefined> {
    return tenants.findTenantByName(this.db, name)
  }

  /** The tenant a V2 API org names (`settings.v2Org`, else the tenant's name). */
  findByV2Org(org: string): Promise<Tenant | undefined> {
    return tenants.findTenantByV2Org(this.db, org)
  }

  async getByName(name: string): Promise<Tenant> {
    return (await tenants.findTenantByName(this.db, name)) ?? throwNotFound(name)
  }

  async getById(id: string): Promise<Tenant> {
    return (await tenants.findTenantById(this.db, id)) ?? throwNotFound(id)
  }

  /** Changes a tenant row inside the caller's transaction and drops cached copies of it. */
  async update(tx: Executor, id: string, patch: Parameters<typeof tenants.updateTenant>[2]): Promise<Tenant> {
    const updated = (await tenants.updateTenant(tx, id, { ...patch, updatedAt: this.clock.now() })) ?? throwNotFound(id)
    this.authCache.invalidateTenant(id)
    return updated
  }
}

const throwNotFound = (id: string): never => {
  throw new NotFoundError('tenant', id)
}
