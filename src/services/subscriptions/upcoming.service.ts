import { isAttached } from '../../domain/addons/addon.js'
import type { Offering } from '../../domain/catalog/offering.js'
import type { EmbeddedOfferingView } from '../../domain/catalog/views.js'
import { embeddedOfferingView, priceView } from '../../domain/catalog/views.js'
import { toLocalDate, validityEnd } from '../../domain/scheduling/calendar.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { toMajor } from '../../domain/shared/money.js'
import type { AddonNow, UpcomingStep, UpcomingTarget } from '../../domain/subscriptions/upcoming.js'
import { project, renewalCharge, renewalOf } from '../../domain/subscriptions/upcoming.js'
import type { Executor } from '../../persistence/database.js'
import { ADDON_STATUS_AFTER, addonKindOrder } from '../addons/addon-kinds.js'
import type { AddonRecords } from '../addons/addon-records.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import { tenantPricing } from '../orders/order-pricing.js'
import type { ScheduledChange } from '../scheduling.service.js'
import { STATUS_AFTER, isStatusKind, kindOrder } from './subscription-kinds.js'
import type { SubscriptionService } from './subscription.service.js'

export interface UpcomingChangeView {
  scheduledChangeId: string | null
  at: Date
  scheduledAt: string
  target: UpcomingTarget
  subscriptionAddonId: string | null
  kind: string
  status: string | null
  productOfferingId: string | null
  productOffering: EmbeddedOfferingView | null
  msisdn: string | null
  reason: string | null
}

interface Amounts {
  subtotal: number
  taxAmount: number
  total: number
}

/** Openline's answer to "what is next for this line" (docs/compatibility.md, Upcoming). */
export interface UpcomingView {
  subscriptionId: string
  asOf: Date
  changes: UpcomingChangeView[]
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  nextRenewalAt: Date | null
  endsAt: Date | null
  addons: {
    subscriptionAddonId: string
    status: 'PENDING' | 'ACTIVE'
    productOfferingId: string
    productOffering: EmbeddedOfferingView
    nextRenewalAt: Date | null
    endsAt: Date | null
  }[]
  nextCharge:
    | (Amounts & {
        at: Date
        scheduledAt: string
        currency: string
        taxIncluded: boolean
        billingCycle: { period: string; interval: number }
        items: (Amounts & {
          target: UpcomingTarget
          subscriptionAddonId: string | null
          productOfferingId: string
          name: string
        })[]
      })
    | null
}

const targetRank = (target: UpcomingTarget) => (target === 'SUBSCRIPTION' ? 0 : 1)
const order = (s: UpcomingStep) => (s.target === 'SUBSCRIPTION' ? kindOrder(s.kind) : addonKindOrder(s.kind))

/**
 * GET /subscriptions/{id}/upcoming: the pending changes of a subscription and its add-ons in the
 * order they will apply, the next renewals, and what the plan's next renewal will charge once the
 * changes due by then have applied. Reads only; the tenant's clock (a sandbox's test clock) is now.
 */
export class UpcomingService {
  constructor(
    private readonly db: Executor,
    private readonly subscriptions: SubscriptionService,
    private readonly addons: AddonRecords,
    private readonly catalog: CatalogService,
  ) {}

