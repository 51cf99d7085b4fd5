import type { Offering } from '../../domain/catalog/offering.js'
import { addonFits, changeDirection } from '../../domain/catalog/offering.js'
import type { AddonStatus } from '../../domain/addons/addon.js'
import { auditActor, isAttached } from '../../domain/addons/addon.js'
import { validityEnd } from '../../domain/scheduling/calendar.js'
import { ConflictError } from '../../domain/shared/errors.js'
import type { Executor } from '../../persistence/database.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { ChangeTarget, ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { SubscriptionLifecycle, SubscriptionListener } from '../subscriptions/subscription-lifecycle.js'
import type { TimelineActor, TimelineService } from '../timeline.service.js'
import { ADDON_EVENTS, ADDON_TARGET, addonKindOrder } from './addon-kinds.js'
import type { AddonView, AddonViews } from './addon-view.js'

/**
 * The network provider's part in an add-on's life (see services/provisioning). Called inside the
 * transaction that activates, changes or ends the add-on; it records what the provider must do and
 * queues the job that asks it, never calling out from inside the transaction.
 */
export interface AddonProvisioner {
  /** True when the add-on must wait for the provider before it is ACTIVE. */
  provision(tx: Executor, ctx: RequestContext, addon: AddonRow, offering: Offering): Promise<boolean>
  /** The add-on ended (or changed offering): tell the provider, in the background. */
  deprovision(tx: Executor, ctx: RequestContext, addon: AddonRow): Promise<void>
}

/** Tenants with no provider: add-ons are active the moment they apply. */
export const NO_PROVISIONER: AddonProvisioner = { provision: async () => false, deprovision: async () => undefined }

interface Meta {
  reason?: string | null
  scheduledChangeId?: string
  actor?: TimelineActor
  details?: Record<string, unknown>
}

/**
 * What happens to an add-on, the same whether a request does it now or the scheduler at its
 * instant: the row, its expiry, the provider, the subscription's timeline and the events
 * (`subscription.addon.*` with the add-on, and `subscription.updated` with the subscription).
 */
export class AddonLifecycle implements ChangeTarget {
  private provisioner: AddonProvisioner = NO_PROVISIONER

  constructor(
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly timeline: TimelineService,
    private readonly events: EventService,
    private readonly views: AddonViews,
    private readonly subscriptionLifecycle: SubscriptionLifecycle,
  ) {}

  useProvisioner(provisioner: AddonProvisioner): void {
    this.provisioner = provisioner
  }

  lock(tx: Executor, tenantId: string, id: string): Promise<AddonRow | undefined> {
    return addons.lockAddonById(tx, tenantId, id)
  }

  order(kind: string): number {
    return addonKindOrder(kind)
  }

  async apply(tx: Executor, ctx: RequestContext, change: ScheduledChange): Promise<void> {
    const row = (await this.lock(tx, ctx.tenant.id, change.targetId)) as AddonRow
    const actor = { type: change.actorType, id: change.actorId, label: change.actorLabel, user: change.actorUser }
    const meta: Meta = { reason: change.reason, scheduledChangeId: change.id, actor, details: change.payload }
    const at = change.effectiveAt
    let updated: AddonRow
    let type: string
    switch (change.kind) {
      case 'activate':
        updated = await this.activate(tx, ctx, row, at, meta)
        type = updated.status === 'ACTIVE' ? ADDON_EVENTS.activated : ADDON_EVENTS.changed
        break
      case 'change_product_offering':
        updated = await this.changeOffering(tx, ctx, row, String(change.payload.productOfferingId), at, meta)
        type = ADDON_EVENTS.changed
        break
      case 'cancel':
        updated = await this.end(tx, ctx, row, 'CANCELLED', at, meta)
        type = ADDON_EVENTS.cancelled
        break
      case 'expire':
        updated = await this.end(tx, ctx, row, 'EXPIRED', at, meta)
        type = ADDON_EVENTS.expired
        break
      default:
        throw new Error(`Unknown add-on change '${change.kind}'.`)
    }
    await this.publish(tx, ctx, updated, type, { occurredAt: at })
  }

