import { describe, expect, it } from 'vitest'
import { Issues, buildOffering, buildPromotion } from './build.js'
import { parseCatalogDocument } from './document.js'
import type { OfferingInput } from './inputs.js'
import type { Offering } from './offering.js'
import type { Promotion } from './promotion.js'
import { applyPromotion, normaliseCode, promotionRejection } from './promotion.js'
import { offeringView } from './views.js'

const now = new Date('2025-03-10T12:00:00Z')

const input = (price: Partial<OfferingInput['price']> = {}, rest: Partial<OfferingInput> = {}): OfferingInput => ({
  productOfferingId: 'plan',
  name: 'Plan',
  product: { type: 'SUBSCRIPTION', category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL' },
  price: { grossPrice: 19.99, currency: 'usd', priceType: 'RECURRING', billingCycle: { period: 'MONTHLY' }, ...price },
  ...rest,
})

function build(value: OfferingInput): { offering: Offering; issues: Issues } {
  const issues = new Issues()
  const offering = buildOffering(
    value,
    { tenantId: 't', id: value.productOfferingId, now, existing: undefined, group: null },
    '/body',
    issues,
  )
  return { offering, issues }
}

function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    tenantId: 't',
    code: 'WELCOME10',
    name: 'Welcome',
    description: null,
    status: 'ACTIVE',
    discount: { type: 'PERCENT', percent: 10 },
    productOfferingIds: [],
    validFrom: null,
    validTo: null,
    durationMonths: 3,
    metadata: {},
    createdAt: now,
    updatedAt: now,
    ...overrides,
  }
}

describe('buildOffering', () => {
  it('stores money in minor units and fills the defaults', () => {
    const { offering, issues } = build(input({ discount: 2.5 }))
    expect(issues.list).toEqual([])
    expect(offering.price).toMatchObject({
      grossMinor: 1999,
      discountMinor: 250,
      netMinor: 1749,
      currency: 'USD',
      billingCycle: { period: 'MONTH', interval: 1 },
      taxIncluded: false,
    })
    expect(offering).toMatchObject({
      status: 'AVAILABLE',
      rank: 0,
      customerType: 'CONSUMER',
      changePolicy: { upgrade: 'IMMEDIATE', lateral: 'IMMEDIATE', downgrade: 'NEXT_RENEWAL' },
    })
    expect(offering.product).toMatchObject({ productId: 'plan', internalName: 'Plan' })
  })

  it('lists every rule a schema cannot express, each at its path', () => {
    const { issues } = build(
      input(
        { grossPrice: 10.001, discount: 2, netPrice: 3, billingCycle: null },
        { addonCategories: ['A'], compatibility: { categories: ['B'] } },
      ),
    )
    expect(issues.list.map((i) => i.path).sort()).toEqual([
      '/body/addonCategories',
      '/body/price/billingCycle',
      '/body/price/grossPrice',
    ])
    expect(build(input({ discount: 2, netPrice: 3 })).issues.list).toEqual([
      { path: '/body/price/netPrice', message: 'must equal grossPrice - discount (or leave it out)' },
    ])
    const currency = build(input({ currency: 'XYZ' })).issues.list
    expect(currency).toEqual([{ path: '/body/price/currency', message: expect.stringContaining('ISO 4217') }])
    expect(build(input({ discount: 20 })).issues.list).toEqual([
      { path: '/body/price/discount', message: 'must not exceed grossPrice' },
    ])
  })

  it('requires a top-up to be a ONE_TIME SUBSCRIPTION_ADDON, and a ONE_TIME price to have no cycle', () => {
    const topUp = build(
      input({}, { product: { type: 'SUBSCRIPTION', category: 'PRODUCT_CATEGORY_TOP_UP' } }),
    ).issues.list.map((i) => i.path)
    expect(topUp).toEqual(['/body/product/type', '/body/price/priceType'])
    expect(build(input({ priceType: 'ONE_TIME' })).issues.list.map((i) => i.path)).toEqual(['/body/price/billingCycle'])
  })

  it('keeps addonCategories and compatibility.categories as one list', () => {
    expect(build(input({}, { addonCategories: ['C'] })).offering.compatibility).toEqual({
      categories: ['C'],
      productOfferingIds: [],
    })
    expect(
      build(input({}, { compatibility: { categories: ['C'], productOfferingIds: ['p'] } })).offering.compatibility,
    ).toEqual({ categories: ['C'], productOfferingIds: ['p'] })
  })
})

