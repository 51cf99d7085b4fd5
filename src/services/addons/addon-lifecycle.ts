import type { Offering } from '../../domain/catalog/offering.js'
import { addonFits } from '../../domain/catalog/offering.js'
import type { AddonStatus } from '../../domain/addons/addon.js'
import { auditActor } from '../../domain/addons/addon.js'
import { checkTransition } from '../../domain/addons/status.js'
import { validityEnd } from '../../domain/scheduling/calendar.js'
import { enforce } from '../../domain/shared/refusal.js'
import type { Executor } from '../../persistence/database.js'
import { subscriptionAddon } from '../../persistence/schema/index.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import type { TimelineEntryRow } from '../../persistence/repositories/timeline.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { EmitInput, EventService } from '../event.service.js'
import type { ChangeHandler, ChangeMeta } from '../lifecycle.js'
import { Lifecycle } from '../lifecycle.js'
import type { ScheduledChange, SchedulingService } from '../scheduling.service.js'
import type { SubscriptionListener } from '../subscriptions/subscription-lifecycle.js'
import { SUBSCRIPTION_TARGET } from '../subscriptions/subscription-kinds.js'
import type { LoadedForView } from '../subscriptions/subscription-view.js'
import type { SubscriptionPublisher } from '../subscriptions/subscription-publisher.js'
import type { TimelineService } from '../timeline.service.js'
import { ADDON_EVENTS, ADDON_TARGET, addonKindOrder } from './addon-kinds.js'
import type { AddonView, AddonViews } from './addon-view.js'
import type { EventType } from '../../domain/webhooks/event-types.js'

/**
 * The network provider's part in an add-on's life (see services/provisioning). Called inside the
 * transaction that activates, changes or ends the add-on; it records what the provider must do and
 * queues the job that asks it, never calling out from inside the transaction.
 */
export interface AddonProvisioner {
  /** True when the tenant's add-ons go through a network provider, so `provision` may hold one PENDING. */
  provides(ctx: RequestContext): boolean
  /** True when the add-on must wait for the provider before it is ACTIVE. */
  provision(tx: Executor, ctx: RequestContext, addon: AddonRow, offering: Offering): Promise<boolean>
  /** The add-on ended (or changed offering): tell the provider, in the background. */
  deprovision(tx: Executor, ctx: RequestContext, addon: AddonRow): Promise<void>
}

/**
 * The licenses add-ons come with (see licenses/included-licenses): an add-on whose offering
 * includes a license gets one when it activates, and it ends with the add-on.
 */
export interface IncludedLicenses {
  /** The add-on is ACTIVE: a license of its offering's included license, or null when it has none. */
  grant(tx: Executor, ctx: RequestContext, addon: AddonRow, offering: Offering): Promise<string | null>
  /** The add-on ended or left the offering that included it: its license ends at `at`. */
  end(tx: Executor, ctx: RequestContext, licenseId: string, at: Date, reason: string): Promise<void>
}

/** Tenants with no provider: add-ons are active the moment they apply. */
export const NO_PROVISIONER: AddonProvisioner = {
  provides: () => false,
  provision: async () => false,
  deprovision: async () => undefined,
}

/**
 * What happens to an add-on, the same whether a request does it now or the scheduler at its
 * instant: the row, its expiry, the provider, the subscription's timeline and the events
 * (`subscription.addon.*` with the add-on, and `subscription.updated` with the subscription).
 */
export class AddonLifecycle extends Lifecycle<AddonRow> {
  protected readonly targetType = ADDON_TARGET
  protected readonly table = subscriptionAddon
  protected override readonly changeName = 'a change'

  /** @param provisioner the network provider's part; NO_PROVISIONER where add-ons are active at once. */
  constructor(
    catalog: CatalogService,
    scheduling: SchedulingService,
    timeline: TimelineService,
    private readonly events: EventService,
    private readonly views: AddonViews,
    private readonly subscriptionPublisher: SubscriptionPublisher,
    private readonly provisioner: AddonProvisioner,
    private readonly licenses: IncludedLicenses,
  ) {
    super(catalog, scheduling, timeline)
  }

