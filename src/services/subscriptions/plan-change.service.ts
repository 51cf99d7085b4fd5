import type { Offering } from '../../domain/catalog/offering.js'
import type { ChangeOption } from '../../domain/catalog/views.js'
import { changeOption } from '../../domain/catalog/views.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import { offeringChangeInstant } from '../../domain/scheduling/offering-change.js'
import { BusinessRuleError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { statusConflict } from '../../domain/subscriptions/status.js'
import type { Executor } from '../../persistence/database.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { SchedulingService } from '../scheduling.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { SubscriptionLifecycle } from './subscription-lifecycle.js'
import type { SubscriptionView } from './subscription-view.js'
import type { SubscriptionService } from './subscription.service.js'
import { assertNoCancelBy } from './subscription.service.js'
import { assertNotPastDay } from '../../domain/scheduling/requested-day.js'

export interface PlanChangeInput {
  productOfferingId: string
  /** The earliest acceptable day; the engine picks the first allowed instant at or after it. */
  scheduledAt?: string
  reason?: string
  metadata?: Record<string, unknown>
}

/**
 * Plan changes. Which plans a subscription may move to: available plans of the same product type
 * and category for the same customer type. When: the target offering's change policy for the
 * direction (upgrades and lateral moves now, downgrades at the next renewal by default), never
 * before the client's date; a subscription not yet activated has no cycle, so it changes at once.
 */
export class PlanChangeService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly lifecycle: SubscriptionLifecycle,
    private readonly subscriptions: SubscriptionService,
    private readonly db: Executor,
  ) {}

  async options(ctx: RequestContext, ref: EntityRef): Promise<ChangeOption[]> {
    const row = await this.subscriptions.require(this.db, ctx, ref)
    if (row.status === 'CANCELLED') throw statusConflict(row.status, 'change_product_offering')
    const current = await this.catalog.requireOffering(this.db, ctx.tenant.id, row.productOfferingId)
    const candidates = await this.catalog.changeCandidates(this.db, ctx.tenant.id, current)
    const now = ctx.clock.now()
    return candidates
      .filter((o) => o.customerType === current.customerType)
      .map((to) => {
        const { timing, at } = this.when(ctx, row, current, to, now, undefined)
        return changeOption(current, to, { timing, at }, ctx.tenant.timeZone)
      })
  }

  async change(ctx: RequestContext, ref: EntityRef, input: PlanChangeInput): Promise<SubscriptionView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, (tx) => this.changeIn(tx, ctx, ref, input))
  }

  /** The plan change inside the caller's transaction (orders fulfil SUBSCRIPTION_CHANGE items with it). */
  async changeIn(tx: Executor, ctx: RequestContext, ref: EntityRef, input: PlanChangeInput): Promise<SubscriptionView> {
    const row = await this.subscriptions.require(tx, ctx, ref, true)
    if (row.status === 'CANCELLED') throw statusConflict(row.status, 'change_product_offering')
    const current = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    const to = await this.target(tx, ctx, current, input.productOfferingId)
    const now = ctx.clock.now()
    const earliest = input.scheduledAt ? startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone) : undefined
    const { at } = this.when(ctx, row, current, to, now, earliest)
    assertNoCancelBy(await this.subscriptions.pendingOf(tx, ctx, row), at, ctx.tenant.timeZone)
    const changed = await this.lifecycle.changeOfferingAt(tx, ctx, row, {
      from: current,
      to,
      at,
      ...(input.reason && { reason: input.reason }),
      ...(input.metadata && { metadata: input.metadata }),
    })
    return this.lifecycle.publish(tx, ctx, changed, ['subscription.updated'])
  }

  /** The offering asked for, if the subscription may move to it. */
  private async target(tx: Executor, ctx: RequestContext, current: Offering, id: string): Promise<Offering> {
    const to = await this.catalog.getOffering(tx, ctx.tenant.id, id)
    if (!to)
      throw new BusinessRuleError(
        'product_offering.not_found',
        `No product offering '${id}'.`,
        { productOfferingId: id },
        [{ path: '/body/productOfferingId', message: 'unknown offering' }],
      )
    if (to.status !== 'AVAILABLE')
      throw new BusinessRuleError(
        'product_offering.not_orderable',
        `'${id}' is archived and can no longer be ordered.`,
        { productOfferingId: id },
      )
    if (to.id === current.id)
      throw new BusinessRuleError('subscription.offering_unchanged', `The subscription is already on '${id}'.`, {
        productOfferingId: id,
      })
    if (
      to.product.type !== current.product.type ||
      to.product.category !== current.product.category ||
      to.customerType !== current.customerType
    ) {
      throw new BusinessRuleError(
        'subscription.offering_incompatible',
        `'${id}' is not a plan this subscription can change to (see product-offering-options).`,
        {
          productOfferingId: id,
          required: {
            type: current.product.type,
            category: current.product.category,
            customerType: current.customerType,
          },
        },
      )
    }
    return to
  }

  private when(
    ctx: RequestContext,
    row: SubscriptionRow,
    from: Offering,
    to: Offering,
    now: Date,
    earliest: Date | undefined,
  ) {
    return offeringChangeInstant({
      from,
      to,
      anchor: row.billingAnchorAt,
      running: row.status !== 'PENDING',
      now,
      ...(earliest && { earliest }),
      zone: ctx.tenant.timeZone,
    })
  }
}