  /** Starts an add-on at `at`: ACTIVE now, or PENDING while the network provider provisions it. */
  async activate(tx: Executor, ctx: RequestContext, row: AddonRow, at: Date, meta: Meta = {}): Promise<AddonRow> {
    if (row.status !== 'PENDING')
      throw new ConflictError(`addon.is_${row.status.toLowerCase()}`, `A ${row.status} add-on cannot be activated.`, {
        status: row.status,
      })
    const offering = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    if (await this.provisioner.provision(tx, ctx, row, offering))
      return (await addons.lockAddonById(tx, ctx.tenant.id, row.id)) as AddonRow
    return this.markActive(tx, ctx, row, offering, at, meta)
  }

  /** The provider finished provisioning: the add-on is ACTIVE from now, its package id its reference. */
  async completeProvisioning(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    providerPackageId: string | null,
  ): Promise<AddonRow> {
    const offering = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    const now = ctx.clock.now()
    const withRef = await addons.updateAddon(tx, ctx.tenant.id, row.id, {
      referenceId: row.referenceId ?? providerPackageId,
      provisioning: {
        ...(row.provisioning ?? { operation: 'PROVISION', attempts: 0, lastError: null }),
        state: 'PROVISIONED',
        providerPackageId,
        updatedAt: now.toISOString(),
      },
      updatedAt: now,
    })
    if (row.status !== 'PENDING') return withRef
    return this.markActive(tx, ctx, withRef, offering, now, { details: { providerPackageId } })
  }

  private async markActive(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    offering: Offering,
    at: Date,
    meta: Meta,
  ): Promise<AddonRow> {
    const validity = offering.product.features.validityDays
    const expiresAt = validity ? validityEnd(at, validity, ctx.tenant.timeZone) : null
    const updated = await addons.updateAddon(tx, ctx.tenant.id, row.id, {
      status: 'ACTIVE',
      activatedAt: at,
      billingAnchorAt: at,
      expiresAt,
      updatedAt: ctx.clock.now(),
    })
    if (expiresAt)
      await this.scheduling.schedule(tx, ctx, {
        targetType: ADDON_TARGET,
        targetId: row.id,
        kind: 'expire',
        effectiveAt: expiresAt,
        reason: `valid ${validity} days`,
      })
    await this.record(tx, ctx, updated, 'addon_activated', at, meta, {
      productOfferingId: offering.id,
      ...(expiresAt && { expiresAt }),
    })
    return updated
  }

