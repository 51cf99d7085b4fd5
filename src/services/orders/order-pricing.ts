import type { Offering } from '../../domain/catalog/offering.js'
import { promotionRejection } from '../../domain/catalog/promotion.js'
import { applyPromotion } from '../../domain/catalog/promotion.js'
import type { LineItem } from '../../domain/orders/inputs.js'
import type { Fee, LineToPrice, OrderPricing, TaxRate } from '../../domain/orders/pricing.js'
import { priceOrder } from '../../domain/orders/pricing.js'
import { addCalendar, startOfLocalDate, toLocalDate } from '../../domain/scheduling/calendar.js'
import { toMajor, toMinor } from '../../domain/shared/money.js'
import type { Executor } from '../../persistence/database.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'

/** The reference's pricing object (section 3.3): decimal major units, with the first invoice's period. */
export interface PricingView {
  subtotal: number
  discounts: number
  taxAmount: number
  fees: number
  total: number
  taxIncluded: boolean
  currency: string
  recurringCosts: {
    subtotal: number
    taxAmount: number
    total: number
    taxIncluded: boolean
    billingCycle: { period: string; interval: number }
  } | null
  initialInvoice: {
    subtotal: number
    taxAmount: number
    total: number
    taxIncluded: boolean
    period: { start: string; end: string }
  }
  lineItems: {
    lineItemId: string
    description: string
    quantity: number
    subtotal: number
    total: number
    taxAmount: number
    taxIncluded: boolean
    taxBreakdown: { description: string; amount: number; rate: number }[]
    fees: { name: string; amount: number }[]
    totalFees: number
    discounts: { name: string; amount: number }[]
    totalDiscounts: number
    recurringAmount: number | null
  }[]
  promoCode: string | null
  calculatedAt: Date
}

const PERIOD_NAMES = { DAY: 'DAILY', WEEK: 'WEEKLY', MONTH: 'MONTHLY', YEAR: 'YEARLY' } as const

/** Tenant pricing configuration (settings `taxRates` and `fees`; fee amounts in major units). */
export function tenantPricing(settings: Record<string, unknown>): { rates: TaxRate[]; fees: Fee[] } {
  const rates = Array.isArray(settings.taxRates) ? (settings.taxRates as TaxRate[]) : []
  const fees = Array.isArray(settings.fees)
    ? (settings.fees as { name: string; amount: number; currency: string; appliesTo?: string[] }[]).map((f) => ({
        name: f.name,
        amountMinor: toMinor(f.amount, f.currency),
        currency: f.currency.toUpperCase(),
        appliesTo: f.appliesTo ?? [],
      }))
    : []
  return { rates, fees }
}

/**
 * Prices an order's line items from the catalog, the order's promo code and the tenant's tax and fee
 * configuration. The caller has validated the order: every offering exists and the currencies match.
 */
export class OrderPricer {
  constructor(private readonly catalog: CatalogService) {}

  /** The lines to price, and their one currency (undefined when they mix currencies). */
  async lines(
    ex: Executor,
    ctx: RequestContext,
    items: readonly LineItem[],
    promoCode: string | null,
  ): Promise<{ lines: LineToPrice[]; currency: string | undefined; mixed: boolean }> {
    const promotion = promoCode ? await this.catalog.findPromotion(ex, ctx.tenant.id, promoCode) : undefined
    const lines: LineToPrice[] = []
    for (const item of items) {
      if (item.type === 'EXTERNAL_ITEM') {
        lines.push({
          lineItemId: item.lineItemId,
          type: item.type,
          description: item.name,
          quantity: item.quantity ?? 1,
          currency: item.currency,
          unitGrossMinor: toMinor(item.amount, item.currency),
          unitDiscountMinor: 0,
          recurring: null,
          taxIncluded: item.taxIncluded ?? false,
        })
        continue
      }
      const offering = await this.catalog.getOffering(ex, ctx.tenant.id, item.productOfferingId)
      if (!offering) continue
      const isChange = item.type.endsWith('_CHANGE')
      const usable =
        promotion && !isChange && promotionRejection(promotion, offering, ctx.clock.now()) === null
          ? promotion
          : undefined
      const promoted = usable ? applyPromotion(offering.price, usable) : undefined
      lines.push({
        lineItemId: item.lineItemId,
        type: item.type,
        description: isChange ? `Change to ${offering.name}` : offering.name,
        quantity: item.type === 'EXTERNAL_PRODUCT' ? (item.quantity ?? 1) : 1,
        currency: offering.price.currency,
        // A change costs nothing now; its recurring price is the new offering's.
        unitGrossMinor: isChange ? 0 : offering.price.grossMinor,
        unitDiscountMinor: isChange ? 0 : offering.price.discountMinor,
        recurring: offering.price.priceType === 'RECURRING' ? offering.price.billingCycle : null,
        taxIncluded: offering.price.taxIncluded,
        ...(promoted &&
          usable && {
            promotion: {
              name: usable.name,
              unitDiscountMinor: promoted.discountMinor - offering.price.discountMinor,
              durationMonths: usable.durationMonths,
            },
          }),
        ...(isChange && { recurringUnitMinor: offering.price.netMinor }),
      })
    }
    const currencies = new Set(lines.map((l) => l.currency))
    return { lines, currency: [...currencies][0], mixed: currencies.size > 1 }
  }