  protected readonly handlers: Readonly<Record<string, ChangeHandler<AddonRow>>> = {
    activate: async (tx, ctx, row, change, meta) => {
      const updated = await this.activate(tx, ctx, row, change.effectiveAt, meta)
      return [updated, [updated.status === 'ACTIVE' ? ADDON_EVENTS.activated : ADDON_EVENTS.changed]]
    },
    change_product_offering: async (tx, ctx, row, change, meta) => [
      await this.applyOfferingChange(tx, ctx, row, String(change.payload.productOfferingId), change.effectiveAt, meta),
      [ADDON_EVENTS.changed],
    ],
    cancel: async (tx, ctx, row, change, meta) => [
      await this.end(tx, ctx, row, 'CANCELLED', change.effectiveAt, meta),
      [ADDON_EVENTS.cancelled],
    ],
    expire: async (tx, ctx, row, change, meta) => [
      await this.end(tx, ctx, row, 'EXPIRED', change.effectiveAt, meta),
      [ADDON_EVENTS.expired],
    ],
  }

  lock(tx: Executor, tenantId: string, id: string): Promise<AddonRow | undefined> {
    return addons.lockAddonById(tx, tenantId, id)
  }

  order(kind: string): number {
    return addonKindOrder(kind)
  }

  protected update(tx: Executor, tenantId: string, id: string, patch: Partial<AddonRow>) {
    return addons.updateAddon(tx, tenantId, id, patch)
  }

  /** On the subscription's timeline: that is where people look for what happened to a line. */
  protected override subjectOf(row: AddonRow) {
    return { type: SUBSCRIPTION_TARGET, id: row.subscriptionId, details: { subscriptionAddonId: row.id } }
  }

  protected async publishApplied(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    events: readonly EventType[],
    at: Date,
  ): Promise<void> {
    if (events.length > 0) await this.publish(tx, ctx, row, events, { occurredAt: at })
  }

