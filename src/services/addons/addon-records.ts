import type { AuditActor, ExternalIds } from '../../domain/addons/addon.js'
import type { Offering } from '../../domain/catalog/offering.js'
import type { Tenant } from '../../domain/access/tenant.js'
import { NotFoundError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { formatEntityRef } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import { ADDON_TARGET } from './addon-kinds.js'
import type { AddonView, AddonViews } from './addon-view.js'

/** An add-on with what another API over the same domain renders beyond the Connect view. */
export interface AddonRecord {
  view: AddonView
  createdBy: AuditActor | null
  endedBy: AuditActor | null
  externalIds: ExternalIds
  /** Its pending changes (activate, change, cancel, expire) with their exact instants and who asked. */
  pending: ScheduledChange[]
  /** The catalog offering it is on (e.g. for the network provider's product id). */
  offering: Offering
}

/**
 * Reads add-ons for the V2 facade: every add-on of a subscription (any status), with the audit
 * fields, external ids and pending instants that the Connect view does not show. Reads only:
 * every change still goes through AddonService.
 */
export class AddonRecords {
  constructor(
    private readonly db: Executor,
    private readonly subscriptions: SubscriptionService,
    private readonly views: AddonViews,
    private readonly scheduling: SchedulingService,
    private readonly catalog: CatalogService,
  ) {}

  /** Every add-on of the subscription, oldest first. */
  async list(ctx: RequestContext, subscriptionRef: EntityRef): Promise<AddonRecord[]> {
    const subscription = await this.subscriptions.require(this.db, ctx, subscriptionRef)
    return this.of(ctx.tenant, await addons.addonsOfSubscription(this.db, ctx.tenant.id, subscription.id))
  }

  async get(ctx: RequestContext, subscriptionRef: EntityRef, addonRef: EntityRef): Promise<AddonRecord> {
    const subscription = await this.subscriptions.require(this.db, ctx, subscriptionRef)
    const row = await addons.findAddon(this.db, ctx.tenant.id, subscription.id, addonRef)
    if (!row) throw new NotFoundError('subscription_addon', formatEntityRef(addonRef))
    return (await this.of(ctx.tenant, [row]))[0] as AddonRecord
  }

  private async of(tenant: Tenant, rows: AddonRow[]): Promise<AddonRecord[]> {
    const views = await this.views.many(this.db, tenant, rows)
    const pending = await this.scheduling.pending(
      this.db,
      tenant.id,
      ADDON_TARGET,
      rows.map((r) => r.id),
    )
    const offerings = await this.catalog.offeringsById(
      this.db,
      tenant.id,
      rows.map((r) => r.productOfferingId),
    )
    return rows.map((row, i) => ({
      view: views[i] as AddonView,
      createdBy: row.createdBy,
      endedBy: row.endedBy,
      externalIds: row.externalIds,
      pending: pending.filter((c) => c.targetId === row.id),
      offering: offerings.get(row.productOfferingId) as Offering,
    }))
  }
}