describe('promotions', () => {
  const { offering } = build(input())

  it('takes a percentage off the net price, rounded to the cent', () => {
    const priced = applyPromotion(offering.price, promotion())
    expect(priced).toMatchObject({ grossMinor: 1999, discountMinor: 200, netMinor: 1799 })
    const view = offeringView(offering, promotion())
    expect(view.price).toMatchObject({ grossPrice: 19.99, discount: 2, netPrice: 17.99 })
    expect(view.promotion).toMatchObject({ code: 'WELCOME10', discountAmount: 2, durationMonths: 3 })
    expect(offeringView(offering)).not.toHaveProperty('promotion')
  })

  it('stacks on an existing discount and never goes below zero', () => {
    const discounted = build(input({ grossPrice: 10, discount: 4 })).offering
    expect(applyPromotion(discounted.price, promotion({ discount: { type: 'PERCENT', percent: 12.5 } }))).toMatchObject(
      { discountMinor: 475, netMinor: 525 },
    )
    expect(
      applyPromotion(
        discounted.price,
        promotion({ discount: { type: 'AMOUNT', amountMinor: 10_000, currency: 'USD' } }),
      ),
    ).toMatchObject({ discountMinor: 1000, netMinor: 0 })
  })

  it('says why a code cannot be used', () => {
    expect(promotionRejection(promotion(), offering, now)).toBeNull()
    expect(promotionRejection(promotion({ status: 'ARCHIVED' }), offering, now)).toBe('archived')
    expect(promotionRejection(promotion({ validFrom: new Date('2025-03-11T00:00:00Z') }), offering, now)).toBe(
      'not_yet_valid',
    )
    expect(promotionRejection(promotion({ validTo: now }), offering, now)).toBe('expired')
    expect(
      promotionRejection(promotion({ validFrom: now, validTo: new Date(now.getTime() + 1) }), offering, now),
    ).toBeNull()
    expect(promotionRejection(promotion({ productOfferingIds: ['other'] }), offering, now)).toBe('not_for_offering')
    expect(
      promotionRejection(promotion({ discount: { type: 'AMOUNT', amountMinor: 100, currency: 'SEK' } }), offering, now),
    ).toBe('currency_mismatch')
  })

  it('normalises codes to upper case and checks the discount’s parts', () => {
    expect(normaliseCode(' welcome10 ')).toBe('WELCOME10')
    const issues = new Issues()
    buildPromotion(
      {
        name: 'x',
        discount: { type: 'AMOUNT', percent: 5 },
        validFrom: '2025-02-01T00:00:00Z',
        validTo: '2025-01-01T00:00:00Z',
      },
      { tenantId: 't', id: 'X', now, existing: undefined },
      '/body',
      issues,
    )
    expect(issues.list.map((i) => i.path)).toEqual([
      '/body/validTo',
      '/body/discount/percent',
      '/body/discount/amount',
      '/body/discount/currency',
    ])
  })
})

describe('parseCatalogDocument', () => {
  it('lists every bad field of a document with its path', () => {
    let error: unknown
    try {
      parseCatalogDocument({
        groups: [{ productOfferingGroupId: 'Bad Id', name: 'x' }],
        offerings: [
          {
            productOfferingId: 'ok',
            name: 'x',
            product: { type: 'PHONE' },
            price: { grossPrice: '10', currency: 'USD', priceType: 'RECURRING' },
          },
        ],
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({ code: 'catalog.invalid_document' })
    const paths = (error as { fieldErrors: { path: string }[] }).fieldErrors.map((e) => e.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/groups/0/productOfferingGroupId',
        '/offerings/0/product/type',
        '/offerings/0/product/category',
        '/offerings/0/price/grossPrice',
      ]),
    )
  })

  it('reports every error, not only the first few', () => {
    const groups = Array.from({ length: 12 }, (_, i) => ({ productOfferingGroupId: `BAD-${i}`, name: 'x' }))
    expect(() => parseCatalogDocument({ groups })).toThrow(
      expect.objectContaining({
        fieldErrors: groups.map((_, i) => expect.objectContaining({ path: `/groups/${i}/productOfferingGroupId` })),
      }),
    )
  })

  it('answers a valid document as it is', () => {
    const document = { offerings: [input()] }
    expect(parseCatalogDocument(document)).toBe(document)
  })
})
