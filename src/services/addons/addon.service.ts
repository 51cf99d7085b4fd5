import type { Offering } from '../../domain/catalog/offering.js'
import type { EmbeddedOfferingView, GroupView } from '../../domain/catalog/views.js'
import { embeddedOfferingView, groupView } from '../../domain/catalog/views.js'
import type { AddonStatus, ExternalIds } from '../../domain/addons/addon.js'
import { ATTACHED, addRequestHash, auditActor, pickAddon } from '../../domain/addons/addon.js'
import {
  checkAdd,
  checkNamed,
  checkSubscriptionOpen,
  checkSubscriptionTakes,
  unknownOffering,
} from '../../domain/addons/rules.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import { ConflictError, NotFoundError } from '../../domain/shared/errors.js'
import { enforce, refusalError } from '../../domain/shared/refusal.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { newId } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { TimelineEntryRow } from '../../persistence/repositories/timeline.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { SubscriptionLifecycle } from '../subscriptions/subscription-lifecycle.js'
import type { SubscriptionView } from '../subscriptions/subscription-view.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import { ADDON_EVENTS, ADDON_TARGET } from './addon-kinds.js'
import type { AddonLifecycle } from './addon-lifecycle.js'
import type { AddonView, AddonViews } from './addon-view.js'
import { assertNotPastDay } from '../../domain/scheduling/requested-day.js'

export interface AddAddonInput {
  productOfferingId: string
  /** The earliest day to add it (tenant time zone); none = now. */
  scheduledAt?: string
  /** Or the earliest instant to add it (the V2 API's `activation_date`). */
  startAt?: Date
  referenceId?: string
  metadata?: Record<string, unknown>
  /**
   * A client-chosen id (a UUID). Adding again with the same id and the same input answers that
   * add-on as it is now; with a different input (or on another subscription), a 409.
   */
  id?: string
  externalIds?: ExternalIds
}

export interface CancelAddonInput {
  subscriptionAddonId?: string
  productOfferingId?: string
  scheduledAt?: string
  /** Or the instant to cancel it at (the V2 API's `deactivation_date`). */
  at?: Date
  reason?: string
  metadata?: Record<string, unknown>
  /** Leave even a cancellation due now to the worker (for APIs that answer 202 Accepted). */
  deferred?: boolean
}

export interface AddonOption {
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  productOfferingGroupId: string | null
  group: GroupView | null
}

/**
 * Add-ons of a subscription (seeds 000 and 002): list, read, what can be added, add (now or from a
 * day) and cancel (now or from a day). Changes are in AddonChangeService.
 */
