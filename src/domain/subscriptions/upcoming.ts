import type { Offering } from '../catalog/offering.js'
import { addonFits } from '../catalog/offering.js'
import type { LinePricing, TaxRate } from '../orders/pricing.js'
import { priceLine } from '../orders/pricing.js'
import { nextRenewal } from '../scheduling/calendar.js'

/**
 * What is next for a line (GET /subscriptions/{id}/upcoming): its pending changes and those of its
 * add-ons walked in the order they will apply, what is in force at the plan's next renewal, and
 * what that renewal will charge. Pure: the caller loads the rows, the pending changes and every
 * offering they name, and passes the current time.
 */

export type UpcomingTarget = 'SUBSCRIPTION' | 'SUBSCRIPTION_ADDON'

/** One change to come, of the subscription or of one of its add-ons. */
export interface UpcomingStep {
  /** Null for a change that follows from another (an add-on ending with its subscription or a plan it does not fit). */
  scheduledChangeId: string | null
  target: UpcomingTarget
  /** The add-on it is about, for an add-on change. */
  addonId: string | null
  kind: string
  at: Date
  /** The offering after the step: the new one of an offering change; the add-on's own for other add-on changes. */
  productOfferingId: string | null
  payload: Record<string, unknown>
  reason: string | null
}

export interface LineNow {
  productOfferingId: string
  billingAnchorAt: Date | null
  /** The subscription has ended (nothing more happens to it). */
  ended: boolean
}

export interface AddonNow {
  id: string
  status: 'PENDING' | 'ACTIVE'
  productOfferingId: string
  billingAnchorAt: Date | null
}

export interface AddonAfter {
  id: string
  /** ACTIVE once activated (now or by a step), PENDING while its activation is still to come. */
  status: 'PENDING' | 'ACTIVE'
  productOfferingId: string
  /** When it starts its billing cycle: its anchor, or the instant a pending activation sets. */
  anchor: Date | null
  /** When it ends (cancel, expiry, its subscription ending, a plan it does not fit), if it does. */
  endsAt: Date | null
}

export interface Projection {
  /** The steps that will still happen, in order, with the derived ones. */
  steps: UpcomingStep[]
  productOfferingId: string
  /** When the subscription ends, if a cancel is pending. */
  endsAt: Date | null
  addons: AddonAfter[]
}

/**
 * Applies `steps` (sorted in the order they apply: instant, the subscription's before its add-ons',
 * then kind order) up to and including `until`. A step after its subscription or add-on has ended
 * is dropped (it will be superseded); a plan change ends the add-ons that do not fit the new plan
 * and a cancel ends them all, at its instant (what the add-ons' subscription listener does).
 */
export function project(
  line: LineNow,
  addons: readonly AddonNow[],
  steps: readonly UpcomingStep[],
  offerings: ReadonlyMap<string, Offering>,
  until: Date = new Date(8.64e15),
): Projection {
  const state = new Map<string, AddonAfter>(
    addons.map((a) => [
      a.id,
      { id: a.id, status: a.status, productOfferingId: a.productOfferingId, anchor: a.billingAnchorAt, endsAt: null },
    ]),
  )
  const out: UpcomingStep[] = []
  let planId = line.productOfferingId
  let endsAt: Date | null = null
  const endAddons = (at: Date, reason: string, keep: (addon: Offering) => boolean) => {
    for (const addon of state.values()) {
      if (addon.endsAt) continue
      const offering = offerings.get(addon.productOfferingId)
      if (offering && keep(offering)) continue
      addon.endsAt = at
      out.push({
        scheduledChangeId: null,
        target: 'SUBSCRIPTION_ADDON',
        addonId: addon.id,
        kind: 'cancel',
        at,
        productOfferingId: addon.productOfferingId,
        payload: {},
        reason,
      })
    }
  }
  for (const step of steps) {
    if (step.at > until) break
    if (line.ended || endsAt) continue
    if (step.target === 'SUBSCRIPTION') {
      out.push(step)
      if (step.kind === 'change_product_offering' && step.productOfferingId) {
        planId = step.productOfferingId
        const plan = offerings.get(planId)
        if (plan) endAddons(step.at, `no longer fits the plan ${planId}`, (addon) => addonFits(addon, plan))
      }
      if (step.kind === 'cancel') {
        endsAt = step.at
        endAddons(step.at, 'the subscription ended', () => false)
      }
      continue
    }
    const addon = step.addonId ? state.get(step.addonId) : undefined
    if (!addon || addon.endsAt) continue
    if (step.kind === 'activate') {
      addon.status = 'ACTIVE'
      addon.anchor = step.at
    }
    if (step.kind === 'change_product_offering' && step.productOfferingId)
      addon.productOfferingId = step.productOfferingId
    if (step.kind === 'cancel' || step.kind === 'expire') addon.endsAt = step.at
    out.push({ ...step, productOfferingId: step.productOfferingId ?? addon.productOfferingId })
  }
  return { steps: out, productOfferingId: planId, endsAt, addons: [...state.values()] }
}

