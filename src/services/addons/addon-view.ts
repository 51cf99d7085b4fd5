import type { Offering } from '../../domain/catalog/offering.js'
import type { EmbeddedOfferingView, GroupView } from '../../domain/catalog/views.js'
import { embeddedOfferingView, groupView } from '../../domain/catalog/views.js'
import type { AddonStatus, ProvisioningView } from '../../domain/addons/addon.js'
import { provisioningView } from '../../domain/addons/addon.js'
import { toLocalDate } from '../../domain/scheduling/calendar.js'
import type { Tenant } from '../../domain/access/tenant.js'
import type { Executor } from '../../persistence/database.js'
import type { EmbeddedLicenseView } from '../licenses/license-view.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import { ADDON_STATUS_AFTER, ADDON_TARGET, isAddonStatusKind } from './addon-kinds.js'

/**
 * What an add-on shows of the license it came with, by license id, batched (the licenses area
 * supplies it: LicenseViews.embedded).
 */
export type LicenseEmbedder = (
  ex: Executor,
  tenant: Tenant,
  licenseIds: string[],
) => Promise<Map<string, EmbeddedLicenseView>>

/** The Connect API's subscription add-on, as the wire shows it (and as events snapshot it). */
export interface AddonView {
  subscriptionAddonId: string
  subscriptionId: string
  status: AddonStatus
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  productOfferingGroupId: string | null
  group: GroupView | null
  license: EmbeddedLicenseView | null
  pendingStatus: { status: AddonStatus; scheduledAt: string } | null
  pendingProductOffering: (EmbeddedOfferingView & { scheduledAt: string }) | null
  addedAt: Date
  activatedAt: Date | null
  /** When a time-limited add-on expires (validity days in the tenant's calendar). */
  expiresAt: Date | null
  cancelledAt: Date | null
  expiredAt: Date | null
  updatedAt: Date
  referenceId: string | null
  provisioning: ProvisioningView | null
  metadata: Record<string, unknown>
}

export class AddonViews {
  constructor(
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly licenses: LicenseEmbedder,
  ) {}

  /**
   * @param known offerings already loaded in this transaction: not read again.
   * @param pending the pending changes of exactly these rows, when the caller knows them (e.g. of an
   * add-on inserted in this transaction: those it scheduled): not read again.
   */
  async one(
    ex: Executor,
    tenant: Tenant,
    row: AddonRow,
    known: Iterable<Offering> = [],
    pending?: readonly ScheduledChange[],
  ): Promise<AddonView> {
    const [view] = await this.many(ex, tenant, [row], known, pending)
    return view as AddonView
  }

  async many(
    ex: Executor,
    tenant: Tenant,
    rows: AddonRow[],
    known: Iterable<Offering> = [],
    loadedPending?: readonly ScheduledChange[],
  ): Promise<AddonView[]> {
    if (rows.length === 0) return []
    const pending =
      loadedPending ??
      (await this.scheduling.pending(
        ex,
        tenant.id,
        ADDON_TARGET,
        rows.map((r) => r.id),
      ))
    const ids = new Set(rows.map((r) => r.productOfferingId))
    for (const change of pending)
      if (change.kind === 'change_product_offering') ids.add(String(change.payload.productOfferingId))
    const offerings = await this.catalog.offeringsById(ex, tenant.id, ids, known)
    const licenseIds = rows.map((r) => r.licenseId).filter((id): id is string => id !== null)
    const licenses = licenseIds.length > 0 ? await this.licenses(ex, tenant, licenseIds) : new Map()
    const date = (at: Date) => toLocalDate(at, tenant.timeZone)
    return rows.map((row) => {
      const offering = offerings.get(row.productOfferingId) as Offering
      const mine = pending.filter((c) => c.targetId === row.id)
      const status = mine.find((c) => isAddonStatusKind(c.kind))
      const change = mine.find((c) => c.kind === 'change_product_offering')
      return {
        subscriptionAddonId: row.id,
        subscriptionId: row.subscriptionId,
        status: row.status,
        productOfferingId: offering.id,
        productOffering: embeddedOfferingView(offering),
        productOfferingGroupId: offering.groupId,
        group: offering.group ? groupView(offering.group) : null,
        license: (row.licenseId && licenses.get(row.licenseId)) ?? null,
        pendingStatus: status
          ? {
              status: ADDON_STATUS_AFTER[status.kind as keyof typeof ADDON_STATUS_AFTER],
              scheduledAt: date(status.effectiveAt),
            }
          : null,
        pendingProductOffering: change
          ? {
              scheduledAt: date(change.effectiveAt),
              ...embeddedOfferingView(offerings.get(String(change.payload.productOfferingId)) as Offering),
            }
          : null,
        addedAt: row.addedAt,
        activatedAt: row.activatedAt,
        expiresAt: row.expiresAt,
        cancelledAt: row.cancelledAt,
        expiredAt: row.expiredAt,
        updatedAt: row.updatedAt,
        referenceId: row.referenceId,
        provisioning: row.provisioning ? provisioningView(row.provisioning) : null,
        metadata: row.metadata,
      }
    })
  }
}
