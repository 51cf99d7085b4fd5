import type { Offering } from '../../domain/catalog/offering.js'
import type { StatusAction } from '../../domain/subscriptions/status.js'
import { displayMsisdn } from '../../domain/subscriptions/subscription.js'
import { transition } from '../../domain/subscriptions/status.js'
import type { Executor } from '../../persistence/database.js'
import { subscription } from '../../persistence/schema/index.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { ChangeHandler, ChangeMeta } from '../lifecycle.js'
import { Lifecycle } from '../lifecycle.js'
import type { SchedulingService } from '../scheduling.service.js'
import type { TimelineService } from '../timeline.service.js'
import { STATUS_KINDS, SUBSCRIPTION_TARGET, kindOrder } from './subscription-kinds.js'
import type { SubscriptionPublisher } from './subscription-publisher.js'
import type { SubscriptionView } from './subscription-view.js'
import type { EventType } from '../../domain/webhooks/event-types.js'

/** Other areas follow a subscription's life (add-ons end with it, or when its plan no longer fits them). */
export interface SubscriptionListener {
  ended?(tx: Executor, ctx: RequestContext, subscription: SubscriptionRow, at: Date): Promise<void>
  offeringChanged?(
    tx: Executor,
    ctx: RequestContext,
    subscription: SubscriptionRow,
    from: Offering,
    to: Offering,
    at: Date,
  ): Promise<void>
}

const TIMELINE_KIND: Record<StatusAction, string> = {
  activate: 'activated',
  block: 'blocked',
  unblock: 'unblocked',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
}

/**
 * What changing a subscription does, the same whether it happens now (a request) or later (the
 * scheduler): the row, the timeline, the listeners and the events. Each change takes effect at its
 * own instant, so a scheduled activation anchors the billing cycle at its date, not whenever the
 * worker got to it.
 */
export class SubscriptionLifecycle extends Lifecycle<SubscriptionRow> {
  protected readonly targetType = SUBSCRIPTION_TARGET
  protected readonly table = subscription
  protected override readonly changeName = 'a plan change'

  /**
   * @param listeners the areas that follow a subscription (add-ons, licenses, numbers, SIMs,
   *   port-ins), told in the same transaction when it ends or changes plan.
   */
  constructor(
    catalog: CatalogService,
    scheduling: SchedulingService,
    timeline: TimelineService,
    private readonly publisher: SubscriptionPublisher,
    private readonly listeners: readonly SubscriptionListener[],
  ) {
    super(catalog, scheduling, timeline)
  }

  protected readonly handlers: Readonly<Record<string, ChangeHandler<SubscriptionRow>>> = {
    ...Object.fromEntries(STATUS_KINDS.map((action) => [action, this.statusHandler(action)])),
    change_product_offering: async (tx, ctx, row, change, meta) => [
      await this.applyOfferingChange(tx, ctx, row, String(change.payload.productOfferingId), change.effectiveAt, meta),
      ['subscription.updated'],
    ],
  }

  private statusHandler(action: StatusAction): ChangeHandler<SubscriptionRow> {
    const events: EventType[] =
      action === 'cancel' ? ['subscription.updated', 'subscription.ended'] : ['subscription.updated']
    return async (tx, ctx, row, change, meta) => [
      await this.applyStatus(tx, ctx, row, action, change.effectiveAt, meta),
      events,
    ]
  }

  lock(tx: Executor, tenantId: string, id: string): Promise<SubscriptionRow | undefined> {
    return subscriptions.lockSubscription(tx, tenantId, { kind: 'id', id })
  }

  order(kind: string): number {
    return kindOrder(kind)
  }

  protected update(tx: Executor, tenantId: string, id: string, patch: Partial<SubscriptionRow>) {
    return subscriptions.updateSubscription(tx, tenantId, id, patch)
  }

  protected publishApplied(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    events: readonly EventType[],
    at: Date,
  ): Promise<SubscriptionView> {
    return this.publisher.publish(tx, ctx, row, events, at)
  }

  /** Moves the status (or throws the 409 naming the current one), effective at `at`. */
  async applyStatus(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    action: StatusAction,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<SubscriptionRow> {
    const status = transition(row.status, action)
    const patch: Partial<SubscriptionRow> = { status, updatedAt: ctx.clock.now() }
    if (action === 'activate') Object.assign(patch, { activatedAt: at, billingAnchorAt: at })
    if (action === 'cancel') {
      const comment = typeof meta.details?.comment === 'string' ? meta.details.comment : null
      Object.assign(patch, {
        cancelledAt: at,
        cancellation: { reason: String(meta.details?.reason ?? meta.reason ?? 'OTHER'), comment },
      })
    }
    const updated = await subscriptions.updateSubscription(tx, ctx.tenant.id, row.id, patch)
    if (action === 'cancel') {
      // Nothing else can happen to an ended subscription.
      await this.scheduling.supersedeAfter(
        tx,
        ctx,
        { targetType: SUBSCRIPTION_TARGET, targetId: row.id },
        new Date(0),
        'the subscription was cancelled',
      )
      for (const listener of this.listeners) await listener.ended?.(tx, ctx, updated, at)
    }
    await this.record(tx, ctx, row, TIMELINE_KIND[action], at, meta, { from: row.status, to: status })
    return updated
  }

  /** Puts the subscription on another plan, effective at `at`. */
  async applyOfferingChange(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    toId: string,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<SubscriptionRow> {
    const { updated, from, to } = await this.changeOfferingOf(tx, ctx, row, toId, at, meta, 'product_offering_changed')
    for (const listener of this.listeners) await listener.offeringChanged?.(tx, ctx, updated, from, to, at)
    return updated
  }

  /**
   * Puts the subscription on another number (a port-in completing), effective at `at`. A `display`
   * that was the default rendering of the old number follows the new one; a client's own stays.
   */
  async changeNumber(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    msisdn: string,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<SubscriptionRow> {
    const defaultDisplay = row.display === null || (row.msisdn !== null && row.display === displayMsisdn(row.msisdn))
    const updated = await subscriptions.updateSubscription(tx, ctx.tenant.id, row.id, {
      msisdn,
      ...(defaultDisplay && { display: displayMsisdn(msisdn) }),
      updatedAt: ctx.clock.now(),
    })
    await this.record(tx, ctx, row, 'msisdn_changed', at, meta, { from: row.msisdn, to: msisdn })
    return updated
  }

  /** Renders the subscription as it now is and writes its events; the view is what the request answers. */
  publish(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    types: readonly EventType[],
    occurredAt?: Date,
  ): Promise<SubscriptionView> {
    return this.publisher.publish(tx, ctx, row, types, occurredAt)
  }
}
