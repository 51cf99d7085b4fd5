import type { Offering } from '../../domain/catalog/offering.js'
import { changeDirection } from '../../domain/catalog/offering.js'
import type { StatusAction } from '../../domain/subscriptions/status.js'
import { displayMsisdn } from '../../domain/subscriptions/subscription.js'
import { transition } from '../../domain/subscriptions/status.js'
import type { Executor } from '../../persistence/database.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { ChangeTarget, ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { TimelineActor, TimelineService } from '../timeline.service.js'
import { SUBSCRIPTION_TARGET, isStatusKind, kindOrder } from './subscription-kinds.js'
import type { SubscriptionView, SubscriptionViews } from './subscription-view.js'

/** Who asked and why: recorded on the timeline of the change, whenever it applies. */
export interface ChangeMeta {
  reason?: string | null
  scheduledChangeId?: string
  actor?: TimelineActor
  details?: Record<string, unknown>
}

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
export class SubscriptionLifecycle implements ChangeTarget {
  private readonly listeners: SubscriptionListener[] = []

  constructor(
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly timeline: TimelineService,
    private readonly events: EventService,
    private readonly views: SubscriptionViews,
  ) {}

  listen(listener: SubscriptionListener): void {
    this.listeners.push(listener)
  }

  lock(tx: Executor, tenantId: string, id: string): Promise<SubscriptionRow | undefined> {
    return subscriptions.lockSubscription(tx, tenantId, { kind: 'id', id })
  }

  order(kind: string): number {
    return kindOrder(kind)
  }

  /** The scheduler's entry: one due change, then the event that tells integrators. */
  async apply(tx: Executor, ctx: RequestContext, change: ScheduledChange): Promise<void> {
    const row = (await this.lock(tx, ctx.tenant.id, change.targetId)) as SubscriptionRow
    const meta: ChangeMeta = {
      reason: change.reason,
      scheduledChangeId: change.id,
      actor: { type: change.actorType, id: change.actorId, label: change.actorLabel },
    }
    if (isStatusKind(change.kind)) {
      const updated = await this.applyStatus(tx, ctx, row, change.kind, change.effectiveAt, {
        ...meta,
        details: change.payload,
      })
      await this.publish(
        tx,
        ctx,
        updated,
        change.kind === 'cancel' ? ['subscription.updated', 'subscription.ended'] : ['subscription.updated'],
        change.effectiveAt,
      )
    } else if (change.kind === 'change_product_offering') {
      const updated = await this.applyOfferingChange(
        tx,
        ctx,
        row,
        String(change.payload.productOfferingId),
        change.effectiveAt,
        meta,
      )
      await this.publish(tx, ctx, updated, ['subscription.updated'], change.effectiveAt)
    } else throw new Error(`Unknown subscription change '${change.kind}'.`)
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
    await this.record(tx, ctx, row, TIMELINE_KIND[action], at, meta, {
      from: row.status,
      to: status,
      ...(meta.details ?? {}),
    })
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
    const [from, to] = await Promise.all([
      this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId),
      this.catalog.requireOffering(tx, ctx.tenant.id, toId),
    ])
    const updated = await subscriptions.updateSubscription(tx, ctx.tenant.id, row.id, {
      productOfferingId: to.id,
      updatedAt: ctx.clock.now(),
    })
    await this.record(tx, ctx, row, 'product_offering_changed', at, meta, {
      from: from.id,
      to: to.id,
      direction: changeDirection(from, to),
    })
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
    await this.record(tx, ctx, row, 'msisdn_changed', at, meta, {
      from: row.msisdn,
      to: msisdn,
      ...(meta.details ?? {}),
    })
    return updated
  }

  /** A change on the subscription's timeline, effective at `at`, with who asked and why. */
  private record(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    kind: string,
    at: Date,
    meta: ChangeMeta,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.timeline.record(tx, ctx, {
      subjectType: SUBSCRIPTION_TARGET,
      subjectId: row.id,
      kind,
      effectiveAt: at,
      reason: meta.reason ?? null,
      details,
      ...(meta.scheduledChangeId && { scheduledChangeId: meta.scheduledChangeId }),
      ...(meta.actor && { actor: meta.actor }),
    })
  }

  /** Renders the subscription as it now is and writes its events; the view is what the request answers. */
  async publish(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    types: string[],
    occurredAt?: Date,
  ): Promise<SubscriptionView> {
    const view = await this.views.one(tx, ctx.tenant, row, ctx.clock.now())
    await this.events.emit(
      tx,
      ctx,
      ...types.map((type) => ({
        type,
        resource: { type: SUBSCRIPTION_TARGET, id: row.id },
        data: view,
        ...(occurredAt && { occurredAt }),
      })),
    )
    return view
  }
}
