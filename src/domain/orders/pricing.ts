import type { BillingCycle } from '../scheduling/calendar.js'
import { roundHalfAwayFromZero } from '../shared/money.js'

/**
 * Order pricing, in integer minor units (exact). A line's subtotal is its price for the first
 * invoice (one-time price, or one period of a recurring one) times its quantity. Discounts (the
 * offering's own and a promotion's) come off it, tenant fees are added, and tax is computed on
 * the result: added on top when prices exclude tax, extracted from it when they include it. Each
 * tax rate is rounded half away from zero on its own line, so the breakdown sums to the tax.
 */

/** A tenant tax rate (tenant setting `taxRates`): `rate` is percent (8.25 means 8.25 %). */
export interface TaxRate {
  name: string
  rate: number
  /** Line item types it applies to; empty or absent: all. */
  appliesTo?: string[]
}

/** A tenant fee (tenant setting `fees`), charged once per line item of the listed types. */
export interface Fee {
  name: string
  amountMinor: number
  currency: string
  appliesTo: string[]
}

export interface LineToPrice {
  lineItemId: string
  type: string
  description: string
  quantity: number
  currency: string
  /** Price per unit before any discount. */
  unitGrossMinor: number
  /** The offering's own discount per unit. */
  unitDiscountMinor: number
  recurring: BillingCycle | null
  taxIncluded: boolean
  /** A promotion's discount per unit on the first invoice, and whether it keeps applying after. */
  promotion?: { name: string; unitDiscountMinor: number; durationMonths: number | null }
  /** The recurring price per unit when it differs from this invoice's (a plan change costs nothing now, the new plan after). */
  recurringUnitMinor?: number
}

export interface Amount {
  name: string
  amountMinor: number
}

export interface TaxLine {
  description: string
  rate: number
  amountMinor: number
}

export interface LinePricing {
  lineItemId: string
  description: string
  currency: string
  quantity: number
  subtotalMinor: number
  discounts: Amount[]
  totalDiscountsMinor: number
  fees: Amount[]
  totalFeesMinor: number
  taxBreakdown: TaxLine[]
  taxAmountMinor: number
  taxIncluded: boolean
  totalMinor: number
  /** What the line costs each period after the first invoice (null for one-time lines). */
  recurring: { billingCycle: BillingCycle; subtotalMinor: number; taxAmountMinor: number; totalMinor: number } | null
}

export interface OrderPricing {
  currency: string
  taxIncluded: boolean
  subtotalMinor: number
  totalDiscountsMinor: number
  feesMinor: number
  taxAmountMinor: number
  totalMinor: number
  lines: LinePricing[]
  recurringCosts: {
    billingCycle: BillingCycle
    subtotalMinor: number
    taxAmountMinor: number
    totalMinor: number
  } | null
}

const applies = (list: string[] | undefined, type: string) => !list || list.length === 0 || list.includes(type)

/** Tax on `amount` for each rate: on top of it, or contained in it. */
export function taxes(amountMinor: number, rates: TaxRate[], included: boolean): TaxLine[] {
  const totalRate = rates.reduce((sum, r) => sum + r.rate, 0)
  return rates.map((r) => ({
    description: r.name,
    rate: r.rate,
    amountMinor: included
      ? roundHalfAwayFromZero((amountMinor * r.rate) / (100 + totalRate))
      : roundHalfAwayFromZero((amountMinor * r.rate) / 100),
  }))
}

