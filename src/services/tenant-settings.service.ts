import type { Tenant } from '../domain/access/tenant.js'
import { assertTimeZone } from '../domain/access/tenant.js'
import type { TenantSettingsPatch } from '../domain/access/tenant-settings.js'
import { mergeSettings } from '../domain/access/tenant-settings.js'
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '../domain/shared/errors.js'
import { isCurrency, toMinor } from '../domain/shared/money.js'
import * as tenants from '../persistence/repositories/tenant.repository.js'
import { isUniqueViolation } from '../persistence/errors.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'
import type { TenantService } from './tenant.service.js'
import type { UnitOfWork } from './unit-of-work.js'

/** The tenant as `GET /tenant` shows it (and `tenant.updated` snapshots it). */
export interface TenantView {
  tenantId: string
  name: string
  timeZone: string
  sandbox: boolean
  settings: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface UpdateTenantInput {
  timeZone?: string
  settings?: TenantSettingsPatch
}

export const TENANT_UPDATED = 'tenant.updated'

/** The calling tenant's own settings: read with the read scope, change with the admin scope. */
export class TenantSettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tenants: TenantService,
    private readonly events: EventService,
  ) {}

  async get(ctx: RequestContext): Promise<TenantView> {
    return tenantView(await this.tenants.getById(ctx.tenant.id))
  }

  /**
   * Changes the time zone and merges the settings key by key (`null` removes a key). The tenant
   * service drops cached copies of the tenant, so the next request runs on the new values.
   */
  async update(ctx: RequestContext, input: UpdateTenantInput): Promise<TenantView> {
    if (input.timeZone !== undefined) assertZone(input.timeZone)
    if (input.settings) assertMoney(input.settings)
    return this.uow.write(ctx, async (tx) => {
      const current = await tenants.lockTenant(tx, ctx.tenant.id)
      if (!current) throw new NotFoundError('tenant', ctx.tenant.id)
      const updated = await tx
        .transaction((sp) =>
          this.tenants.update(sp, current.id, {
            ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
            ...(input.settings && { settings: mergeSettings(current.settings, input.settings) }),
          }),
        )
        .catch((error: unknown) => {
          // The only unique key a settings change can break: two tenants answering to one V2 org.
          if (isUniqueViolation(error))
            throw new ConflictError(
              'tenant.v2_org_taken',
              `Another tenant already answers to the V2 org '${String(input.settings?.v2Org)}'.`,
              { v2Org: input.settings?.v2Org },
            )
          throw error
        })
      const view = tenantView(updated)
      await this.events.emit(tx, ctx, {
        type: TENANT_UPDATED,
        resource: { type: 'tenant', id: updated.id },
        data: view,
      })
      return view
    })
  }
}

function assertZone(timeZone: string): void {
  try {
    assertTimeZone(timeZone)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    throw new InvalidInputError('tenant.invalid_time_zone', error.message, { timeZone }, [
      { path: '/body/timeZone', message: 'must be an IANA time zone' },
    ])
  }
}

/** Currencies ISO 4217 knows, and fee amounts their currency can hold: wrong ones would only show when an order is priced. */
function assertMoney(settings: TenantSettingsPatch): void {
  const errors: { path: string; message: string }[] = []
  const currency = (code: string, path: string) => {
    if (isCurrency(code)) return true
    errors.push({ path, message: `'${code}' is not an ISO 4217 currency code` })
    return false
  }
  if (typeof settings.currency === 'string') currency(settings.currency, '/body/settings/currency')
  settings.fees?.forEach((fee, i) => {
    const at = `/body/settings/fees/${i}`
    if (!currency(fee.currency, `${at}/currency`)) return
    try {
      toMinor(fee.amount, fee.currency, `${at}/amount`)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      errors.push(...error.fieldErrors)
    }
  })
  if (errors.length > 0)
    throw new InvalidInputError(
      'tenant.invalid_settings',
      `The settings are invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
      {},
      errors,
    )
}

export const tenantView = (tenant: Tenant): TenantView => ({
  tenantId: tenant.id,
  name: tenant.name,
  timeZone: tenant.timeZone,
  sandbox: tenant.sandbox,
  settings: tenant.settings,
  createdAt: tenant.createdAt,
  updatedAt: tenant.updatedAt,
})