  /**
   * Starts an add-on at `at`: ACTIVE now, or PENDING while the network provider provisions it.
   * `offering` is the row's offering when the caller has already loaded it in this transaction.
   */
  async activate(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    at: Date,
    meta: ChangeMeta = {},
    offering?: Offering,
  ): Promise<AddonRow> {
    enforce(checkTransition(row.status, 'activate'))
    if (offering && offering.id !== row.productOfferingId) throw new Error("activate: not the add-on's offering")
    offering ??= await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
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

  /**
   * True when an add-on added now is ACTIVE at once: the tenant has no provider to wait for. Such an
   * add-on is inserted with `activeFields` and then `activated`, not inserted PENDING and updated.
   */
  startsActive(ctx: RequestContext): boolean {
    return !this.provisioner.provides(ctx)
  }

  /** What an add-on on `offering` ACTIVE from `at` holds: the instants, and the expiry of a time-limited one. */
  activeFields(
    ctx: RequestContext,
    offering: Offering,
    at: Date,
  ): Pick<AddonRow, 'status' | 'activatedAt' | 'billingAnchorAt' | 'expiresAt' | 'updatedAt'> {
    const validity = offering.product.features.validityDays
    return {
      status: 'ACTIVE',
      activatedAt: at,
      billingAnchorAt: at,
      expiresAt: validity ? validityEnd(at, validity, ctx.tenant.timeZone) : null,
      updatedAt: ctx.clock.now(),
    }
  }

  private async markActive(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    offering: Offering,
    at: Date,
    meta: ChangeMeta,
  ): Promise<AddonRow> {
    const active = await addons.updateAddon(tx, ctx.tenant.id, row.id, this.activeFields(ctx, offering, at))
    return (await this.activated(tx, ctx, active, offering, at, meta)).row
  }

  /**
   * What follows an add-on's activation, once its row holds `activeFields`: the license its offering
   * includes, its expiry scheduled, the timeline entry (added to `timeline` when given, for the
   * caller to write with its events). Answers the row as it now is and the changes it scheduled
   * (for a new add-on, all its pending changes).
   */
  async activated(
    tx: Executor,
    ctx: RequestContext,
    active: AddonRow,
    offering: Offering,
    at: Date,
    meta: ChangeMeta = {},
    timeline?: TimelineEntryRow[],
  ): Promise<{ row: AddonRow; scheduled: ScheduledChange[] }> {
    const licenseId = await this.licenses.grant(tx, ctx, active, offering)
    const row = licenseId ? await addons.updateAddon(tx, ctx.tenant.id, active.id, { licenseId }) : active
    const { expiresAt } = active
    const scheduled: ScheduledChange[] = []
    if (expiresAt) {
      const { change } = await this.scheduling.schedule(tx, ctx, {
        targetType: ADDON_TARGET,
        targetId: active.id,
        kind: 'expire',
        effectiveAt: expiresAt,
        reason: `valid ${offering.product.features.validityDays} days`,
      })
      scheduled.push(change)
    }
    await this.record(
      tx,
      ctx,
      row,
      'addon_activated',
      at,
      meta,
      { productOfferingId: offering.id, ...(expiresAt && { expiresAt }) },
      timeline,
    )
    return { row, scheduled }
  }

  /** Puts the add-on on another offering at `at`. */
  async applyOfferingChange(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    toId: string,
    at: Date,
    meta: ChangeMeta = {},
  ): Promise<AddonRow> {
    enforce(checkTransition(row.status, 'change_product_offering'))
    const { updated, from, to } = await this.changeOfferingOf(tx, ctx, row, toId, at, meta, 'addon_changed')
    if (row.status === 'ACTIVE' && row.provisioning) {
      // The provider holds the old package: replace it with the new offering's.
      await this.provisioner.deprovision(tx, ctx, row)
      await this.provisioner.provision(tx, ctx, updated, to)
    }
    if (row.status === 'ACTIVE' && from.includedLicenseOfferingId !== to.includedLicenseOfferingId) {
      // The license came with the old offering; the new one brings its own, or none.
      if (row.licenseId) await this.licenses.end(tx, ctx, row.licenseId, at, `the add-on moved to ${to.id}`)
      const licenseId = await this.licenses.grant(tx, ctx, updated, to)
      await addons.updateAddon(tx, ctx.tenant.id, row.id, { licenseId })
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
    meta: ChangeMeta = {},
  ): Promise<AddonRow> {
    enforce(checkTransition(row.status, status === 'CANCELLED' ? 'cancel' : 'expire'))
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
    const deprovisioning = row.provisioning?.state === 'PROVISIONED' || row.provisioning?.state === 'PENDING'
    if (deprovisioning) await this.provisioner.deprovision(tx, ctx, updated)
    if (row.licenseId)
      await this.licenses.end(tx, ctx, row.licenseId, at, `the add-on it came with is ${status.toLowerCase()}`)
    await this.record(tx, ctx, updated, status === 'CANCELLED' ? 'addon_cancelled' : 'addon_expired', at, meta, {
      productOfferingId: row.productOfferingId,
      wasStatus: row.status,
    })
    // Deprovisioning and the license's end may write the row again; without them the update's row is current.
    return deprovisioning || row.licenseId
      ? ((await addons.lockAddonById(tx, ctx.tenant.id, row.id)) as AddonRow)
      : updated
  }

  /**
   * Writes the add-on's events, in order (and after them, unless the subscription publishes its own,
   * `subscription.updated`), in one batch. What the caller already holds in this transaction is not
   * read again: `offerings`, `pending` (the add-on's own pending changes) and `subscription` (the
   * row as it now is, with its pending changes). `timeline`: entries of this change not yet
   * written, written with the events.
   */
  async publish(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    types: EventType | readonly EventType[],
    options: {
      occurredAt?: Date
      withSubscription?: boolean
      offerings?: readonly Offering[]
      pending?: readonly ScheduledChange[]
      subscription?: {
        row: SubscriptionRow
        pending: readonly ScheduledChange[]
        embedded?: LoadedForView['embedded']
      }
      timeline?: TimelineEntryRow[]
    } = {},
  ): Promise<AddonView> {
    const view = await this.views.one(tx, ctx.tenant, row, options.offerings, options.pending)
    const batch: EmitInput[] = (typeof types === 'string' ? [types] : types).map((type) => ({
      type,
      resource: { type: ADDON_TARGET, id: row.id },
      stream: { type: SUBSCRIPTION_TARGET, id: row.subscriptionId },
      data: view,
      ...(options.occurredAt && { occurredAt: options.occurredAt }),
    }))
    if (options.withSubscription !== false) {
      const held = options.subscription
      const subscription =
        held?.row ??
        ((await subscriptions.findSubscription(tx, ctx.tenant.id, {
          kind: 'id',
          id: row.subscriptionId,
        })) as SubscriptionRow)
      const updated = await this.subscriptionPublisher.render(
        tx,
        ctx,
        subscription,
        ['subscription.updated'],
        options.occurredAt,
        held
          ? {
              pending: held.pending,
              ...(options.offerings && { offerings: options.offerings }),
              ...(held.embedded && { embedded: held.embedded }),
            }
          : {},
      )
      batch.push(...updated.events)
    }
    await this.events.emitWithTimeline(tx, ctx, options.timeline ?? [], ...batch)
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
}
