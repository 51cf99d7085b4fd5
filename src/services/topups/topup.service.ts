import type { Offering } from '../../domain/catalog/offering.js'
import { addonFits, isTopUp } from '../../domain/catalog/offering.js'
import type { EmbeddedOfferingView, GroupView } from '../../domain/catalog/views.js'
import { embeddedOfferingView, groupView } from '../../domain/catalog/views.js'
import { BusinessRuleError, NotFoundError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { newId } from '../../domain/shared/ids.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { readPage } from '../../domain/shared/paging.js'
import type { Executor } from '../../persistence/database.js'
import type { TopupRow } from '../../persistence/repositories/topup.repository.js'
import * as topups from '../../persistence/repositories/topup.repository.js'
import type { TopupStatus } from '../../persistence/schema/licenses.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { TimelineService } from '../timeline.service.js'
import type { UnitOfWork } from '../unit-of-work.js'

/** A top-up as the wire shows it (reference 3.7, with Openline's id, status and subscription). */
export interface TopupView {
  topupId: string
  subscriptionId: string
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  status: TopupStatus
  /** When it took effect; null while a network provider has not applied it yet. */
  appliedAt: Date | null
  metadata: Record<string, unknown>
  createdAt: Date
}

export interface TopupOption {
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  productOfferingGroupId: string | null
  group: GroupView | null
}

export interface ApplyTopupInput {
  productOfferingId: string
  metadata?: Record<string, unknown>
}

export const TOPUP_APPLIED = 'subscription.topup.applied'

/**
 * Top-ups: one-off purchases (AVAILABLE `PRODUCT_CATEGORY_TOP_UP` add-ons that fit the plan) applied
 * at once to an ACTIVATED subscription. Each is stored, so operators can see what was applied.
 */
export class TopupService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogService,
    private readonly subscriptions: SubscriptionService,
    private readonly events: EventService,
    private readonly timeline: TimelineService,
  ) {}

  /** What can be applied now: none unless the subscription is ACTIVATED. */
  async options(ctx: RequestContext, ref: EntityRef): Promise<TopupOption[]> {
    const subscription = await this.subscriptions.require(this.db, ctx, ref)
    if (subscription.status !== 'ACTIVATED') return []
    const plan = await this.catalog.requireOffering(this.db, ctx.tenant.id, subscription.productOfferingId)
    const candidates = await this.catalog.listOfferings(this.db, ctx.tenant.id, {
      types: ['SUBSCRIPTION_ADDON'],
      status: ['AVAILABLE'],
    })
    return candidates
      .filter((o) => isTopUp(o) && addonFits(o, plan))
      .map((o) => ({
        productOfferingId: o.id,
        productOffering: embeddedOfferingView(o),
        productOfferingGroupId: o.groupId,
        group: o.group ? groupView(o.group) : null,
      }))
  }

  async apply(ctx: RequestContext, ref: EntityRef, input: ApplyTopupInput): Promise<TopupView> {
    return this.uow.write(ctx, (tx) => this.applyIn(tx, ctx, ref, input))
  }

  /** Applies inside the caller's transaction (orders fulfil TOP_UP items with it). */
  async applyIn(tx: Executor, ctx: RequestContext, ref: EntityRef, input: ApplyTopupInput): Promise<TopupView> {
    const subscription = await this.subscriptions.require(tx, ctx, ref, true)
    const offering = await this.topupOffering(tx, ctx, input.productOfferingId)
    if (subscription.status !== 'ACTIVATED') {
      throw new BusinessRuleError(
        'topup.subscription_not_active',
        `Only an ACTIVATED subscription can be topped up; this one is ${subscription.status}.`,
        {
          subscriptionId: subscription.id,
          status: subscription.status,
        },
      )
    }
    const plan = await this.catalog.requireOffering(tx, ctx.tenant.id, subscription.productOfferingId)
    if (!addonFits(offering, plan)) {
      throw new BusinessRuleError(
        'topup.not_compatible',
        `'${offering.id}' does not fit the subscription's plan '${plan.id}' (see topup-options).`,
        {
          productOfferingId: offering.id,
          planProductOfferingId: plan.id,
        },
      )
    }
    const now = ctx.clock.now()
    const row: TopupRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      subscriptionId: subscription.id,
      productOfferingId: offering.id,
      status: 'APPLIED',
      appliedAt: now,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }
    await topups.insertTopup(tx, row)
    await this.timeline.record(tx, ctx, {
      subjectType: 'subscription',
      subjectId: subscription.id,
      kind: 'topup_applied',
      effectiveAt: now,
      details: { topupId: row.id, productOfferingId: offering.id, ...(input.metadata && { metadata: input.metadata }) },
    })
    const view = render(row, offering)
    await this.events.emit(tx, ctx, {
      type: TOPUP_APPLIED,
      resource: { type: 'subscription_topup', id: row.id },
      stream: { type: 'subscription', id: subscription.id },
      data: view,
    })
    return view
  }

  async list(ctx: RequestContext, ref: EntityRef, page: PageRequest): Promise<Page<TopupView>> {
    const subscription = await this.subscriptions.require(this.db, ctx, ref)
    const rows = await readPage(
      page,
      (window) => topups.listTopups(this.db, ctx.tenant.id, subscription.id, window),
      (row) => row.id,
      () => topups.countTopups(this.db, ctx.tenant.id, subscription.id),
    )
    const offerings = await this.catalog.offeringsById(
      this.db,
      ctx.tenant.id,
      rows.items.map((r) => r.productOfferingId),
    )
    return {
      items: rows.items.map((row) => render(row, offerings.get(row.productOfferingId) as Offering)),
      pagination: rows.pagination,
    }
  }

  async get(ctx: RequestContext, ref: EntityRef, topupId: string): Promise<TopupView> {
    const subscription = await this.subscriptions.require(this.db, ctx, ref)
    const row = await topups.findTopup(this.db, ctx.tenant.id, subscription.id, topupId.toLowerCase())
    if (!row) throw new NotFoundError('topup', topupId)
    return render(row, await this.catalog.requireOffering(this.db, ctx.tenant.id, row.productOfferingId))
  }

  /** The offering asked for, if it is a top-up that can still be bought. */
  private async topupOffering(tx: Executor, ctx: RequestContext, id: string): Promise<Offering> {
    const offering = await this.catalog.getOffering(tx, ctx.tenant.id, id)
    if (!offering)
      throw new BusinessRuleError(
        'product_offering.not_found',
        `No product offering '${id}'.`,
        { productOfferingId: id },
        [{ path: '/body/productOfferingId', message: 'unknown offering' }],
      )
    if (!isTopUp(offering)) {
      throw new BusinessRuleError(
        'topup.not_a_topup',
        `'${id}' is not a top-up (a SUBSCRIPTION_ADDON of category PRODUCT_CATEGORY_TOP_UP).`,
        { productOfferingId: id, type: offering.product.type, category: offering.product.category },
        [{ path: '/body/productOfferingId', message: 'not a top-up offering' }],
      )
    }
    if (offering.status !== 'AVAILABLE')
      throw new BusinessRuleError(
        'product_offering.not_orderable',
        `'${id}' is archived and can no longer be ordered.`,
        { productOfferingId: id },
      )
    return offering
  }
}

function render(row: TopupRow, offering: Offering): TopupView {
  return {
    topupId: row.id,
    subscriptionId: row.subscriptionId,
    productOfferingId: row.productOfferingId,
    productOffering: embeddedOfferingView(offering),
    status: row.status,
    appliedAt: row.appliedAt,
    metadata: row.metadata,
    createdAt: row.createdAt,
  }
}