  async price(
    ex: Executor,
    ctx: RequestContext,
    items: readonly LineItem[],
    promoCode: string | null,
    firstDay: string | undefined,
  ): Promise<{ pricing: OrderPricing; view: PricingView }> {
    const { lines, currency } = await this.lines(ex, ctx, items, promoCode)
    const { rates, fees } = tenantPricing(ctx.tenant.settings)
    const cur = currency ?? String(ctx.tenant.settings.currency ?? 'USD')
    const pricing = priceOrder(lines, rates, fees, cur)
    return { pricing, view: render(pricing, cur, promoCode, ctx, firstDay) }
  }
}

function render(
  p: OrderPricing,
  currency: string,
  promoCode: string | null,
  ctx: RequestContext,
  firstDay: string | undefined,
): PricingView {
  const major = (minor: number) => toMajor(minor, currency)
  const zone = ctx.tenant.timeZone
  const start = firstDay ?? toLocalDate(ctx.clock.now(), zone)
  const cycle = p.recurringCosts?.billingCycle ?? { period: 'MONTH' as const, interval: 1 }
  const unit = { DAY: 'D', WEEK: 'W', MONTH: 'M', YEAR: 'Y' }[cycle.period]
  const end = toLocalDate(
    new Date(addCalendar(startOfLocalDate(start, zone), `P${cycle.interval}${unit}`, zone).getTime() - 1),
    zone,
  )
  return {
    subtotal: major(p.subtotalMinor),
    discounts: major(p.totalDiscountsMinor),
    taxAmount: major(p.taxAmountMinor),
    fees: major(p.feesMinor),
    total: major(p.totalMinor),
    taxIncluded: p.taxIncluded,
    currency,
    recurringCosts: p.recurringCosts
      ? {
          subtotal: major(p.recurringCosts.subtotalMinor),
          taxAmount: major(p.recurringCosts.taxAmountMinor),
          total: major(p.recurringCosts.totalMinor),
          taxIncluded: p.taxIncluded,
          billingCycle: {
            period: PERIOD_NAMES[p.recurringCosts.billingCycle.period],
            interval: p.recurringCosts.billingCycle.interval,
          },
        }
      : null,
    initialInvoice: {
      subtotal: major(p.subtotalMinor - p.totalDiscountsMinor + p.feesMinor),
      taxAmount: major(p.taxAmountMinor),
      total: major(p.totalMinor),
      taxIncluded: p.taxIncluded,
      period: { start, end },
    },
    lineItems: p.lines.map((l) => ({
      lineItemId: l.lineItemId,
      description: l.description,
      quantity: l.quantity,
      subtotal: major(l.subtotalMinor),
      total: major(l.totalMinor),
      taxAmount: major(l.taxAmountMinor),
      taxIncluded: l.taxIncluded,
      taxBreakdown: l.taxBreakdown.map((t) => ({
        description: t.description,
        amount: major(t.amountMinor),
        rate: t.rate,
      })),
      fees: l.fees.map((f) => ({ name: f.name, amount: major(f.amountMinor) })),
      totalFees: major(l.totalFeesMinor),
      discounts: l.discounts.map((d) => ({ name: d.name, amount: major(d.amountMinor) })),
      totalDiscounts: major(l.totalDiscountsMinor),
      recurringAmount: l.recurring ? major(l.recurring.totalMinor) : null,
    })),
    promoCode,
    calculatedAt: ctx.clock.now(),
  }
}

export type { Offering }
