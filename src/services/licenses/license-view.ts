import type { Offering } from '../../domain/catalog/offering.js'
import type { EmbeddedOfferingView } from '../../domain/catalog/views.js'
import { embeddedOfferingView } from '../../domain/catalog/views.js'
import type { LicenseStatus } from '../../domain/licenses/license.js'
import { LICENSE_STATUS_AFTER, LICENSE_TARGET, isLicenseStatusKind } from '../../domain/licenses/license.js'
import { currentPeriod, toLocalDate } from '../../domain/scheduling/calendar.js'
import type { Executor } from '../../persistence/database.js'
import type { Tenant } from '../../domain/access/tenant.js'
import { systemClock } from '../../domain/shared/clock.js'
import type { LicenseRow } from '../../persistence/repositories/license.repository.js'
import * as licenses from '../../persistence/repositories/license.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { EmbeddedCustomerView, PartyService } from '../party.service.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import { subscriptionDisplays } from '../subscriptions/subscription-lookup.js'

export interface LicenseAssignment {
  type: 'SUBSCRIPTION'
  subscriptionId: string
  subscriptionDisplay: string | null
}

/** The Connect API's License (reference 3.11), as the wire shows it and events snapshot it. */
export interface LicenseView {
  licenseId: string
  status: LicenseStatus
  type: string
  customerId: string
  customer: EmbeddedCustomerView
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  assignedTo: LicenseAssignment | null
  details: Record<string, unknown>
  pendingStatus: { status: LicenseStatus; scheduledAt: string } | null
  pendingProductOffering: (EmbeddedOfferingView & { scheduledAt: string }) | null
  /** Openline's addition, as on subscriptions: the cycle renewals and NEXT_RENEWAL changes follow. */
  billingCycle: { anchorDate: string; currentPeriodStart: Date; nextRenewalAt: Date } | null
  activatedAt: Date | null
  cancelledAt: Date | null
  pausedAt: Date | null
  createdAt: Date
  updatedAt: Date
  referenceId: string | null
  metadata: Record<string, unknown>
}

/** What the add-on resource embeds of its license. */
export interface EmbeddedLicenseView {
  licenseId: string
  status: LicenseStatus
  productOffering: EmbeddedOfferingView
  assignedTo: LicenseAssignment | null
  type: string
  customer: EmbeddedCustomerView
  activatedAt: Date | null
}

export function embedLicense(view: LicenseView): EmbeddedLicenseView {
  return {
    licenseId: view.licenseId,
    status: view.status,
    productOffering: view.productOffering,
    assignedTo: view.assignedTo,
    type: view.type,
    customer: view.customer,
    activatedAt: view.activatedAt,
  }
}

/**
 * Renders license rows with what other areas own (offering, customer, subscription display) and
 * their pending changes, batched: one lookup per distinct offering, customer and subscription.
 */
export class LicenseViews {
  constructor(
    private readonly catalog: CatalogService,
    private readonly parties: PartyService,
    private readonly scheduling: SchedulingService,
  ) {}

  async one(ex: Executor, ctx: Pick<RequestContext, 'tenant' | 'clock'>, row: LicenseRow): Promise<LicenseView> {
    const [view] = await this.many(ex, ctx, [row])
    return view as LicenseView
  }

  /**
   * What add-ons embed of the licenses they came with, by license id. Nothing embedded depends on
   * the clock (no billing period), so the system clock serves.
   */
  async embedded(ex: Executor, tenant: Tenant, ids: string[]): Promise<Map<string, EmbeddedLicenseView>> {
    const rows = await licenses.findLicensesByIds(ex, tenant.id, [...new Set(ids)])
    const views = await this.many(ex, { tenant, clock: systemClock }, rows)
    return new Map(views.map((view) => [view.licenseId, embedLicense(view)]))
  }

  /** As of now on the tenant's clock (the current billing period). */
  async many(ex: Executor, ctx: Pick<RequestContext, 'tenant' | 'clock'>, rows: LicenseRow[]): Promise<LicenseView[]> {
    if (rows.length === 0) return []
    const { tenant } = ctx
    const pending = await this.scheduling.pending(
      ex,
      tenant.id,
      LICENSE_TARGET,
      rows.map((r) => r.id),
    )
    const offeringIds = new Set(rows.map((r) => r.productOfferingId))
    for (const change of pending)
      if (change.kind === 'change_product_offering') offeringIds.add(String(change.payload.productOfferingId))
    const offerings = await this.catalog.offeringsById(ex, tenant.id, offeringIds)
    const customers = await this.parties.embeddedCustomers(
      ex,
      tenant.id,
      rows.map((r) => r.customerId),
    )
    const displays = await subscriptionDisplays(ex, tenant.id, [
      ...new Set(rows.map((r) => r.subscriptionId).filter((s): s is string => s !== null)),
    ])
    return rows.map((row) =>
      render(row, {
        zone: tenant.timeZone,
        now: ctx.clock.now(),
        offerings,
        customer: customers.get(row.customerId) as EmbeddedCustomerView,
        display: row.subscriptionId ? (displays.get(row.subscriptionId) ?? null) : null,
        pending: pending.filter((c) => c.targetId === row.id),
      }),
    )
  }
}

interface RenderInput {
  zone: string
  now: Date
  offerings: Map<string, Offering>
  customer: EmbeddedCustomerView
  display: string | null
  pending: ScheduledChange[]
}

function render(row: LicenseRow, input: RenderInput): LicenseView {
  const date = (at: Date) => toLocalDate(at, input.zone)
  const offering = input.offerings.get(row.productOfferingId) as Offering
  const status = input.pending.find((c) => isLicenseStatusKind(c.kind))
  const change = input.pending.find((c) => c.kind === 'change_product_offering')
  const cycle = offering.price.billingCycle
  const anchor = row.billingAnchorAt
  const period =
    cycle && anchor && row.status !== 'CANCELLED' && input.now >= anchor
      ? currentPeriod(anchor, cycle, input.now, input.zone)
      : null
  return {
    licenseId: row.id,
    status: row.status,
    type: row.type,
    customerId: row.customerId,
    customer: input.customer,
    productOfferingId: row.productOfferingId,
    productOffering: embeddedOfferingView(offering),
    assignedTo: row.subscriptionId
      ? { type: 'SUBSCRIPTION', subscriptionId: row.subscriptionId, subscriptionDisplay: input.display }
      : null,
    details: row.details,
    pendingStatus:
      status && isLicenseStatusKind(status.kind)
        ? { status: LICENSE_STATUS_AFTER[status.kind], scheduledAt: date(status.effectiveAt) }
        : null,
    pendingProductOffering: change
      ? {
          scheduledAt: date(change.effectiveAt),
          ...embeddedOfferingView(input.offerings.get(String(change.payload.productOfferingId)) as Offering),
        }
      : null,
    billingCycle:
      period && anchor
        ? { anchorDate: date(anchor), currentPeriodStart: period.start, nextRenewalAt: period.end }
        : null,
    activatedAt: row.activatedAt,
    cancelledAt: row.cancelledAt,
    pausedAt: row.pausedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    referenceId: row.referenceId,
    metadata: row.metadata,
  }
}
