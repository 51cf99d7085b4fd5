import type { Offering } from '../../domain/catalog/offering.js'
import { addonFits, changeDirection, isTopUp } from '../../domain/catalog/offering.js'
import type { ChangeOption } from '../../domain/catalog/views.js'
import { changeOption } from '../../domain/catalog/views.js'
import { ATTACHED } from '../../domain/addons/addon.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import { offeringChangeInstant } from '../../domain/scheduling/offering-change.js'
import { BusinessRuleError } from '../../domain/shared/errors.js'
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
import { ADDON_EVENTS, ADDON_TARGET } from './addon-kinds.js'
import type { AddonLifecycle } from './addon-lifecycle.js'
import type { AddonService } from './addon.service.js'
import { atLimit } from './addon.service.js'
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
      .filter((o) => o.id !== current.id && !isTopUp(o) && addonFits(o, plan) && !atLimit(o, attached, row.id))
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
    if (subscription.status === 'CANCELLED')
      throw new BusinessRuleError(
        'addon.subscription_cancelled',
        'The subscription is cancelled; its add-ons cannot change.',
        { subscriptionId: subscription.id },
      )
    const to = await this.catalog.getOffering(tx, ctx.tenant.id, input.productOfferingId)
    if (!to)
      throw new BusinessRuleError(
        'product_offering.not_found',
        `No product offering '${input.productOfferingId}'.`,
        { productOfferingId: input.productOfferingId },
        [{ path: '/body/productOfferingId', message: 'unknown offering' }],
      )
    const row = await this.addonService.pick(tx, ctx, subscription, {
      ...(input.subscriptionAddonId && { subscriptionAddonId: input.subscriptionAddonId }),
      ...(!input.subscriptionAddonId &&
        input.currentProductOfferingId && { productOfferingId: input.currentProductOfferingId }),
      ...(!input.subscriptionAddonId && !input.currentProductOfferingId && { groupId: to.groupId }),
    })
    const current = await this.catalog.requireOffering(tx, ctx.tenant.id, row.productOfferingId)
    const plan = await this.catalog.requireOffering(tx, ctx.tenant.id, subscription.productOfferingId)
    this.assertChange(
      current,
      to,
      plan,
      row,
      await addons.addonsOfSubscription(tx, ctx.tenant.id, subscription.id, ATTACHED),
    )
    const now = ctx.clock.now()
    const earliest = input.scheduledAt ? startOfLocalDate(input.scheduledAt, ctx.tenant.timeZone) : undefined
    const { at } = when(ctx, row, current, to, now, earliest)
    await this.addonService.assertSubscriptionTakes(tx, ctx, subscription, at)
    const target = { targetType: ADDON_TARGET, targetId: row.id }
    const details = {
      from: current.id,
      to: to.id,
      direction: changeDirection(current, to),
      ...(input.metadata && { metadata: input.metadata }),
    }
    if (at <= now) {
      await this.scheduling.supersedeKinds(
        tx,
        ctx,
        target,
        ['change_product_offering'],
        'replaced by a change applied at once',
      )
      const changed = await this.lifecycle.changeOffering(tx, ctx, row, to.id, now, {
        reason: input.reason ?? null,
        details,
      })
      await this.lifecycle.publish(tx, ctx, changed, ADDON_EVENTS.changed, { withSubscription: false })
    } else {
      await this.scheduling.schedule(tx, ctx, {
        ...target,
        kind: 'change_product_offering',
        effectiveAt: at,
        reason: input.reason ?? null,
        payload: { productOfferingId: to.id, ...details },
      })
      await this.lifecycle.publish(tx, ctx, row, ADDON_EVENTS.changed, { withSubscription: false })
    }
    return this.subscriptionLifecycle.publish(tx, ctx, subscription, ['subscription.updated'])
  }

  private assertChange(current: Offering, to: Offering, plan: Offering, row: AddonRow, attached: AddonRow[]): void {
    const id = to.id
    if (to.id === current.id)
      throw new BusinessRuleError('addon.offering_unchanged', `The add-on is already on '${id}'.`, {
        productOfferingId: id,
      })
    if (to.product.type !== 'SUBSCRIPTION_ADDON' || isTopUp(to))
      throw new BusinessRuleError('addon.offering_not_an_addon', `'${id}' is not an add-on offering.`, {
        productOfferingId: id,
      })
    if (to.status !== 'AVAILABLE')
      throw new BusinessRuleError('addon.offering_archived', `'${id}' is archived and can no longer be chosen.`, {
        productOfferingId: id,
      })
    if (!current.groupId || to.groupId !== current.groupId) {
      throw new BusinessRuleError(
        'addon.change_incompatible',
        `An add-on changes within its group ('${current.groupId ?? 'none'}'); '${id}' is in '${to.groupId ?? 'none'}'.`,
        { productOfferingId: id, group: current.groupId },
      )
    }
    if (!addonFits(to, plan))
      throw new BusinessRuleError('addon.incompatible_with_plan', `'${id}' does not fit the plan '${plan.id}'.`, {
        productOfferingId: id,
        plan: plan.id,
      })
    if (atLimit(to, attached, row.id))
      throw new BusinessRuleError(
        'addon.limit_reached',
        `The subscription already holds ${to.maxPerSubscription} of '${id}'.`,
        { productOfferingId: id },
      )
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
