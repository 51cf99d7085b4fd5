import type { LicenseChangeKind, LicenseStatusAction } from '../../domain/licenses/license.js'
import type { Offering } from '../../domain/catalog/offering.js'
import { LICENSE_TARGET, licenseKindOrder, licenseTransition, licenseType } from '../../domain/licenses/license.js'
import type { BillingCycle } from '../../domain/scheduling/calendar.js'
import { nextRenewal } from '../../domain/scheduling/calendar.js'
import { ConflictError } from '../../domain/shared/errors.js'
import { newId } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import { license } from '../../persistence/schema/index.js'
import { isUniqueViolation } from '../../persistence/errors.js'
import type { LicenseRow } from '../../persistence/repositories/license.repository.js'
import * as licenses from '../../persistence/repositories/license.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { ChangeHandler, ChangeMeta } from '../lifecycle.js'
import { Lifecycle } from '../lifecycle.js'
import type { SchedulingService } from '../scheduling.service.js'
import type { SubscriptionListener } from '../subscriptions/subscription-lifecycle.js'
import type { TimelineService } from '../timeline.service.js'
import type { LicenseView, LicenseViews } from './license-view.js'
import type { EventType } from '../../domain/webhooks/event-types.js'

export const LICENSE_EVENTS = {
  created: 'license.created',
  updated: 'license.updated',
  renewed: 'license.renewed',
  ended: 'license.ended',
} as const

/** A license to create, with what its caller has checked: the offering, the customer, the subscription. */
export interface NewLicense {
  offering: Offering
  customerId: string
  subscriptionId: string | null
  type?: string
  /** The earliest instant to activate; none or a past one: now. */
  earliest?: Date
  referenceId?: string
  details?: Record<string, unknown>
  metadata?: Record<string, unknown>
}

const TIMELINE_KIND: Record<LicenseStatusAction, string> = { activate: 'activated', cancel: 'cancelled' }

/**
 * What changing a license does, the same whether it happens now (a request) or later (the
 * scheduler): the row, the timeline and the events. Each change takes effect at its own instant:
 * a scheduled activation anchors the billing cycle at its date, and each renewal schedules the
 * next one from that anchor.
 */
export class LicenseLifecycle extends Lifecycle<LicenseRow> {
  protected readonly targetType = LICENSE_TARGET
  protected readonly table = license

  constructor(
    catalog: CatalogService,
    scheduling: SchedulingService,
    timeline: TimelineService,
    private readonly events: EventService,
    private readonly views: LicenseViews,
  ) {
    super(catalog, scheduling, timeline)
  }

  protected readonly handlers: Readonly<Record<LicenseChangeKind, ChangeHandler<LicenseRow>>> = {
    activate: async (tx, ctx, row, change, meta) => [
      await this.applyStatus(tx, ctx, row, 'activate', change.effectiveAt, meta),
      [LICENSE_EVENTS.updated],
    ],
    cancel: async (tx, ctx, row, change, meta) => [
      await this.applyStatus(tx, ctx, row, 'cancel', change.effectiveAt, meta),
      [LICENSE_EVENTS.ended],
    ],
    change_product_offering: async (tx, ctx, row, change, meta) => [
      await this.applyOfferingChange(tx, ctx, row, String(change.payload.productOfferingId), change.effectiveAt, meta),
      [LICENSE_EVENTS.updated],
    ],
    renew: async (tx, ctx, row, change, meta) => [
      await this.applyRenewal(tx, ctx, row, change.effectiveAt, meta),
      [LICENSE_EVENTS.renewed],
    ],
  }

  lock(tx: Executor, tenantId: string, id: string): Promise<LicenseRow | undefined> {
    return licenses.lockLicense(tx, tenantId, { kind: 'id', id })
  }

  order(kind: string): number {
    return licenseKindOrder(kind)
  }

  protected update(tx: Executor, tenantId: string, id: string, patch: Partial<LicenseRow>) {
    return licenses.updateLicense(tx, tenantId, id, patch)
  }

  protected publishApplied(
    tx: Executor,
    ctx: RequestContext,
    row: LicenseRow,
    events: readonly EventType[],
    at: Date,
  ): Promise<LicenseView> {
    return this.publish(tx, ctx, row, events, at)
  }

  /**
   * A new license, inside the caller's transaction (checked by the caller): ACTIVE now, or PENDING
   * with its activation scheduled at `earliest`. Records it and emits `license.created`.
   */
  async create(tx: Executor, ctx: RequestContext, input: NewLicense): Promise<LicenseView> {
    const now = ctx.clock.now()
    const row: LicenseRow = {
      tenantId: ctx.tenant.id,
      id: newId(),
      referenceId: input.referenceId ?? null,
      status: 'PENDING',
      type: input.type ?? licenseType(input.offering.product.category),
      customerId: input.customerId,
      productOfferingId: input.offering.id,
      subscriptionId: input.subscriptionId,
      details: input.details ?? {},
      billingAnchorAt: null,
      activatedAt: null,
      cancelledAt: null,
      pausedAt: null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }
    try {
      await tx.transaction((sp) => licenses.insertLicense(sp, row))
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(
          'license.reference_taken',
          `Another license already has the reference '${input.referenceId}'.`,
          { referenceId: input.referenceId },
        )
      throw error
    }
    await this.timeline.record(tx, ctx, {
      subjectType: LICENSE_TARGET,
      subjectId: row.id,
      kind: 'created',
      effectiveAt: now,
      details: { productOfferingId: input.offering.id, subscriptionId: input.subscriptionId },
    })
    const earliest = input.earliest ?? now
    let created = row
    if (earliest <= now) created = await this.applyStatus(tx, ctx, row, 'activate', now)
    else
      await this.scheduling.schedule(tx, ctx, {
        targetType: LICENSE_TARGET,
        targetId: row.id,
        kind: 'activate',
        effectiveAt: earliest,
      })
    return this.publish(tx, ctx, created, [LICENSE_EVENTS.created])
  }

