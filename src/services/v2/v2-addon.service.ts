import type { ExternalIds } from '../../domain/addons/addon.js'
import type { DateFilter } from '../../domain/v2/dates.js'
import { matchesDateFilter, parseInstant } from '../../domain/v2/dates.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import type { AddonRecords } from '../addons/addon-records.js'
import type { AddonService } from '../addons/addon.service.js'
import type { RequestContext } from '../context.js'
import type { V2AddOn } from './v2-addon-view.js'
import { V2_EXTERNAL_IDS, toV2AddOn } from './v2-addon-view.js'

/** The add body: the AddOn fields a client owns (server-owned ones are ignored); null is the same as absent. */
export interface V2AddOnInput {
  id?: string
  catalogue_add_on_id: string
  catalogue_add_on_legacy_id?: string | null
  legacy_id?: number | null
  provider_product_id?: string | null
  provider_service_id?: string | null
  activation_date?: string | null
}

export interface V2AddOnQuery {
  offset: number
  limit: number
  legacyAddOnId?: number
  activationDate?: DateFilter
}

/** The AddOnsSet envelope. */
export interface V2AddOnsSet {
  items: V2AddOn[]
  offset: number
  limit: number
  total: number
}

export interface V2Deactivation {
  reason: string
  deactivation_date?: string | null
}

/**
 * The V2 add-ons API (seed 003) over the one add-on domain: it translates, and AddonService does
 * the work, so an add-on is the same whichever API added, reads or ends it.
 */
export class V2AddonService {
  constructor(
    private readonly addons: AddonService,
    private readonly records: AddonRecords,
  ) {}

  /**
   * Every add-on of the subscription, whatever its status, oldest first; the filters apply to the
   * fields as the AddOn shows them. A subscription holds few add-ons, so they are filtered and
   * paged here rather than in SQL (the activation of a scheduled add-on lives with its pending change).
   */
  async list(ctx: RequestContext, subscription: EntityRef, query: V2AddOnQuery): Promise<V2AddOnsSet> {
    const all = (await this.records.list(ctx, subscription)).map(toV2AddOn)
    const { legacyAddOnId, activationDate } = query
    const matching = all.filter(
      (a) =>
        (legacyAddOnId === undefined || a.legacy_id === legacyAddOnId) &&
        (activationDate === undefined ||
          (a.activation_date !== null && matchesDateFilter(activationDate, a.activation_date))),
    )
    return {
      items: matching.slice(query.offset, query.offset + query.limit),
      offset: query.offset,
      limit: query.limit,
      total: matching.length,
    }
  }

  async get(ctx: RequestContext, subscription: EntityRef, addon: EntityRef): Promise<V2AddOn> {
    return toV2AddOn(await this.records.get(ctx, subscription, addon))
  }

  /** Adds through AddonService: now, or from `activation_date`; a client `id` makes it idempotent. */
  async add(ctx: RequestContext, subscription: EntityRef, input: V2AddOnInput): Promise<V2AddOn> {
    const externalIds: ExternalIds = {
      ...(input.legacy_id != null && { [V2_EXTERNAL_IDS.legacyId]: input.legacy_id }),
      ...(input.catalogue_add_on_legacy_id != null && {
        [V2_EXTERNAL_IDS.catalogueLegacyId]: input.catalogue_add_on_legacy_id,
      }),
      ...(input.provider_product_id != null && { [V2_EXTERNAL_IDS.providerProductId]: input.provider_product_id }),
      ...(input.provider_service_id != null && { [V2_EXTERNAL_IDS.providerServiceId]: input.provider_service_id }),
    }
    const added = await this.addons.add(ctx, subscription, {
      productOfferingId: input.catalogue_add_on_id,
      ...(input.activation_date != null && {
        startAt: parseInstant(input.activation_date, ctx.tenant.timeZone, '/body/activation_date'),
      }),
      ...(input.id !== undefined && { id: input.id.toLowerCase() }),
      externalIds,
    })
    return this.get(ctx, subscription, { kind: 'id', id: added.subscriptionAddonId })
  }

  /**
   * A Connect cancel, now or at `deactivation_date`, always left to the worker (the API answers
   * 202): the add-on shows its pending deactivation until the worker has ended it.
   */
  async deactivate(
    ctx: RequestContext,
    subscription: EntityRef,
    addon: EntityRef,
    input: V2Deactivation,
  ): Promise<void> {
    const at =
      input.deactivation_date != null
        ? parseInstant(input.deactivation_date, ctx.tenant.timeZone, '/body/deactivation_date')
        : undefined
    const { subscriptionAddonId } = await this.addons.get(ctx, subscription, addon)
    await this.addons.cancel(ctx, subscription, {
      subscriptionAddonId,
      reason: input.reason,
      deferred: true,
      ...(at && { at }),
    })
  }
}