export class AddonService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly subscriptions: SubscriptionService,
    private readonly subscriptionLifecycle: SubscriptionLifecycle,
    private readonly lifecycle: AddonLifecycle,
    private readonly views: AddonViews,
  ) {}

  async list(
    ctx: RequestContext,
    subscriptionRef: EntityRef,
    statuses: readonly AddonStatus[] = ATTACHED,
  ): Promise<AddonView[]> {
    const subscription = await this.subscriptions.require(this.db, ctx, subscriptionRef)
    return this.views.many(
      this.db,
      ctx.tenant,
      await addons.addonsOfSubscription(this.db, ctx.tenant.id, subscription.id, statuses),
    )
  }

  async get(ctx: RequestContext, subscriptionRef: EntityRef, addonRef: EntityRef): Promise<AddonView> {
    const subscription = await this.subscriptions.require(this.db, ctx, subscriptionRef)
    const row = await addons.findAddon(this.db, ctx.tenant.id, subscription.id, addonRef)
    if (!row)
      throw new NotFoundError('subscription_addon', addonRef.kind === 'id' ? addonRef.id : `rid_${addonRef.reference}`)
    return this.views.one(this.db, ctx.tenant, row)
  }

  /** What can be added now: available add-ons (not top-ups) that fit the plan and are under their limit. */
  async options(ctx: RequestContext, subscriptionRef: EntityRef): Promise<AddonOption[]> {
    const subscription = await this.subscriptions.require(this.db, ctx, subscriptionRef)
    if (subscription.status === 'CANCELLED') return []
    const plan = await this.catalog.requireOffering(this.db, ctx.tenant.id, subscription.productOfferingId)
    const attached = await addons.addonsOfSubscription(this.db, ctx.tenant.id, subscription.id, ATTACHED)
    const offerings = await this.catalog.listOfferings(this.db, ctx.tenant.id, {
      types: ['SUBSCRIPTION_ADDON'],
      status: ['AVAILABLE'],
    })
    return offerings
      .filter((o) => checkAdd({ productOfferingId: o.id, offering: o, plan, attached }).ok)
      .map((o) => ({
        productOfferingId: o.id,
        productOffering: embeddedOfferingView(o),
        productOfferingGroupId: o.groupId,
        group: o.group ? groupView(o.group) : null,
      }))
  }

  /** Adds an add-on now, or from the client's day (PENDING with pendingStatus until then). */
  async add(ctx: RequestContext, subscriptionRef: EntityRef, input: AddAddonInput): Promise<AddonView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, (tx) => this.addIn(tx, ctx, subscriptionRef, input))
  }

  /** Adds inside the caller's transaction (orders fulfil ADD_ON items with it). */
  async addIn(tx: Executor, ctx: RequestContext, subscriptionRef: EntityRef, input: AddAddonInput): Promise<AddonView> {
    // Locked with what its snapshot embeds (customer, subscriber, port-in), which nothing here changes.
    const { row: subscription, embedded } = await this.subscriptions.lockForView(tx, ctx, subscriptionRef)
    const requestHash = addRequestHash(subscription.id, input)
    // Before any rule: the add-on added by the first request may itself be what a rule now refuses.
    const existing = input.id ? await this.lifecycle.lock(tx, ctx.tenant.id, input.id) : undefined
    if (existing) return this.addedBefore(tx, ctx, existing, requestHash)
    const now = ctx.clock.now()
    const requested =
      input.startAt ?? (input.scheduledAt ? startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone) : now)
    const at = latest(now, requested)
    const pending = await this.assertSubscriptionTakes(tx, ctx, subscription, at)
    const { offering, plan } = await this.addableOffering(tx, ctx, subscription, input.productOfferingId)
    // Due now with no provider to wait for: inserted ACTIVE, not inserted PENDING and updated.
    const startsActive = at <= now && this.lifecycle.startsActive(ctx)
    const pendingRow: AddonRow = {
      tenantId: ctx.tenant.id,
      id: input.id ?? newId(),
      subscriptionId: subscription.id,
      productOfferingId: offering.id,
      status: 'PENDING',
      referenceId: input.referenceId ?? null,
      licenseId: null,
      addedAt: now,
      activatedAt: null,
      billingAnchorAt: null,
      expiresAt: null,
      cancelledAt: null,
      expiredAt: null,
      endReason: null,
      provisioning: null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
      createdBy: auditActor(ctx.actor),
      endedBy: null,
      externalIds: input.externalIds ?? {},
      requestHash,
    }
    const row = startsActive ? { ...pendingRow, ...this.lifecycle.activeFields(ctx, offering, now) } : pendingRow
    if (!(await addons.insertAddonUnlessTaken(tx, row))) {
      const raced = input.id ? await this.lifecycle.lock(tx, ctx.tenant.id, input.id) : undefined
      if (raced) return this.addedBefore(tx, ctx, raced, requestHash)
      throw new ConflictError(
        'subscription_addon.reference_taken',
        `Another add-on already has the reference '${input.referenceId}'.`,
        { referenceId: input.referenceId },
      )
    }
    let current = row
    // The add-on's pending changes are those scheduled here (unknown only after a provider's turn).
    let scheduled: ScheduledChange[] | undefined
    // The activation's timeline entry is written with the events, in their statement.
    const timeline: TimelineEntryRow[] = []
    if (startsActive)
      ({ row: current, scheduled } = await this.lifecycle.activated(tx, ctx, row, offering, now, {}, timeline))
    else if (at <= now) current = await this.lifecycle.activate(tx, ctx, row, now, {}, offering)
    else {
      const { change } = await this.scheduling.schedule(tx, ctx, {
        targetType: ADDON_TARGET,
        targetId: row.id,
        kind: 'activate',
        effectiveAt: at,
      })
      scheduled = [change]
    }
    // Loaded above and unchanged since (an add-on add writes nothing on the subscription's row or
    // its pending changes): the events' snapshots are rendered from them, not read again.
    const loaded = {
      offerings: [offering, plan],
      ...(scheduled && { pending: scheduled }),
      subscription: { row: subscription, pending, embedded },
    }
    const types = current.status === 'ACTIVE' ? [ADDON_EVENTS.added, ADDON_EVENTS.activated] : [ADDON_EVENTS.added]
    return this.lifecycle.publish(tx, ctx, current, types, { ...loaded, timeline })
  }

  /** Cancels an attached add-on now or from a day; a scheduled add that has not started is withdrawn. Answers the Subscription (seed 002). */
  async cancel(ctx: RequestContext, subscriptionRef: EntityRef, input: CancelAddonInput): Promise<SubscriptionView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, async (tx) => {
      const subscription = await this.subscriptions.require(tx, ctx, subscriptionRef, true)
      const row = await this.pick(tx, ctx, subscription, {
        ...(input.subscriptionAddonId && { subscriptionAddonId: input.subscriptionAddonId }),
        ...(input.productOfferingId && { productOfferingId: input.productOfferingId }),
      })
      const now = ctx.clock.now()
      const requested = input.at ?? (input.scheduledAt ? startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone) : now)
      // A scheduled add that has not started is withdrawn at once, whatever the day asked for.
      const at = row.status === 'PENDING' ? now : latest(now, requested)
      const details = { ...(input.metadata && { metadata: input.metadata }) }
      if (at <= now && !input.deferred) {
        const ended = await this.lifecycle.end(tx, ctx, row, 'CANCELLED', now, {
          reason: input.reason ?? null,
          details,
        })
        await this.lifecycle.publish(tx, ctx, ended, ADDON_EVENTS.cancelled, { withSubscription: false })
      } else {
        await this.scheduling.schedule(tx, ctx, {
          targetType: ADDON_TARGET,
          targetId: row.id,
          kind: 'cancel',
          effectiveAt: at,
          reason: input.reason ?? null,
          payload: details,
        })
        await this.lifecycle.publish(tx, ctx, row, ADDON_EVENTS.changed, { withSubscription: false })
      }
      return this.subscriptionLifecycle.publish(tx, ctx, subscription, ['subscription.updated'])
    })
  }

  /** A second add with a client-chosen id: the same request answers the add-on, another is a 409. */
  private async addedBefore(
    tx: Executor,
    ctx: RequestContext,
    existing: AddonRow,
    requestHash: string,
  ): Promise<AddonView> {
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        'subscription_addon.id_taken',
        `An add-on with id '${existing.id}' already exists, added by a different request.`,
        { subscriptionAddonId: existing.id },
      )
    }
    return this.views.one(tx, ctx.tenant, existing)
  }

  /** The attached add-on a change or cancel means, locked. */
  async pick(
    tx: Executor,
    ctx: RequestContext,
    subscription: SubscriptionRow,
    by: { subscriptionAddonId?: string; productOfferingId?: string; groupId?: string | null },
  ): Promise<AddonRow> {
    enforce(checkNamed(by))
    const attached = await addons.addonsOfSubscription(tx, ctx.tenant.id, subscription.id, ATTACHED)
    const offerings = await this.catalog.offeringsById(
      tx,
      ctx.tenant.id,
      attached.map((a) => a.productOfferingId),
    )
    const chosen = pickAddon(
      attached.map((a) => ({
        subscriptionAddonId: a.id,
        productOfferingId: a.productOfferingId,
        groupId: offerings.get(a.productOfferingId)?.groupId ?? null,
        status: a.status,
      })),
      by,
    )
    return (await this.lifecycle.lock(tx, ctx.tenant.id, chosen.subscriptionAddonId)) as AddonRow
  }

  /**
   * A cancelled subscription, or one cancelled before `at`, takes no add-on. Answers the
   * subscription's pending changes, which it read.
   */
  async assertSubscriptionTakes(
    tx: Executor,
    ctx: RequestContext,
    subscription: SubscriptionRow,
    at: Date,
  ): Promise<ScheduledChange[]> {
    enforce(checkSubscriptionOpen(subscription, 'add')) // before loading the pending changes it would not need
    const pending = await this.subscriptions.pendingOf(tx, ctx, subscription)
    enforce(checkSubscriptionTakes(subscription, pending, at))
    return pending
  }

  /** The add-on's offering, if the rules let it on the subscription, and the subscription's plan (read together). */
  private async addableOffering(
    tx: Executor,
    ctx: RequestContext,
    subscription: SubscriptionRow,
    id: string,
  ): Promise<{ offering: Offering; plan: Offering }> {
    const found = await this.catalog.findOfferings(tx, ctx.tenant.id, [id, subscription.productOfferingId])
    const offering = found.get(id)
    if (!offering) throw refusalError(unknownOffering(id))
    const plan = found.get(subscription.productOfferingId)
    if (!plan) throw new NotFoundError('product_offering', subscription.productOfferingId)
    const attached = await addons.addonsOfSubscription(tx, ctx.tenant.id, subscription.id, ATTACHED)
    enforce(checkAdd({ productOfferingId: id, offering, plan, attached }))
    return { offering, plan }
  }
}

const latest = (a: Date, b: Date): Date => (a > b ? a : b)