/**
 * The next renewal of something billed on `offering`'s cycle from `anchor`, strictly after `now`,
 * unless it ends at or before it (then there is none). Null without a recurring cycle or an anchor.
 */
export function renewalOf(
  offering: Offering | undefined,
  anchor: Date | null,
  endsAt: Date | null,
  now: Date,
  zone: string,
): Date | null {
  const cycle = offering?.price.priceType === 'RECURRING' ? offering.price.billingCycle : null
  if (!cycle || !anchor) return null
  const next = nextRenewal(anchor, cycle, anchor > now ? anchor : now, zone)
  return endsAt && endsAt <= next ? null : next
}

export interface ChargeItem {
  target: UpcomingTarget
  addonId: string | null
  offering: Offering
  pricing: NonNullable<LinePricing['recurring']>
}

export interface Charge {
  currency: string
  taxIncluded: boolean
  subtotalMinor: number
  taxAmountMinor: number
  totalMinor: number
  items: ChargeItem[]
}

/**
 * What a renewal charges: one period of the recurring price of the plan and of each add-on in
 * force, priced as an order's recurring costs are (net of the offering's discount, the tenant's tax
 * rates, no fees). Items on another cycle or in another currency than the plan are billed on their
 * own and left out, as an order's `recurringCosts` leaves them out.
 */
export function renewalCharge(
  plan: Offering,
  addons: readonly { id: string; offering: Offering }[],
  rates: TaxRate[],
): Charge | null {
  const cycle = plan.price.priceType === 'RECURRING' ? plan.price.billingCycle : null
  if (!cycle) return null
  const lines: { target: UpcomingTarget; addonId: string | null; offering: Offering }[] = [
    { target: 'SUBSCRIPTION', addonId: null, offering: plan },
    ...addons.map((a) => ({ target: 'SUBSCRIPTION_ADDON' as const, addonId: a.id, offering: a.offering })),
  ]
  const items: ChargeItem[] = []
  for (const line of lines) {
    const price = line.offering.price
    const same =
      price.priceType === 'RECURRING' &&
      price.currency === plan.price.currency &&
      price.billingCycle?.period === cycle.period &&
      price.billingCycle.interval === cycle.interval
    if (!same) continue
    const priced = priceLine(
      {
        lineItemId: line.addonId ?? line.offering.id,
        type: line.target === 'SUBSCRIPTION' ? 'SUBSCRIPTION' : 'ADD_ON',
        description: line.offering.name,
        quantity: 1,
        currency: price.currency,
        unitGrossMinor: price.grossMinor,
        unitDiscountMinor: price.discountMinor,
        recurring: cycle,
        taxIncluded: price.taxIncluded,
      },
      rates,
      [],
    )
    if (priced.recurring) items.push({ ...line, pricing: priced.recurring })
  }
  const sum = (pick: (i: ChargeItem) => number) => items.reduce((s, i) => s + pick(i), 0)
  return {
    currency: plan.price.currency,
    taxIncluded: items.every((i) => i.offering.price.taxIncluded),
    subtotalMinor: sum((i) => i.pricing.subtotalMinor),
    taxAmountMinor: sum((i) => i.pricing.taxAmountMinor),
    totalMinor: sum((i) => i.pricing.totalMinor),
    items,
  }
}