  async of(ctx: RequestContext, ref: EntityRef): Promise<UpcomingView> {
    const now = ctx.clock.now()
    const zone = ctx.tenant.timeZone
    const row = await this.subscriptions.require(this.db, ctx, ref)
    const pending = await this.subscriptions.pendingOf(this.db, ctx, row)
    const records = (await this.addons.list(ctx, { kind: 'id', id: row.id })).filter((r) => isAttached(r.view.status))
    const steps: UpcomingStep[] = [
      ...pending.map((c) => step(c, 'SUBSCRIPTION', null)),
      ...records.flatMap((r) => r.pending.map((c) => step(c, 'SUBSCRIPTION_ADDON', r.view.subscriptionAddonId))),
    ]
    const offeringIds = new Set([row.productOfferingId, ...records.map((r) => r.offering.id)])
    for (const s of steps) if (s.productOfferingId) offeringIds.add(s.productOfferingId)
    const offerings = await this.catalog.offeringsById(
      this.db,
      ctx.tenant.id,
      offeringIds,
      records.map((r) => r.offering),
    )
    // A pending activation of a time-limited add-on sets its expiry when it applies: shown already.
    for (const s of [...steps])
      if (s.target === 'SUBSCRIPTION_ADDON' && s.kind === 'activate') {
        const days = records.find((r) => r.view.subscriptionAddonId === s.addonId)?.offering.product.features
          .validityDays
        if (days)
          steps.push({ ...s, scheduledChangeId: null, kind: 'expire', at: validityEnd(s.at, days, zone), reason: null })
      }
    steps.sort(
      (a, b) =>
        a.at.getTime() - b.at.getTime() ||
        targetRank(a.target) - targetRank(b.target) ||
        order(a) - order(b) ||
        ((a.scheduledChangeId ?? '') < (b.scheduledChangeId ?? '') ? -1 : 1),
    )
    const line = {
      productOfferingId: row.productOfferingId,
      billingAnchorAt: row.billingAnchorAt,
      ended: row.status === 'CANCELLED',
    }
    const addonsNow: AddonNow[] = records.map((r) => ({
      id: r.view.subscriptionAddonId,
      status: r.view.status === 'ACTIVE' ? 'ACTIVE' : 'PENDING',
      productOfferingId: r.offering.id,
      billingAnchorAt: r.view.activatedAt,
    }))
    const all = project(line, addonsNow, steps, offerings)
    const plan = offerings.get(row.productOfferingId) as Offering
    const running = !line.ended && row.billingAnchorAt !== null && now >= row.billingAnchorAt
    const renewsAt = running ? renewalOf(plan, row.billingAnchorAt, all.endsAt, now, zone) : null
    const embedded = (id: string | null) => (id ? embeddedOfferingView(offerings.get(id) as Offering) : null)
    return {
      subscriptionId: row.id,
      asOf: now,
      changes: all.steps.map((s) => ({
        scheduledChangeId: s.scheduledChangeId,
        at: s.at,
        scheduledAt: toLocalDate(s.at, zone),
        target: s.target,
        subscriptionAddonId: s.addonId,
        kind: s.kind,
        status: statusAfter(s),
        productOfferingId: s.productOfferingId,
        productOffering: embedded(s.productOfferingId),
        msisdn: s.kind === 'change_msisdn' ? String(s.payload.msisdn) : null,
        reason: s.reason,
      })),
      productOfferingId: plan.id,
      productOffering: embeddedOfferingView(plan),
      nextRenewalAt: renewsAt,
      endsAt: all.endsAt,
      addons: records.map((r) => {
        const after = all.addons.find((a) => a.id === r.view.subscriptionAddonId)
        return {
          subscriptionAddonId: r.view.subscriptionAddonId,
          status: r.view.status === 'ACTIVE' ? ('ACTIVE' as const) : ('PENDING' as const),
          productOfferingId: r.offering.id,
          productOffering: r.view.productOffering,
          nextRenewalAt: after ? renewalOf(r.offering, after.anchor, after.endsAt, now, zone) : null,
          endsAt: after?.endsAt ?? null,
        }
      }),
      nextCharge: renewsAt ? this.charge(ctx, line, addonsNow, steps, offerings, renewsAt) : null,
    }
  }

  /** What the renewal at `at` charges, after every change due by then (a downgrade at the renewal included). */
  private charge(
    ctx: RequestContext,
    line: Parameters<typeof project>[0],
    addons: AddonNow[],
    steps: UpcomingStep[],
    offerings: Map<string, Offering>,
    at: Date,
  ): UpcomingView['nextCharge'] {
    const then = project(line, addons, steps, offerings, at)
    const inForce = then.addons
      .filter((a) => a.status === 'ACTIVE' && !a.endsAt)
      .map((a) => ({ id: a.id, offering: offerings.get(a.productOfferingId) as Offering }))
    const plan = offerings.get(then.productOfferingId) as Offering
    const charge = renewalCharge(plan, inForce, tenantPricing(ctx.tenant.settings).rates)
    if (!charge) return null
    const major = (minor: number) => toMajor(minor, charge.currency)
    return {
      at,
      scheduledAt: toLocalDate(at, ctx.tenant.timeZone),
      currency: charge.currency,
      subtotal: major(charge.subtotalMinor),
      taxAmount: major(charge.taxAmountMinor),
      total: major(charge.totalMinor),
      taxIncluded: charge.taxIncluded,
      billingCycle: priceView(plan.price).billingCycle as { period: string; interval: number },
      items: charge.items.map((i) => ({
        target: i.target,
        subscriptionAddonId: i.addonId,
        productOfferingId: i.offering.id,
        name: i.offering.name,
        subtotal: major(i.pricing.subtotalMinor),
        taxAmount: major(i.pricing.taxAmountMinor),
        total: major(i.pricing.totalMinor),
      })),
    }
  }
}

function step(change: ScheduledChange, target: UpcomingTarget, addonId: string | null): UpcomingStep {
  const to = change.payload.productOfferingId
  return {
    scheduledChangeId: change.id,
    target,
    addonId,
    kind: change.kind,
    at: change.effectiveAt,
    productOfferingId: change.kind === 'change_product_offering' && typeof to === 'string' ? to : null,
    payload: change.payload,
    reason: change.reason,
  }
}

/** The status a change leads to: the subscription's or the add-on's; null for plan and number changes. */
function statusAfter(s: UpcomingStep): string | null {
  if (s.target === 'SUBSCRIPTION') return isStatusKind(s.kind) ? STATUS_AFTER[s.kind] : null
  return ADDON_STATUS_AFTER[s.kind as keyof typeof ADDON_STATUS_AFTER] ?? null
}