  /** Activates or cancels (or throws the 409 naming the current status), effective at `at`. */
  async applyStatus(
    tx: Executor,
    ctx: RequestContext,
    row: LicenseRow,
    action: LicenseStatusAction,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<LicenseRow> {
    const status = licenseTransition(row.status, action)
    const patch: Partial<LicenseRow> = { status, updatedAt: ctx.clock.now() }
    if (action === 'activate') Object.assign(patch, { activatedAt: at, billingAnchorAt: at })
    if (action === 'cancel') Object.assign(patch, { cancelledAt: at })
    const updated = await licenses.updateLicense(tx, ctx.tenant.id, row.id, patch)
    // Nothing else can happen to an ended license, and its renewals stop.
    if (action === 'cancel')
      await this.scheduling.supersedeAfter(
        tx,
        ctx,
        { targetType: LICENSE_TARGET, targetId: row.id },
        new Date(0),
        'the license was cancelled',
      )
    await this.record(tx, ctx, row, TIMELINE_KIND[action], at, meta, { from: row.status, to: status })
    if (action === 'activate') await this.scheduleRenewal(tx, ctx, updated, at)
    return updated
  }

  /** Puts the license on another offering, effective at `at`; its renewals follow the new offering's cycle. */
  async applyOfferingChange(
    tx: Executor,
    ctx: RequestContext,
    row: LicenseRow,
    toId: string,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<LicenseRow> {
    const { updated, from, to } = await this.changeOfferingOf(tx, ctx, row, toId, at, meta, 'product_offering_changed')
    // A renewal due at this same instant still applies (it is the new term's start) unless the new
    // offering bills on another cycle, whose first boundary at or after `at` replaces it.
    if (updated.status !== 'PENDING' && !sameCycle(from.price.billingCycle, to.price.billingCycle))
      await this.scheduleRenewal(tx, ctx, updated, new Date(at.getTime() - 1))
    return updated
  }

  /** A new term begins at `at`: recorded, and the next renewal scheduled. */
  async applyRenewal(
    tx: Executor,
    ctx: RequestContext,
    row: LicenseRow,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<LicenseRow> {
    const updated = await licenses.updateLicense(tx, ctx.tenant.id, row.id, { updatedAt: ctx.clock.now() })
    const next = await this.scheduleRenewal(tx, ctx, updated, at)
    await this.record(tx, ctx, row, 'renewed', at, meta, {
      productOfferingId: row.productOfferingId,
      periodStart: at.toISOString(),
      nextRenewalAt: next?.toISOString() ?? null,
    })
    return updated
  }

  /**
   * Makes the pending renewal the first boundary of the license's cycle after `after` (none when its
   * offering has no cycle). An unchanged instant is left alone, so the timeline shows no churn.
   */
  async scheduleRenewal(tx: Executor, ctx: RequestContext, row: LicenseRow, after: Date): Promise<Date | undefined> {
    const target = { targetType: LICENSE_TARGET, targetId: row.id }
    const offering = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    const cycle = offering.price.billingCycle
    if (!cycle || !row.billingAnchorAt) {
      await this.scheduling.supersedeKinds(tx, ctx, target, ['renew'], `'${offering.id}' has no billing cycle`)
      return undefined
    }
    const at = nextRenewal(row.billingAnchorAt, cycle, after, ctx.tenant.timeZone)
    const pending = (await this.scheduling.pending(tx, ctx.tenant.id, LICENSE_TARGET, [row.id])).find(
      (c) => c.kind === 'renew',
    )
    if (pending?.effectiveAt.getTime() === at.getTime()) return at
    const renewer: RequestContext = {
      ...ctx,
      actor: { type: 'system', id: 'system', label: 'license-renewal', scopes: ctx.actor.scopes },
    }
    await this.scheduling.schedule(tx, renewer, { ...target, kind: 'renew', effectiveAt: at })
    return at
  }

  /** A subscription that ends ends the licenses assigned to it, at the same instant. */
  subscriptionListener(): SubscriptionListener {
    return {
      ended: async (tx, ctx, subscription, at) => {
        for (const row of await licenses.lockLiveOfSubscription(tx, ctx.tenant.id, subscription.id)) {
          const updated = await this.applyStatus(tx, ctx, row, 'cancel', at, {
            reason: 'the subscription it is assigned to ended',
            details: { subscriptionId: subscription.id },
          })
          await this.publish(tx, ctx, updated, [LICENSE_EVENTS.ended], at)
        }
      },
    }
  }

  /** Renders the license as it now is and writes its events; the view is what the request answers. */
  async publish(
    tx: Executor,
    ctx: RequestContext,
    row: LicenseRow,
    types: readonly EventType[],
    occurredAt?: Date,
  ): Promise<LicenseView> {
    const view = await this.views.one(tx, ctx, row)
    await this.events.emit(
      tx,
      ctx,
      ...types.map((type) => ({
        type,
        resource: { type: LICENSE_TARGET, id: row.id },
        // A license assigned to a subscription tells its story in the subscription's stream.
        stream: row.subscriptionId
          ? { type: 'subscription', id: row.subscriptionId }
          : { type: LICENSE_TARGET, id: row.id },
        data: view,
        ...(occurredAt && { occurredAt }),
      })),
    )
    return view
  }
}

const sameCycle = (a: BillingCycle | null, b: BillingCycle | null): boolean =>
  a === null || b === null ? a === b : a.period === b.period && a.interval === b.interval