  /** Puts the add-on on another offering at `at`. */
  async changeOffering(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    toId: string,
    at: Date,
    meta: Meta = {},
  ): Promise<AddonRow> {
    if (!isAttached(row.status))
      throw new ConflictError(`addon.is_${row.status.toLowerCase()}`, `A ${row.status} add-on cannot change.`, {
        status: row.status,
      })
    const [from, to] = await Promise.all([
      this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId),
      this.catalog.requireOffering(tx, ctx.tenant.id, toId),
    ])
    const updated = await addons.updateAddon(tx, ctx.tenant.id, row.id, {
      productOfferingId: to.id,
      updatedAt: ctx.clock.now(),
    })
    await this.record(tx, ctx, updated, 'addon_changed', at, meta, {
      from: from.id,
      to: to.id,
      direction: changeDirection(from, to),
    })
    if (row.status === 'ACTIVE' && row.provisioning) {
      // The provider holds the old package: replace it with the new offering's.
      await this.provisioner.deprovision(tx, ctx, row)
      await this.provisioner.provision(tx, ctx, updated, to)
    }
    return (await addons.lockAddonById(tx, ctx.tenant.id, row.id)) as AddonRow
  }

  /**
   * Ends the add-on at `at` (CANCELLED or EXPIRED); a scheduled add that never started is withdrawn.
   * A cancellation records who asked for it (for a scheduled one, who scheduled it); an expiry has
   * no one behind it.
   */
  async end(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    status: Extract<AddonStatus, 'CANCELLED' | 'EXPIRED'>,
    at: Date,
    meta: Meta = {},
  ): Promise<AddonRow> {
    if (!isAttached(row.status))
      throw new ConflictError(`addon.is_${row.status.toLowerCase()}`, `The add-on is already ${row.status}.`, {
        status: row.status,
      })
    const updated = await addons.updateAddon(tx, ctx.tenant.id, row.id, {
      status,
      ...(status === 'CANCELLED'
        ? { cancelledAt: at, endedBy: auditActor(meta.actor ?? ctx.actor) }
        : { expiredAt: at }),
      endReason: meta.reason ?? null,
      updatedAt: ctx.clock.now(),
    })
    await this.scheduling.supersedeAfter(
      tx,
      ctx,
      { targetType: ADDON_TARGET, targetId: row.id },
      new Date(0),
      `the add-on is ${status.toLowerCase()}`,
    )
    if (row.provisioning?.state === 'PROVISIONED' || row.provisioning?.state === 'PENDING')
      await this.provisioner.deprovision(tx, ctx, updated)
    await this.record(tx, ctx, updated, status === 'CANCELLED' ? 'addon_cancelled' : 'addon_expired', at, meta, {
      productOfferingId: row.productOfferingId,
      wasStatus: row.status,
    })
    return (await addons.lockAddonById(tx, ctx.tenant.id, row.id)) as AddonRow
  }

  /** Writes the add-on's event (and, unless the subscription publishes its own, `subscription.updated`). */
  async publish(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    type: string,
    options: { occurredAt?: Date; withSubscription?: boolean } = {},
  ): Promise<AddonView> {
    const view = await this.views.one(tx, ctx.tenant, row)
    await this.events.emit(tx, ctx, {
      type,
      resource: { type: ADDON_TARGET, id: row.id },
      data: view,
      ...(options.occurredAt && { occurredAt: options.occurredAt }),
    })
    if (options.withSubscription !== false) {
      const subscription = (await subscriptions.findSubscription(tx, ctx.tenant.id, {
        kind: 'id',
        id: row.subscriptionId,
      })) as SubscriptionRow
      await this.subscriptionLifecycle.publish(tx, ctx, subscription, ['subscription.updated'], options.occurredAt)
    }
    return view
  }

  /** Add-ons follow their subscription: they end with it, and when a new plan no longer fits them. */
  subscriptionListener(): SubscriptionListener {
    const endAll = async (
      tx: Executor,
      ctx: RequestContext,
      subscription: SubscriptionRow,
      at: Date,
      reason: string,
      keep: (o: Offering) => boolean,
    ) => {
      for (const row of await addons.addonsOfSubscription(tx, ctx.tenant.id, subscription.id, ['PENDING', 'ACTIVE'])) {
        const offering = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
        if (keep(offering)) continue
        const locked = (await this.lock(tx, ctx.tenant.id, row.id)) as AddonRow
        const ended = await this.end(tx, ctx, locked, 'CANCELLED', at, { reason })
        await this.publish(tx, ctx, ended, ADDON_EVENTS.cancelled, { occurredAt: at, withSubscription: false })
      }
    }
    return {
      ended: (tx, ctx, subscription, at) => endAll(tx, ctx, subscription, at, 'the subscription ended', () => false),
      offeringChanged: (tx, ctx, subscription, _from, to, at) =>
        endAll(tx, ctx, subscription, at, `no longer fits the plan ${to.id}`, (addon) => addonFits(addon, to)),
    }
  }

  private record(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    kind: string,
    at: Date,
    meta: Meta,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.timeline.record(tx, ctx, {
      // On the subscription's timeline: that is where people look for what happened to a line.
      subjectType: 'subscription',
      subjectId: row.subscriptionId,
      kind,
      effectiveAt: at,
      reason: meta.reason ?? null,
      details: { subscriptionAddonId: row.id, ...details, ...(meta.details ?? {}) },
      ...(meta.scheduledChangeId && { scheduledChangeId: meta.scheduledChangeId }),
      ...(meta.actor && { actor: meta.actor }),
    })
  }
}