export function priceLine(line: LineToPrice, rates: TaxRate[], fees: Fee[]): LinePricing {
  const q = line.quantity
  const subtotalMinor = line.unitGrossMinor * q
  const discounts: Amount[] = []
  if (line.unitDiscountMinor > 0) discounts.push({ name: 'Discount', amountMinor: line.unitDiscountMinor * q })
  if (line.promotion && line.promotion.unitDiscountMinor > 0)
    discounts.push({ name: line.promotion.name, amountMinor: line.promotion.unitDiscountMinor * q })
  const totalDiscountsMinor = discounts.reduce((s, d) => s + d.amountMinor, 0)
  const lineFees = fees
    .filter((f) => f.currency === line.currency && applies(f.appliesTo, line.type))
    .map((f) => ({ name: f.name, amountMinor: f.amountMinor }))
  const totalFeesMinor = lineFees.reduce((s, f) => s + f.amountMinor, 0)
  const lineRates = rates.filter((r) => applies(r.appliesTo, line.type))
  const base = subtotalMinor - totalDiscountsMinor + totalFeesMinor
  const taxBreakdown = taxes(base, lineRates, line.taxIncluded)
  const taxAmountMinor = taxBreakdown.reduce((s, t) => s + t.amountMinor, 0)
  const totalMinor = line.taxIncluded ? base : base + taxAmountMinor

  let recurring: LinePricing['recurring'] = null
  if (line.recurring) {
    // After the first invoice: the regular price, less a promotion that outlasts the first period.
    const keepsPromotion =
      line.promotion && (line.promotion.durationMonths === null || line.promotion.durationMonths > 1)
    const unit =
      line.recurringUnitMinor ??
      line.unitGrossMinor - line.unitDiscountMinor - (keepsPromotion ? (line.promotion?.unitDiscountMinor ?? 0) : 0)
    const periodMinor = unit * q
    const periodTax = taxes(periodMinor, lineRates, line.taxIncluded).reduce((s, t) => s + t.amountMinor, 0)
    recurring = {
      billingCycle: line.recurring,
      subtotalMinor: periodMinor,
      taxAmountMinor: periodTax,
      totalMinor: line.taxIncluded ? periodMinor : periodMinor + periodTax,
    }
  }
  return {
    lineItemId: line.lineItemId,
    description: line.description,
    currency: line.currency,
    quantity: q,
    subtotalMinor,
    discounts,
    totalDiscountsMinor,
    fees: lineFees,
    totalFeesMinor,
    taxBreakdown,
    taxAmountMinor,
    taxIncluded: line.taxIncluded,
    totalMinor,
    recurring,
  }
}

/** Prices every line and sums them. All lines must share one currency (the caller checks). */
export function priceOrder(lines: LineToPrice[], rates: TaxRate[], fees: Fee[], currency: string): OrderPricing {
  const priced = lines.map((l) => priceLine(l, rates, fees))
  const sum = (pick: (l: LinePricing) => number) => priced.reduce((s, l) => s + pick(l), 0)
  const recurringLines = priced.filter((l) => l.recurring)
  const cycle = recurringLines[0]?.recurring?.billingCycle
  const sameCycle = recurringLines.filter(
    (l) =>
      l.recurring &&
      cycle &&
      l.recurring.billingCycle.period === cycle.period &&
      l.recurring.billingCycle.interval === cycle.interval,
  )
  return {
    currency,
    taxIncluded: priced.length > 0 && priced.every((l) => l.taxIncluded),
    subtotalMinor: sum((l) => l.subtotalMinor),
    totalDiscountsMinor: sum((l) => l.totalDiscountsMinor),
    feesMinor: sum((l) => l.totalFeesMinor),
    taxAmountMinor: sum((l) => l.taxAmountMinor),
    totalMinor: sum((l) => l.totalMinor),
    lines: priced,
    recurringCosts: cycle
      ? {
          billingCycle: cycle,
          subtotalMinor: sameCycle.reduce((s, l) => s + (l.recurring?.subtotalMinor ?? 0), 0),
          taxAmountMinor: sameCycle.reduce((s, l) => s + (l.recurring?.taxAmountMinor ?? 0), 0),
          totalMinor: sameCycle.reduce((s, l) => s + (l.recurring?.totalMinor ?? 0), 0),
        }
      : null,
  }
}
