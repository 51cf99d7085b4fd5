import type { DirectLineInventory } from './direct-line-inventory.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { PartyService } from '../party.service.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { TimelineItem, TimelineService } from '../timeline.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { SubscriptionLifecycle } from './subscription-lifecycle.js'
import type { EmbeddedParts, SubscriptionView, SubscriptionViews } from './subscription-view.js'
import { toPortingSummary } from '../porting/port-in-view.js'
import { numberInUse } from './subscription-lookup.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { newId, parseEntityRef } from '../../domain/shared/ids.js'
import { BusinessRuleError, ConflictError, NotFoundError } from '../../domain/shared/errors.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { readPage } from '../../domain/shared/paging.js'
import type { CancelReason, CancelSchedule } from '../../domain/subscriptions/cancellation.js'
import { assertCancelReason, cancellationInstant } from '../../domain/subscriptions/cancellation.js'
import { assertNotPastDay } from '../../domain/scheduling/requested-day.js'
import type { StatusAction, SubscriptionStatus } from '../../domain/subscriptions/status.js'
import { canTransition, projectedStatus, statusConflict } from '../../domain/subscriptions/status.js'
import type { Executor } from '../../persistence/database.js'
import { isUniqueViolation } from '../../persistence/errors.js'
import type { SubscriptionFilter, SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import { findPortInOfSubscription } from '../../persistence/repositories/port-in.repository.js'
import type { SimDetails } from '../../persistence/schema/subscriptions.js'
import { SUBSCRIPTION_TARGET, STATUS_KINDS, isStatusKind } from './subscription-kinds.js'
import { displayMsisdn, subscriptionType } from '../../domain/subscriptions/subscription.js'

export interface CreateSubscriptionInput {
  /** The id to give it (fulfilment makes it first, to assign a number and SIM to it); default: new. */
  id?: string
  productOfferingId: string
  customerId: string
  subscriberId?: string
  subscriber?: { name: string; email?: string; address?: Record<string, unknown>; metadata?: Record<string, unknown> }
  msisdn?: string
  /** With a number of the pool: the lease holding it (direct creation; orders check theirs). */
  leaseToken?: string
  display?: string
  sim?: SimDetails
  extensions?: Record<string, unknown>
  /** The earliest day to activate; none = now. */
  scheduleActivationAt?: string
  /** Stay PENDING until something activates it (a port-in completing); no activation is scheduled. */
  awaitActivation?: boolean
  referenceId?: string
  metadata?: Record<string, unknown>
}

export interface StatusChangeInput {
  /** The earliest day it may take effect (the tenant's calendar); none = now. */
  scheduledAt?: string
  reason?: string
  metadata?: Record<string, unknown>
}

export interface CancelInput {
  schedule: CancelSchedule
  reason: CancelReason
  comment?: string
  metadata?: Record<string, unknown>
}

export type ListSubscriptionsInput = Omit<SubscriptionFilter, 'customerIds'> & { customerIds?: EntityRef[] }

/** Settings a tenant can set (tenant.settings). */
export const ALLOW_DIRECT_CREATION = 'allowDirectSubscriptionCreation'

/**
 * Subscriptions: read, create directly (where the tenant allows it), and move through the status
 * machine now or at a date. Every date is the earliest acceptable day in the tenant's zone; the
 * scheduling engine holds what takes effect later.
 */
export class SubscriptionService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogService,
    private readonly parties: PartyService,
    private readonly scheduling: SchedulingService,
    private readonly lifecycle: SubscriptionLifecycle,
    private readonly views: SubscriptionViews,
    private readonly timeline: TimelineService,
    private readonly inventory: DirectLineInventory,
  ) {}

  async get(ctx: RequestContext, ref: EntityRef): Promise<SubscriptionView> {
    const row = await this.require(this.db, ctx, ref)
    return this.views.one(this.db, ctx.tenant, row, ctx.clock.now())
  }

  async list(ctx: RequestContext, input: ListSubscriptionsInput, page: PageRequest): Promise<Page<SubscriptionView>> {
    const { customerIds, ...rest } = input
    const filter: SubscriptionFilter = { ...rest }
    if (customerIds?.length) {
      // A customer that does not exist (or is another tenant's) matches nothing.
      const ids = await Promise.all(
        customerIds.map((ref) =>
          this.parties
            .requireCustomer(this.db, ctx.tenant.id, ref)
            .then((c) => c.customerId)
            .catch(() => undefined),
        ),
      )
      filter.customerIds = ids.filter((id): id is string => id !== undefined)
      if (filter.customerIds.length === 0)
        return {
          items: [],
          pagination: {
            limit: page.limit,
            nextCursor: null,
            ...(page.offset !== undefined && { offset: page.offset, total: 0 }),
          },
        }
    }
    const rows = await readPage(
      page,
      (window) => subscriptions.listSubscriptions(this.db, ctx.tenant.id, filter, window),
      (row) => row.id,
      () => subscriptions.countSubscriptions(this.db, ctx.tenant.id, filter),
    )
    return {
      items: await this.views.many(this.db, ctx.tenant, rows.items, ctx.clock.now()),
      pagination: rows.pagination,
    }
  }

  async timelineOf(ctx: RequestContext, ref: EntityRef): Promise<TimelineItem[]> {
    const row = await this.require(this.db, ctx, ref)
    return this.timeline.forSubject(ctx.tenant.id, SUBSCRIPTION_TARGET, row.id)
  }

  /** Creates a subscription without an order, where the tenant allows it; now or from a future day. */
  async create(ctx: RequestContext, input: CreateSubscriptionInput): Promise<SubscriptionView> {
    if (ctx.tenant.settings[ALLOW_DIRECT_CREATION] === false) {
      throw new BusinessRuleError(
        'subscription.direct_creation_disabled',
        'This tenant creates subscriptions through orders only (POST /orders).',
      )
    }
    assertNotPastDay(input.scheduleActivationAt, '/body/scheduleActivationAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, async (tx) => {
      const line = {
        subscriptionId: input.id ?? newId(),
        msisdn: input.msisdn,
        leaseToken: input.leaseToken,
        sim: input.sim,
      }
      const claimed = await this.inventory.claim(tx, ctx, line)
      const view = await this.createIn(tx, ctx, { ...input, id: line.subscriptionId })
      if (claimed) await this.inventory.settle(tx, ctx, line, claimed)
      return view
    })
  }

  /**
   * Creates a subscription inside the caller's transaction (direct creation, and order fulfilment).
   * `path` prefixes the field paths of errors, so an order can point at its line item.
   */
  async createIn(
    tx: Executor,
    ctx: RequestContext,
    input: CreateSubscriptionInput,
    path = '/body',
  ): Promise<SubscriptionView> {
    const offering = await this.catalog.getOffering(tx, ctx.tenant.id, input.productOfferingId)
    if (!offering)
      throw new BusinessRuleError(
        'product_offering.not_found',
        `No product offering '${input.productOfferingId}'.`,
        { productOfferingId: input.productOfferingId },
        [{ path: `${path}/productOfferingId`, message: 'unknown offering' }],
      )
    if (offering.product.type !== 'SUBSCRIPTION')
      throw new BusinessRuleError(
        'subscription.offering_not_a_plan',
        `'${offering.id}' is a ${offering.product.type} offering, not a subscription plan.`,
        { productOfferingId: offering.id, type: offering.product.type },
      )
    if (offering.status !== 'AVAILABLE')
      throw new BusinessRuleError(
        'product_offering.not_orderable',
        `'${offering.id}' is archived and can no longer be ordered.`,
        { productOfferingId: offering.id },
      )
    // A malformed id is a 400, not a query on the uuid column (which would fail as a 500).
    const customer = await this.parties
      .requireCustomer(tx, ctx.tenant.id, parseEntityRef(input.customerId, 'customerId', 'body'))
      .catch((error: unknown) => {
        if (error instanceof NotFoundError)
          throw new BusinessRuleError(
            'customer.not_found',
            `No customer '${input.customerId}'.`,
            { customerId: input.customerId },
            [{ path: `${path}/customerId`, message: 'unknown customer' }],
          )
        throw error
      })
    const subscriberId = await this.subscriberFor(tx, ctx, customer.customerId, input, path)
    const now = ctx.clock.now()
    const activateAt = input.scheduleActivationAt
      ? latest(now, startOfLocalDate(input.scheduleActivationAt, ctx.tenant.timeZone))
      : now
    const activeNow = activateAt <= now && !input.awaitActivation
    const row: SubscriptionRow = {
      tenantId: ctx.tenant.id,
      id: input.id ?? newId(),
      referenceId: input.referenceId ?? null,
      status: activeNow ? 'ACTIVATED' : 'PENDING',
      type: subscriptionType(offering.product.category),
      msisdn: input.msisdn ?? null,
      display: input.display ?? (input.msisdn ? displayMsisdn(input.msisdn) : null),
      customerId: customer.customerId,
      subscriberId,
      productOfferingId: offering.id,
      sim: input.sim ?? { esim: false },
      extensions: input.extensions ?? {},
      billingAnchorAt: activeNow ? now : null,
      activatedAt: activeNow ? now : null,
      cancelledAt: null,
      cancellation: null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    }
    try {
      await tx.transaction((sp) => subscriptions.insertSubscription(sp, row))
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(
          'subscription.reference_taken',
          `Another subscription already has the reference '${input.referenceId}'.`,
          { referenceId: input.referenceId },
        )
      throw error
    }
    await this.timeline.record(tx, ctx, {
      subjectType: SUBSCRIPTION_TARGET,
      subjectId: row.id,
      kind: 'created',
      effectiveAt: now,
      details: { productOfferingId: offering.id },
    })
    if (activeNow)
      await this.timeline.record(tx, ctx, {
        subjectType: SUBSCRIPTION_TARGET,
        subjectId: row.id,
        kind: 'activated',
        effectiveAt: now,
        details: { from: 'PENDING', to: 'ACTIVATED' },
      })
    else if (!input.awaitActivation)
      await this.scheduling.schedule(tx, ctx, {
        targetType: SUBSCRIPTION_TARGET,
        targetId: row.id,
        kind: 'activate',
        effectiveAt: activateAt,
      })
    return this.lifecycle.publish(tx, ctx, row, [
      'subscription.created',
      ...(subscriberId ? (['subscription.subscriber_set'] as const) : []),
    ])
  }

  /** Activate, block, unblock, pause or resume: now, or from the client's earliest day. */
  async changeStatus(
    ctx: RequestContext,
    ref: EntityRef,
    action: Exclude<StatusAction, 'cancel'>,
    input: StatusChangeInput,
  ): Promise<SubscriptionView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, async (tx) => {
      const row = await this.require(tx, ctx, ref, true)
      const now = ctx.clock.now()
      const at = input.scheduledAt ? latest(now, startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone)) : now
      const pending = await this.pendingOf(tx, ctx, row)
      assertNoCancelBy(pending, at, ctx.tenant.timeZone)
      const details = { ...(input.metadata && { metadata: input.metadata }) }
      if (at <= now) {
        const updated = await this.lifecycle.applyStatus(tx, ctx, row, action, now, {
          reason: input.reason ?? null,
          details,
        })
        // Done now: a pending change of the same kind has nothing left to do.
        await this.scheduling.supersedeKinds(
          tx,
          ctx,
          { targetType: SUBSCRIPTION_TARGET, targetId: row.id },
          [action],
          `${action} was done at once instead`,
        )
        return this.lifecycle.publish(tx, ctx, updated, ['subscription.updated'])
      }
      const before = pending.filter((c) => isStatusKind(c.kind) && c.kind !== action && c.effectiveAt <= at)
      const projected = projectedStatus(
        row.status,
        before.map((c) => ({ action: c.kind as StatusAction, effectiveAt: c.effectiveAt })),
        at,
      )
      if (!canTransition(projected, action)) throw statusConflict(projected, action)
      await this.scheduling.schedule(tx, ctx, {
        targetType: SUBSCRIPTION_TARGET,
        targetId: row.id,
        kind: action,
        effectiveAt: at,
        reason: input.reason ?? null,
        payload: details,
      })
      return this.lifecycle.publish(tx, ctx, row, ['subscription.updated'])
    })
  }

  /** Cancels now (Openline's CancelNow), tomorrow, on the 1st of next month, or from a date. */
  async cancel(ctx: RequestContext, ref: EntityRef, input: CancelInput): Promise<SubscriptionView> {
    assertCancelReason(input.reason, input.comment)
    if (input.schedule.type === 'CancelAtDate')
      assertNotPastDay(input.schedule.date, '/body/schedule/date', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, async (tx) => {
      const row = await this.require(tx, ctx, ref, true)
      if (row.status === 'CANCELLED') throw statusConflict(row.status, 'cancel')
      const now = ctx.clock.now()
      const at = cancellationInstant(input.schedule, now, ctx.tenant.timeZone)
      const details = {
        reason: input.reason,
        comment: input.comment ?? null,
        schedule: input.schedule.type,
        ...(input.metadata && { metadata: input.metadata }),
      }
      if (at <= now) {
        const updated = await this.lifecycle.applyStatus(tx, ctx, row, 'cancel', now, { reason: input.reason, details })
        return this.lifecycle.publish(tx, ctx, updated, ['subscription.updated', 'subscription.ended'])
      }
      const target = { targetType: SUBSCRIPTION_TARGET, targetId: row.id }
      await this.scheduling.schedule(tx, ctx, {
        ...target,
        kind: 'cancel',
        effectiveAt: at,
        reason: input.reason,
        payload: details,
      })
      // A scheduled cancel supersedes every change after it (docs/compatibility.md).
      await this.scheduling.supersedeAfter(
        tx,
        ctx,
        target,
        at,
        `the subscription is cancelled before it (on ${at.toISOString()})`,
        ['cancel'],
      )
      return this.lifecycle.publish(tx, ctx, row, ['subscription.updated'])
    })
  }

  /** Withdraws what a pending* field shows: every pending status change, or the pending plan change. */
  async withdrawPending(
    ctx: RequestContext,
    ref: EntityRef,
    field: 'status' | 'productOffering',
  ): Promise<SubscriptionView> {
    return this.uow.write(ctx, async (tx) => {
      const row = await this.require(tx, ctx, ref, true)
      const kinds = field === 'status' ? STATUS_KINDS : ['change_product_offering']
      const withdrawn = await this.scheduling.withdraw(
        tx,
        ctx,
        { targetType: SUBSCRIPTION_TARGET, targetId: row.id },
        kinds,
      )
      if (withdrawn.length === 0) {
        const name = field === 'status' ? 'pendingStatus' : 'pendingProductOffering'
        throw new NotFoundError(field === 'status' ? 'pending_status' : 'pending_product_offering', row.id, {
          message: `The subscription has no ${name} to withdraw.`,
        })
      }
      return this.lifecycle.publish(tx, ctx, row, ['subscription.updated'])
    })
  }

  /** The row, or 404; locked for the transaction when it will change. */
  async require(ex: Executor, ctx: RequestContext, ref: EntityRef, forUpdate = false): Promise<SubscriptionRow> {
    const row = forUpdate
      ? await subscriptions.lockSubscription(ex, ctx.tenant.id, ref)
      : await subscriptions.findSubscription(ex, ctx.tenant.id, ref)
    if (!row) throw new NotFoundError('subscription', ref.kind === 'id' ? ref.id : `rid_${ref.reference}`)
    return row
  }

  /**
   * The subscription locked for update, as `require(…, true)`, and what its view embeds (customer,
   * subscriber, port-in) read in the same statement, for a write that publishes the subscription
   * after changing only what follows it (an add-on add): `LoadedForView.embedded`.
   */
  async lockForView(
    tx: Executor,
    ctx: RequestContext,
    ref: EntityRef,
  ): Promise<{ row: SubscriptionRow; embedded: ReadonlyMap<string, EmbeddedParts> }> {
    const found = await subscriptions.lockSubscriptionForView(tx, ctx.tenant.id, ref)
    if (!found) throw new NotFoundError('subscription', ref.kind === 'id' ? ref.id : `rid_${ref.reference}`)
    const { row, customerName, subscriber } = found
    // A row the joins missed (none, with the foreign keys) is left to the view to read, and 404 on.
    if (customerName === null || (row.subscriberId !== null && subscriber === null)) return { row, embedded: new Map() }
    // After the lock, in a statement of its own (see lockSubscriptionForView).
    const portIn = await findPortInOfSubscription(tx, ctx.tenant.id, row.id)
    const parts: EmbeddedParts = {
      customer: { customerId: row.customerId, name: customerName },
      subscriber: subscriber && this.parties.embedSubscriberRow(subscriber),
      porting: portIn ? toPortingSummary(portIn, ctx.tenant.timeZone) : null,
    }
    return { row, embedded: new Map([[row.id, parts]]) }
  }

  /** Whether a subscription of the tenant that has not ended uses this number. */
  numberInUse(ex: Executor, tenantId: string, msisdn: string): Promise<boolean> {
    return numberInUse(ex, tenantId, msisdn)
  }

  pendingOf(ex: Executor, ctx: RequestContext, row: SubscriptionRow): Promise<ScheduledChange[]> {
    return this.scheduling.pending(ex, ctx.tenant.id, SUBSCRIPTION_TARGET, [row.id])
  }

  private async subscriberFor(
    tx: Executor,
    ctx: RequestContext,
    customerId: string,
    input: CreateSubscriptionInput,
    path: string,
  ): Promise<string | null> {
    if (input.subscriberId) {
      const subscriber = await this.parties
        .requireSubscriber(tx, ctx.tenant.id, input.subscriberId)
        .catch((error: unknown) => {
          if (error instanceof NotFoundError)
            throw new BusinessRuleError('subscriber.not_found', `No subscriber '${input.subscriberId}'.`, {}, [
              { path: `${path}/subscriberId`, message: 'unknown subscriber' },
            ])
          throw error
        })
      if (subscriber.customerId !== customerId) {
        throw new BusinessRuleError(
          'subscriber.other_customer',
          'The subscriber belongs to another customer.',
          { subscriberId: input.subscriberId },
          [{ path: `${path}/subscriberId`, message: 'belongs to another customer' }],
        )
      }
      return subscriber.subscriberId
    }
    if (input.subscriber)
      return (await this.parties.createSubscriber(tx, ctx, { customerId, ...input.subscriber }, `${path}/subscriber`))
        .subscriberId
    return null
  }
}

/** A pending cancel at or before `at` makes any later change pointless: 409. */
export function assertNoCancelBy(pending: ScheduledChange[], at: Date, timeZone: string): void {
  const cancel = pending.find((c) => c.kind === 'cancel' && c.effectiveAt <= at)
  if (cancel) {
    const when = cancel.effectiveAt.toISOString()
    throw new ConflictError(
      'subscription.cancellation_pending',
      `The subscription is cancelled from ${when} (${timeZone}); withdraw the cancellation first (DELETE /subscriptions/{id}/pending-status).`,
      {
        cancelAt: when,
      },
    )
  }
}

const latest = (a: Date, b: Date): Date => (a > b ? a : b)

export type { SubscriptionStatus }
