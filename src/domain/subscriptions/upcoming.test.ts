import { describe, expect, it } from 'vitest'
import { offering, price } from '../../../test/helpers/offerings.js'
import type { UpcomingStep } from './upcoming.js'
import { project, renewalCharge, renewalOf } from './upcoming.js'

const cell = offering('cell', { price: price(2000) })
const m2m = offering('m2m', { category: 'PRODUCT_CATEGORY_SUBSCRIPTION_M2M', price: price(500) })
const data = offering('data', {
  type: 'SUBSCRIPTION_ADDON',
  price: price(700),
  compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'], productOfferingIds: [] },
})
const yearly = offering('yearly', { type: 'SUBSCRIPTION_ADDON', price: price(9000, { period: 'YEAR', interval: 1 }) })
const offerings = new Map([cell, m2m, data, yearly].map((o) => [o.id, o]))
const ANCHOR = new Date('2025-01-15T10:00:00Z')
const RENEWAL = new Date('2025-02-15T00:00:00Z')
const line = { productOfferingId: 'cell', billingAnchorAt: ANCHOR, ended: false }
const addon = { id: 'a1', status: 'ACTIVE' as const, productOfferingId: 'data', billingAnchorAt: ANCHOR }
const planChange: UpcomingStep = {
  scheduledChangeId: 'c1',
  target: 'SUBSCRIPTION',
  addonId: null,
  kind: 'change_product_offering',
  at: RENEWAL,
  productOfferingId: 'm2m',
  payload: {},
  reason: null,
}

describe('project', () => {
  it('ends an add-on at a plan change it does not fit, after the change, with no scheduled change of its own', () => {
    const p = project(line, [addon], [planChange], offerings)
    expect(p.productOfferingId).toBe('m2m')
    expect(p.steps.map((s) => [s.scheduledChangeId, s.kind, s.addonId, s.reason])).toEqual([
      ['c1', 'change_product_offering', null, null],
      [null, 'cancel', 'a1', 'no longer fits the plan m2m'],
    ])
    expect(p.addons[0]?.endsAt).toEqual(RENEWAL)
  })

  it('stops at `until`: a change just after it is not applied', () => {
    const p = project(line, [addon], [planChange], offerings, new Date(RENEWAL.getTime() - 1))
    expect(p.productOfferingId).toBe('cell')
    expect(p.steps).toEqual([])
  })
})

describe('renewalOf', () => {
  it('is the next boundary after now, or none when the end falls on or before it', () => {
    const now = new Date('2025-01-20T00:00:00Z')
    expect(renewalOf(cell, ANCHOR, null, now, 'UTC')).toEqual(RENEWAL)
    expect(renewalOf(cell, ANCHOR, RENEWAL, now, 'UTC')).toBeNull()
    expect(renewalOf(cell, ANCHOR, new Date(RENEWAL.getTime() + 1), now, 'UTC')).toEqual(RENEWAL)
    expect(renewalOf(offering('pass', { price: price(1200, null) }), ANCHOR, null, now, 'UTC')).toBeNull()
  })
})

describe('renewalCharge', () => {
  it('sums one period of the plan and the add-ons on its cycle, with tax per line; others are billed on their own', () => {
    const charge = renewalCharge(
      cell,
      [
        { id: 'a1', offering: data },
        { id: 'a2', offering: yearly },
      ],
      [{ name: 'VAT', rate: 25, appliesTo: ['ADD_ON'] }],
    )
    expect(charge?.items.map((i) => [i.addonId, i.pricing.totalMinor])).toEqual([
      [null, 2000],
      ['a1', 875],
    ])
    expect(charge).toMatchObject({ currency: 'USD', subtotalMinor: 2700, taxAmountMinor: 175, totalMinor: 2875 })
  })
})
