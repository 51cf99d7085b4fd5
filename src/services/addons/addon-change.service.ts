import type { Offering } from '../../domain/catalog/offering.js'
import type { ChangeOption } from '../../domain/catalog/views.js'
import { changeOption } from '../../domain/catalog/views.js'
import { ATTACHED } from '../../domain/addons/addon.js'
import { checkChange, checkSubscriptionOpen, unknownOffering } from '../../domain/addons/rules.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import { offeringChangeInstant } from '../../domain/scheduling/offering-change.js'
import { BusinessRuleError } from '../../domain/shared/errors.js'
import { enforce, refusalError } from '../../domain/shared/refusal.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import type { Executor } from '../../persistence/database.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { SchedulingService } from '../scheduling.service.js'
import type { SubscriptionLifecycle } from '../subscriptions/subscription-lifecycle.js'
import type { SubscriptionView } from '../subscriptions/subscription-view.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import { ADDON_EVENTS } from './addon-kinds.js'
import type { AddonLifecycle } from './addon-lifecycle.js'
import type { AddonService } from './addon.service.js'
import { assertNotPastDay } from '../../domain/scheduling/requested-day.js'

export interface ChangeAddonInput {
  productOfferingId: string
  subscriptionAddonId?: string
  currentProductOfferingId?: string
  scheduledAt?: string
  reason?: string
  metadata?: Record<string, unknown>
}

/**
 * Changing an attached add-on to another offering of its group (seed 001). Upgrades and lateral
 * moves apply now, downgrades at the next renewal of the add-on's own cycle (anchored at its
 * activation), never before the client's day; until then the add-on shows pendingProductOffering.
 */
export class AddonChangeService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogService,
    private readonly scheduling: SchedulingService,
    private readonly subscriptions: SubscriptionService,
    private readonly subscriptionLifecycle: SubscriptionLifecycle,
    private readonly lifecycle: AddonLifecycle,
    private readonly addonService: AddonService,
  ) {}

  /** What the add-on on `currentProductOfferingId` (or `subscriptionAddonId`) may change to, and when. */
  async options(
    ctx: RequestContext,
    subscriptionRef: EntityRef,
    by: { currentProductOfferingId?: string; subscriptionAddonId?: string },
  ): Promise<ChangeOption[]> {
    const subscription = await this.subscriptions.require(this.db, ctx, subscriptionRef)
    const attached = await addons.addonsOfSubscription(this.db, ctx.tenant.id, subscription.id, ATTACHED)
    const row = attached.find((a) =>
      by.subscriptionAddonId ? a.id === by.subscriptionAddonId : a.productOfferingId === by.currentProductOfferingId,
    )
    if (!row)
      throw new BusinessRuleError('addon.not_found', 'No attached add-on on this subscription matches.', { match: by })
    const [current, plan] = await Promise.all([
      this.catalog.requireOffering(this.db, ctx.tenant.id, row.productOfferingId),
      this.catalog.requireOffering(this.db, ctx.tenant.id, subscription.productOfferingId),
    ])
    if (!current.groupId) return []
    const now = ctx.clock.now()
    const candidates = await this.catalog.listOfferings(this.db, ctx.tenant.id, {
      types: ['SUBSCRIPTION_ADDON'],
      status: ['AVAILABLE'],
      groupId: current.groupId,
    })
    return candidates
      .filter((to) => checkChange({ addonId: row.id, current, to, plan, attached }).ok)
      .map((to) => {
        const { timing, at } = when(ctx, row, current, to, now, undefined)
        return changeOption(current, to, { timing, at }, ctx.tenant.timeZone)
      })
  }

  /** Changes the add-on now or at the time its policy allows; answers the Subscription (seed 001). */
  async change(ctx: RequestContext, subscriptionRef: EntityRef, input: ChangeAddonInput): Promise<SubscriptionView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, (tx) => this.changeIn(tx, ctx, subscriptionRef, input))
  }

  /** The change inside the caller's transaction (orders fulfil ADD_ON_CHANGE items with it). */
  async changeIn(
    tx: Executor,
    ctx: RequestContext,
    subscriptionRef: EntityRef,
    input: ChangeAddonInput,
  ): Promise<SubscriptionView> {
    const subscription = await this.subscriptions.require(tx, ctx, subscriptionRef, true)
    enforce(checkSubscriptionOpen(subscription, 'change'))
    const to = await this.catalog.getOffering(tx, ctx.tenant.id, input.productOfferingId)
    if (!to) throw refusalError(unknownOffering(input.productOfferingId))
    const row = await this.addonService.pick(tx, ctx, subscription, {
      ...(input.subscriptionAddonId && { subscriptionAddonId: input.subscriptionAddonId }),
      ...(!input.subscriptionAddonId &&
        input.currentProductOfferingId && { productOfferingId: input.currentProductOfferingId }),
      ...(!input.subscriptionAddonId && !input.currentProductOfferingId && { groupId: to.groupId }),
    })
    const current = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    const plan = await this.catalog.requireOffering(tx, ctx.tenant.id, subscription.productOfferingId)
    const attached = await addons.addonsOfSubscription(tx, ctx.tenant.id, subscription.id, ATTACHED)
    enforce(checkChange({ addonId: row.id, current, to, plan, attached }))
    const now = ctx.clock.now()
    const earliest = input.scheduledAt ? startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone) : undefined
    const { at } = when(ctx, row, current, to, now, earliest)
    await this.addonService.assertSubscriptionTakes(tx, ctx, subscription, at)
    const changed = await this.lifecycle.changeOfferingAt(tx, ctx, row, {
      from: current,
      to,
      at,
      ...(input.reason && { reason: input.reason }),
      ...(input.metadata && { metadata: input.metadata }),
    })
    await this.lifecycle.publish(tx, ctx, changed, ADDON_EVENTS.changed, { withSubscription: false })
    return this.subscriptionLifecycle.publish(tx, ctx, subscription, ['subscription.updated'])
  }
}

/** A PENDING add-on, or one on a one-time price, has no cycle to wait for: it changes at once. */
const when = (
  ctx: RequestContext,
  row: AddonRow,
  from: Offering,
  to: Offering,
  now: Date,
  earliest: Date | undefined,
) =>
  offeringChangeInstant({
    from,
    to,
    anchor: row.billingAnchorAt,
    running: row.status === 'ACTIVE',
    now,
    ...(earliest && { earliest }),
    zone: ctx.tenant.timeZone,
  })
