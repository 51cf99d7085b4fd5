import { describe, expect, it } from 'vitest'
import type { LineToPrice } from './pricing.js'
import { priceLine, priceOrder, taxes } from './pricing.js'

const monthly = { period: 'MONTH' as const, interval: 1 }
const plan: LineToPrice = {
  lineItemId: 'l1',
  type: 'SUBSCRIPTION',
  description: 'Plus 20GB',
  quantity: 1,
  currency: 'USD',
  unitGrossMinor: 2999,
  unitDiscountMinor: 0,
  recurring: monthly,
  taxIncluded: false,
}
const salesTax = [{ name: 'Sales Tax', rate: 8.25 }]
const activation = [{ name: 'Activation fee', amountMinor: 1000, currency: 'USD', appliesTo: ['SUBSCRIPTION'] }]

describe('order pricing', () => {
  it('adds tax on top of excluded prices, to the cent', () => {
    const line = priceLine(plan, salesTax, activation)
    // (29.99 + 10.00) × 8.25 % = 3.299175 → 3.30
    expect(line).toMatchObject({
      subtotalMinor: 2999,
      totalFeesMinor: 1000,
      taxAmountMinor: 330,
      totalMinor: 4329,
      taxBreakdown: [{ description: 'Sales Tax', rate: 8.25, amountMinor: 330 }],
    })
    expect(line.recurring).toEqual({
      billingCycle: monthly,
      subtotalMinor: 2999,
      taxAmountMinor: 247,
      totalMinor: 3246,
    })
  })

  it('extracts tax from included prices', () => {
    expect(taxes(12500, [{ name: 'VAT', rate: 25 }], true)).toEqual([
      { description: 'VAT', rate: 25, amountMinor: 2500 },
    ])
    const line = priceLine(
      { ...plan, currency: 'SEK', unitGrossMinor: 12500, taxIncluded: true },
      [{ name: 'VAT', rate: 25 }],
      [],
    )
    expect(line).toMatchObject({ totalMinor: 12500, taxAmountMinor: 2500 })
  })

  it('applies a promotion on the first invoice and keeps it while it lasts', () => {
    const promo = { name: 'Welcome 10 % off', unitDiscountMinor: 300, durationMonths: 3 }
    const line = priceLine({ ...plan, promotion: promo }, [], [])
    expect(line).toMatchObject({
      totalDiscountsMinor: 300,
      totalMinor: 2699,
      discounts: [{ name: 'Welcome 10 % off', amountMinor: 300 }],
    })
    expect(line.recurring?.subtotalMinor).toBe(2699)
    expect(priceLine({ ...plan, promotion: { ...promo, durationMonths: 1 } }, [], []).recurring?.subtotalMinor).toBe(
      2999,
    )
  })

  it('sums lines, quantities and one-time items; fees only for their types', () => {
    const order = priceOrder(
      [
        plan,
        {
          lineItemId: 'l2',
          type: 'EXTERNAL_PRODUCT',
          description: 'SIM holder',
          quantity: 2,
          currency: 'USD',
          unitGrossMinor: 299,
          unitDiscountMinor: 0,
          recurring: null,
          taxIncluded: false,
        },
      ],
      salesTax,
      activation,
      'USD',
    )
    // l1: 39.99 + 3.30 = 43.29; l2: 5.98 + 0.49 (0.49335) = 6.47
    expect(order).toMatchObject({
      subtotalMinor: 2999 + 598,
      feesMinor: 1000,
      taxAmountMinor: 330 + 49,
      totalMinor: 4329 + 647,
    })
    expect(order.recurringCosts).toEqual({
      billingCycle: monthly,
      subtotalMinor: 2999,
      taxAmountMinor: 247,
      totalMinor: 3246,
    })
  })
})
