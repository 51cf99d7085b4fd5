import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PREMIUM } from '../../helpers/licenses.js'
import type { Holdings, OrderWorld } from '../../helpers/orders.js'
import {
  SHIPPING,
  expectProblem,
  getOrder,
  holdingsOf,
  makeOrder,
  orderAct,
  orderEventTypes,
  orderRequest,
  orderState,
  orderWorld,
  pricedLine,
  submitAndFulfil,
  subscriptionItem,
} from '../../helpers/orders.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * POST /orders/{id}/calculate-price, to the minor unit: tax on top of prices or contained in them,
 * several rates each for the line types it names, tenant fees per line type and currency, the
 * offering's and a promotion's discounts, quantities, changes that cost nothing now, recurring
 * costs and the first invoice's period. Every expected number is worked out by hand in a comment.
 */
let t: TestApp
let world: OrderWorld
let holdings: Holdings
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  world = await orderWorld(t)
  holdings = await holdingsOf(t, world)
})
afterAll(() => t.close())

const price = async (w: OrderWorld, orderId: string) =>
  (await orderAct(t, w, orderId, 'POST', 'calculate-price', undefined)).pricing

describe('calculate-price', () => {
  it('adds two tax rates, fees for their types and currency, a promotion and quantities, to the cent', async () => {
    const taxed = await orderWorld(t, {
      settings: {
        taxRates: [
          { name: 'State tax', rate: 6 },
          { name: 'City tax', rate: 2, appliesTo: ['SUBSCRIPTION'] },
        ],
        fees: [
          { name: 'Activation fee', amount: 10, currency: 'USD', appliesTo: ['SUBSCRIPTION'] },
          { name: 'Handling', amount: 1.5, currency: 'USD', appliesTo: ['EXTERNAL_PRODUCT'] },
          { name: 'Euro fee', amount: 5, currency: 'EUR', appliesTo: ['SUBSCRIPTION'] },
        ],
      },
    })
    const order = await makeOrder(t, taxed, {
      promoCode: 'welcome10',
      shipping: SHIPPING,
      lineItems: [
        subscriptionItem({ lineItemId: 'plan' }),
        { type: 'EXTERNAL_PRODUCT', lineItemId: 'holder', productOfferingId: 'accessory-sim-holder', quantity: 3 },
      ],
    })
    const pricing = await price(taxed, order.orderId)
    // plan: 29.99 less WELCOME10 3.00 (10 % of 29.99 = 2.999) plus the 10.00 fee (not the EUR one) = 36.99;
    //   state 6 % = 2.2194 → 2.22, city 2 % = 0.7398 → 0.74; total 39.95.
    //   Each month after: 26.99 (the promotion lasts 3 months) + 1.6194 → 1.62 + 0.5398 → 0.54 = 29.15.
    // holder: 3 × 2.99 = 8.97 plus 1.50 handling = 10.47; state 6 % = 0.6282 → 0.63; total 11.10; once.
    expect(pricing).toEqual({
      subtotal: 38.96,
      discounts: 3,
      taxAmount: 3.59,
      fees: 11.5,
      total: 51.05,
      taxIncluded: false,
      currency: 'USD',
      recurringCosts: {
        subtotal: 26.99,
        taxAmount: 2.16,
        total: 29.15,
        taxIncluded: false,
        billingCycle: { period: 'MONTHLY', interval: 1 },
      },
      initialInvoice: {
        subtotal: 47.46,
        taxAmount: 3.59,
        total: 51.05,
        taxIncluded: false,
        period: { start: '2025-01-15', end: '2025-02-14' },
      },
      lineItems: [
        pricedLine('plan', 'Plus 20GB', {
          subtotal: 29.99,
          total: 39.95,
          taxAmount: 2.96,
          taxes: [
            { description: 'State tax', amount: 2.22, rate: 6 },
            { description: 'City tax', amount: 0.74, rate: 2 },
          ],
          fees: [{ name: 'Activation fee', amount: 10 }],
          discounts: [{ name: 'Welcome 10 % off', amount: 3 }],
          recurringAmount: 29.15,
        }),
        pricedLine('holder', 'SIM holder', {
          quantity: 3,
          subtotal: 8.97,
          total: 11.1,
          taxAmount: 0.63,
          taxes: [{ description: 'State tax', amount: 0.63, rate: 6 }],
          fees: [{ name: 'Handling', amount: 1.5 }],
          recurringAmount: null,
        }),
      ],
      promoCode: 'WELCOME10',
      calculatedAt: '2025-01-15T10:00:00.000Z',
    })
    // The order keeps it, shows it in the list, and submits with it.
    const view = await getOrder(t, taxed, order.orderId)
    expect(view.pricing).toEqual(pricing)
    const summary = (await t.request(taxed.tenant, { method: 'GET', url: '/orders' })).json().items[0]
    expect(summary.pricing).toEqual({ subtotal: 38.96, total: 51.05, currency: 'USD' })
    const done = await submitAndFulfil(t, taxed, order.orderId)
    expect(done).toMatchObject({ status: 'COMPLETED', pricing: { total: 51.05 } })
  })

  it('shows tax contained in tax-included prices, in a currency without minor units', async () => {
    const vat = await orderWorld(t, { settings: { taxRates: [{ name: 'VAT', rate: 25 }] } })
    const order = await makeOrder(t, vat, {
      lineItems: [
        {
          type: 'EXTERNAL_ITEM',
          lineItemId: 'phone',
          name: 'Phone',
          amount: 1000,
          currency: 'JPY',
          quantity: 2,
          taxIncluded: true,
        },
        { type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 333, currency: 'JPY', taxIncluded: true },
      ],
    })
    const pricing = await price(vat, order.orderId)
    // phone: 2 × 1000 = 2000 yen, containing 2000 × 25/125 = 400; case: 333 × 25/125 = 66.6 → 67.
    expect(pricing).toMatchObject({
      subtotal: 2333,
      discounts: 0,
      fees: 0,
      taxAmount: 467,
      total: 2333,
      taxIncluded: true,
      currency: 'JPY',
      recurringCosts: null,
    })
    expect(pricing.lineItems.map((l: { taxBreakdown: unknown[] }) => l.taxBreakdown)).toEqual([
      [{ description: 'VAT', amount: 400, rate: 25 }],
      [{ description: 'VAT', amount: 67, rate: 25 }],
    ])
    expect(pricing.initialInvoice).toEqual({
      subtotal: 2333,
      taxAmount: 467,
      total: 2333,
      taxIncluded: true,
      period: { start: '2025-01-15', end: '2025-02-14' },
    })
  })

  it('charges nothing now for changes, and shows the new prices as recurring costs', async () => {
    const subscriptionId = holdings.subscription.subscriptionId
    const order = await makeOrder(t, world, {
      lineItems: [
        { type: 'SUBSCRIPTION_CHANGE', subscriptionId, productOfferingId: 'mobile-plan-max' },
        { type: 'LICENSE_CHANGE', licenseId: holdings.license.licenseId, productOfferingId: PREMIUM },
        {
          type: 'ADD_ON_CHANGE',
          subscriptionId,
          currentProductOfferingId: 'addon-data-1gb',
          productOfferingId: 'addon-data-10gb',
        },
      ],
    })
    const pricing = await price(world, order.orderId)
    // Max 44.99, premium license 2 × 4.99 = 9.98, 10 GB 25.00: 79.97 a month from the change on.
    expect(pricing).toMatchObject({
      subtotal: 0,
      total: 0,
      taxAmount: 0,
      recurringCosts: { subtotal: 79.97, total: 79.97 },
      initialInvoice: { total: 0 },
    })
    expect(
      pricing.lineItems.map((l: { description: string; total: number; recurringAmount: number }) => [
        l.description,
        l.total,
        l.recurringAmount,
      ]),
    ).toEqual([
      ['Change to Max 100GB', 0, 44.99],
      ['Change to License license-security-premium', 0, 9.98],
      ['Change to Extra 10GB', 0, 25],
    ])
  })

  it('starts the first invoice on the earliest activation date asked for', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [
        subscriptionItem({ scheduleActivationAt: '2025-03-10' }),
        subscriptionItem({ scheduleActivationAt: '2025-02-20' }),
        { type: 'LICENSE', productOfferingId: 'license-security-suite' },
      ],
    })
    const pricing = await price(world, order.orderId)
    expect(pricing.initialInvoice.period).toEqual({ start: '2025-02-20', end: '2025-03-19' })
    // Plus 29.99 twice and the suite 4.99, monthly.
    expect(pricing.recurringCosts).toEqual({
      subtotal: 64.97,
      taxAmount: 0,
      total: 64.97,
      taxIncluded: false,
      billingCycle: { period: 'MONTHLY', interval: 1 },
    })
  })

  it('keeps the pricing on the order until the order changes, and counts as activity', async () => {
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    const id = order.orderId as string
    expect(order.pricing).toBeNull()
    await t.request(world.tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-01-16T10:00:00Z' },
    })
    const pricing = await price(world, id)
    let view = await getOrder(t, world, id)
    expect(view).toMatchObject({
      pricing,
      updatedAt: '2025-01-16T10:00:00.000Z',
      expiresAt: '2025-01-23T10:00:00.000Z',
    })
    expect((await orderEventTypes(t, world, id)).at(-1)).toBe('order.updated')
    // Any change drops it: the price may be different now.
    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      { type: 'LICENSE', productOfferingId: 'license-security-suite' },
      201,
    )
    view = await getOrder(t, world, id)
    expect(view.pricing).toBeNull()
    expect((await price(world, id)).total).toBe(34.98)
    await orderAct(t, world, id, 'PATCH', '', { metadata: { channel: 'web' } })
    expect((await getOrder(t, world, id)).pricing).toBeNull()
  })

  it('refuses an invalid order with 422 order.invalid, and an order past PENDING with 409, storing nothing', async () => {
    const empty = await makeOrder(t, world)
    let before = await orderState(t, world, empty.orderId)
    const problem = expectProblem(
      await orderRequest(t, world, empty.orderId, 'POST', 'calculate-price'),
      422,
      'order.invalid',
    )
    expect(problem.validation).toMatchObject({ isValid: false, missingFields: ['lineItems'] })
    expect(await orderState(t, world, empty.orderId)).toEqual(before)

    const submitted = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    await orderAct(t, world, submitted.orderId, 'POST', 'submit', {})
    before = await orderState(t, world, submitted.orderId)
    expectProblem(await orderRequest(t, world, submitted.orderId, 'POST', 'calculate-price'), 409, 'order.is_submitted')
    expect(await orderState(t, world, submitted.orderId)).toEqual(before)
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    expectProblem(await orderRequest(t, world, submitted.orderId, 'POST', 'calculate-price'), 409, 'order.is_completed')

    const cancelled = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    await orderAct(t, world, cancelled.orderId, 'POST', 'cancel', undefined)
    expectProblem(await orderRequest(t, world, cancelled.orderId, 'POST', 'calculate-price'), 409, 'order.is_cancelled')
  })
})
