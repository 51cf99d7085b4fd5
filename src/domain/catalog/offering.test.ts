import { describe, expect, it } from 'vitest'
import { offering, price } from '../../../test/helpers/offerings.js'
import type { Offering } from './offering.js'
import {
  DEFAULT_CHANGE_POLICY,
  addonFits,
  changeDirection,
  changeTiming,
  isTopUp,
  monthlyEquivalent,
} from './offering.js'

describe('changeDirection', () => {
  it('orders offerings of one group by rank, whatever their prices', () => {
    const basic = offering('basic', { rank: 1, price: price(5000) })
    const plus = offering('plus', { rank: 2, price: price(1000) })
    expect(changeDirection(basic, plus)).toBe('UPGRADE')
    expect(changeDirection(plus, basic)).toBe('DOWNGRADE')
    expect(changeDirection(basic, offering('twin', { rank: 1, price: price(9999) }))).toBe('LATERAL')
    expect(changeDirection(basic, basic)).toBe('LATERAL')
  })

  it('compares offerings of different groups by monthly-equivalent net price', () => {
    const monthly = offering('monthly', { groupId: 'a', rank: 9, price: price(1000) })
    const yearly = offering('yearly', { groupId: 'b', rank: 1, price: price(11_000, { period: 'YEAR', interval: 1 }) })
    expect(changeDirection(monthly, yearly)).toBe('DOWNGRADE')
    expect(changeDirection(yearly, monthly)).toBe('UPGRADE')
    const quarterly = offering('quarterly', { groupId: 'c', price: price(3000, { period: 'MONTH', interval: 3 }) })
    expect(changeDirection(monthly, quarterly)).toBe('LATERAL')
    const yearlySame = offering('yearly-same', { groupId: 'd', price: price(12_000, { period: 'YEAR', interval: 1 }) })
    expect(changeDirection(monthly, yearlySame)).toBe('LATERAL')
  })

  it('compares ungrouped offerings by price too, never by rank', () => {
    const cheap = offering('cheap', { groupId: null, rank: 5, price: price(500) })
    const dear = offering('dear', { groupId: null, rank: 1, price: price(900) })
    expect(changeDirection(cheap, dear)).toBe('UPGRADE')
    expect(changeDirection(dear, cheap)).toBe('DOWNGRADE')
  })

  it('uses net prices, after discounts', () => {
    const a = offering('a', { groupId: 'x', price: { ...price(1000), grossMinor: 2000, discountMinor: 1000 } })
    const b = offering('b', { groupId: 'y', price: price(1500) })
    expect(changeDirection(a, b)).toBe('UPGRADE')
  })
})

describe('monthlyEquivalent', () => {
  it('scales each period to a month', () => {
    expect(monthlyEquivalent(price(1200, { period: 'YEAR', interval: 1 }))).toBeCloseTo(100)
    expect(monthlyEquivalent(price(500, { period: 'WEEK', interval: 1 }))).toBeCloseTo((500 * 52) / 12)
    expect(monthlyEquivalent(price(100, { period: 'DAY', interval: 1 }))).toBeCloseTo((100 * 365) / 12)
    expect(monthlyEquivalent(price(3000, { period: 'MONTH', interval: 3 }))).toBeCloseTo(1000)
    expect(monthlyEquivalent(price(700, null))).toBe(700)
  })
})

describe('changeTiming', () => {
  it('reads the target offering’s policy for the direction', () => {
    const basic = offering('basic', { rank: 1 })
    const max = offering('max', { rank: 3 })
    expect(changeTiming(basic, max)).toBe('IMMEDIATE')
    expect(changeTiming(max, basic)).toBe('NEXT_RENEWAL')
    expect(changeTiming(basic, offering('same', { rank: 1 }))).toBe('IMMEDIATE')
  })

  it('follows a policy that differs from the default', () => {
    const basic = offering('basic', {
      rank: 1,
      changePolicy: { upgrade: 'IMMEDIATE', lateral: 'IMMEDIATE', downgrade: 'IMMEDIATE' },
    })
    const max = offering('max', {
      rank: 3,
      changePolicy: { upgrade: 'NEXT_RENEWAL', lateral: 'NEXT_RENEWAL', downgrade: 'NEXT_RENEWAL' },
    })
    expect(changeTiming(basic, max)).toBe('NEXT_RENEWAL')
    expect(changeTiming(max, basic)).toBe('IMMEDIATE')
    expect(
      changeTiming(
        max,
        offering('peer', { rank: 3, changePolicy: { ...DEFAULT_CHANGE_POLICY, lateral: 'NEXT_RENEWAL' } }),
      ),
    ).toBe('NEXT_RENEWAL')
  })
})

describe('isTopUp', () => {
  it('is a SUBSCRIPTION_ADDON of category PRODUCT_CATEGORY_TOP_UP', () => {
    expect(isTopUp(offering('t', { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_TOP_UP' }))).toBe(true)
    expect(isTopUp(offering('d', { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_EXTRA_DATA' }))).toBe(false)
    expect(isTopUp(offering('p', { type: 'SUBSCRIPTION', category: 'PRODUCT_CATEGORY_TOP_UP' }))).toBe(false)
  })
})

describe('addonFits', () => {
  const cell = offering('cell-plan', { category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL' })
  const broadband = offering('bb-plan', { category: 'PRODUCT_CATEGORY_SUBSCRIPTION_BROADBAND' })
  const addon = (compatibility: Offering['compatibility']) =>
    offering('addon', { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_EXTRA_DATA', compatibility })

  it('fits every plan when both lists are empty', () => {
    expect(addonFits(addon({ categories: [], productOfferingIds: [] }), cell)).toBe(true)
    expect(addonFits(addon({ categories: [], productOfferingIds: [] }), broadband)).toBe(true)
  })

  it('fits plans of a listed category', () => {
    const data = addon({ categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'], productOfferingIds: [] })
    expect(addonFits(data, cell)).toBe(true)
    expect(addonFits(data, broadband)).toBe(false)
  })

  it('fits listed plans, and a plan that matches either list', () => {
    const only = addon({ categories: [], productOfferingIds: ['bb-plan'] })
    expect(addonFits(only, broadband)).toBe(true)
    expect(addonFits(only, cell)).toBe(false)
    const either = addon({ categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'], productOfferingIds: ['bb-plan'] })
    expect(addonFits(either, cell)).toBe(true)
    expect(addonFits(either, broadband)).toBe(true)
  })

  it('fits only SUBSCRIPTION plans, archived ones included', () => {
    const any = addon({ categories: [], productOfferingIds: [] })
    expect(addonFits(any, offering('lic', { type: 'LICENSE' }))).toBe(false)
    expect(addonFits(any, offering('other-addon', { type: 'SUBSCRIPTION_ADDON' }))).toBe(false)
    expect(addonFits(any, { ...cell, status: 'ARCHIVED' })).toBe(true)
  })
})
