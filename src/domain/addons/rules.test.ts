import { describe, expect, it } from 'vitest'
import type { Offering } from '../catalog/offering.js'
import { TOP_UP_CATEGORY } from '../catalog/offering.js'
import { offering as anOffering, price } from '../../../test/helpers/offerings.js'
import { refusalError } from '../shared/refusal.js'
import {
  atLimit,
  checkAdd,
  checkChange,
  checkNamed,
  checkSubscriptionOpen,
  checkSubscriptionTakes,
  unknownOffering,
} from './rules.js'

const at = new Date('2025-01-01T00:00:00Z')

/** An add-on offering (monthly 5.00, group `data`) unless the overrides say otherwise. */
const offering = (id: string, overrides: Parameters<typeof anOffering>[1] = {}): Offering =>
  anOffering(id, {
    type: 'SUBSCRIPTION_ADDON',
    category: 'PRODUCT_CATEGORY_ADDON_DATA',
    groupId: 'data',
    price: price(500),
    ...overrides,
  })

const plan = offering('plan', {
  type: 'SUBSCRIPTION',
  category: 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL',
  groupId: 'plans',
})
const data = offering('data-5gb')
const open = { id: 'sub-1', status: 'ACTIVATED' } as const
const cancelled = { id: 'sub-1', status: 'CANCELLED' } as const

describe('atLimit', () => {
  it('counts the attached add-ons on the offering, leaving out the one being changed', () => {
    const limited = { ...data, maxPerSubscription: 1 }
    const attached = [{ id: 'a1', productOfferingId: 'data-5gb' }]
    expect(atLimit(limited, attached)).toBe(true)
    expect(atLimit(limited, attached, 'a1')).toBe(false)
    expect(atLimit(limited, [{ id: 'a2', productOfferingId: 'other' }])).toBe(false)
    expect(atLimit(data, attached)).toBe(false)
  })
})

describe('checkSubscriptionOpen and checkSubscriptionTakes', () => {
  it('lets an open subscription with no cancellation before the instant take an add-on', () => {
    expect(checkSubscriptionOpen(open, 'add')).toEqual({ ok: true })
    const later = [{ kind: 'cancel', effectiveAt: new Date('2025-03-01T00:00:00Z') }]
    expect(checkSubscriptionTakes(open, later, at)).toEqual({ ok: true })
    expect(checkSubscriptionTakes(open, [{ kind: 'pause', effectiveAt: at }], at)).toEqual({ ok: true })
  })

  it('refuses a cancelled subscription, saying what was asked', () => {
    expect(checkSubscriptionOpen(cancelled, 'add')).toEqual({
      ok: false,
      code: 'addon.subscription_cancelled',
      status: 422,
      message: 'The subscription is cancelled; it takes no add-ons.',
      details: { subscriptionId: 'sub-1' },
    })
    expect(checkSubscriptionOpen(cancelled, 'change')).toMatchObject({
      message: 'The subscription is cancelled; its add-ons cannot change.',
    })
    expect(checkSubscriptionTakes(cancelled, [], at)).toMatchObject({ code: 'addon.subscription_cancelled' })
  })

  it('refuses an add-on that would apply on or after a pending cancellation', () => {
    expect(checkSubscriptionTakes(open, [{ kind: 'cancel', effectiveAt: at }], at)).toEqual({
      ok: false,
      code: 'addon.subscription_cancellation_pending',
      status: 422,
      message: 'The subscription is cancelled from 2025-01-01T00:00:00.000Z, before the add-on would apply.',
      details: { subscriptionId: 'sub-1', cancelAt: '2025-01-01T00:00:00.000Z' },
    })
  })
})

describe('checkNamed', () => {
  it('needs an add-on id, an offering or a group', () => {
    expect(checkNamed({ subscriptionAddonId: 'a1' })).toEqual({ ok: true })
    expect(checkNamed({ productOfferingId: 'data-5gb' })).toEqual({ ok: true })
    expect(checkNamed({ groupId: 'data' })).toEqual({ ok: true })
    expect(checkNamed({ groupId: null })).toMatchObject({
      ok: false,
      code: 'addon.not_named',
      status: 422,
      fieldErrors: [{ path: '/body/subscriptionAddonId', message: 'is required without productOfferingId' }],
    })
  })
})

describe('checkAdd', () => {
  const add = (o: Offering | undefined, attached: { id: string; productOfferingId: string }[] = []) =>
    checkAdd({ productOfferingId: o?.id ?? 'nope', offering: o, plan, attached })

  it('lets an available add-on that fits the plan and is under its limit be added', () => {
    expect(add(data)).toEqual({ ok: true })
  })

  it('refuses an unknown offering at its field', () => {
    expect(add(undefined)).toEqual(unknownOffering('nope'))
    expect(unknownOffering('nope')).toMatchObject({
      code: 'product_offering.not_found',
      status: 422,
      message: "No product offering 'nope'.",
      fieldErrors: [{ path: '/body/productOfferingId', message: 'unknown offering' }],
    })
  })

  it('refuses a plan, and points a top-up to the top-up route', () => {
    expect(add(plan)).toMatchObject({
      code: 'addon.offering_not_an_addon',
      message: "'plan' is not an add-on offering.",
      details: { productOfferingId: 'plan', type: 'SUBSCRIPTION' },
    })
    expect(add(offering('topup', { category: TOP_UP_CATEGORY }))).toMatchObject({
      code: 'addon.offering_not_an_addon',
      message: "'topup' is not an add-on offering (it is a top-up: POST /subscriptions/{id}/topups).",
    })
  })

  it('refuses an archived add-on', () => {
    expect(add({ ...data, status: 'ARCHIVED' })).toMatchObject({
      code: 'addon.offering_archived',
      message: "'data-5gb' is archived and can no longer be added.",
    })
  })

  it('refuses an add-on that does not fit the plan', () => {
    const other = {
      ...data,
      compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_FIXED'], productOfferingIds: [] },
    }
    expect(add(other)).toEqual({
      ok: false,
      code: 'addon.incompatible_with_plan',
      status: 422,
      message: "'data-5gb' does not fit the plan 'plan'.",
      details: { productOfferingId: 'data-5gb', plan: 'plan' },
    })
  })

  it('refuses one more than the limit', () => {
    expect(add({ ...data, maxPerSubscription: 1 }, [{ id: 'a1', productOfferingId: 'data-5gb' }])).toEqual({
      ok: false,
      code: 'addon.limit_reached',
      status: 422,
      message: "The subscription already holds 1 of 'data-5gb', the most it may.",
      details: { productOfferingId: 'data-5gb', maxPerSubscription: 1 },
    })
  })
})

describe('checkChange', () => {
  const bigger = offering('data-10gb', { rank: 1 })
  const change = (to: Offering, attached: { id: string; productOfferingId: string }[] = []) =>
    checkChange({ addonId: 'a1', current: data, to, plan, attached })

  it('lets an add-on move to another available offering of its group', () => {
    expect(change(bigger)).toEqual({ ok: true })
  })

  it('refuses the offering it is already on', () => {
    expect(change(data)).toMatchObject({
      code: 'addon.offering_unchanged',
      message: "The add-on is already on 'data-5gb'.",
    })
  })

  it('refuses a non-add-on, an archived one, and one of another group', () => {
    expect(change(plan)).toEqual({
      ok: false,
      code: 'addon.offering_not_an_addon',
      status: 422,
      message: "'plan' is not an add-on offering.",
      details: { productOfferingId: 'plan' },
    })
    expect(change({ ...bigger, status: 'ARCHIVED' })).toMatchObject({
      code: 'addon.offering_archived',
      message: "'data-10gb' is archived and can no longer be chosen.",
    })
    expect(change({ ...bigger, groupId: 'voice' })).toMatchObject({
      code: 'addon.change_incompatible',
      message: "An add-on changes within its group ('data'); 'data-10gb' is in 'voice'.",
      details: { productOfferingId: 'data-10gb', group: 'data' },
    })
    const ungrouped = checkChange({
      addonId: 'a1',
      current: { ...data, groupId: null },
      to: bigger,
      plan,
      attached: [],
    })
    expect(ungrouped).toMatchObject({ code: 'addon.change_incompatible' })
  })

  it('refuses an offering that does not fit the plan, or is at its limit without this add-on', () => {
    const unfit = { ...bigger, compatibility: { categories: [], productOfferingIds: ['other-plan'] } }
    expect(change(unfit)).toMatchObject({ code: 'addon.incompatible_with_plan' })
    const limited = { ...bigger, maxPerSubscription: 1 }
    expect(change(limited, [{ id: 'a2', productOfferingId: 'data-10gb' }])).toEqual({
      ok: false,
      code: 'addon.limit_reached',
      status: 422,
      message: "The subscription already holds 1 of 'data-10gb'.",
      details: { productOfferingId: 'data-10gb' },
    })
    expect(change(limited, [{ id: 'a1', productOfferingId: 'data-10gb' }])).toEqual({ ok: true })
  })
})

describe('refusalError', () => {
  it('throws a 409 refusal as a conflict and a 422 as a business rule, with its fields', () => {
    const conflict = refusalError({ ok: false, code: 'addon.is_active', status: 409, message: 'm', details: {} })
    expect(conflict.kind).toBe('conflict')
    const rule = refusalError(unknownOffering('x'))
    expect(rule.kind).toBe('business_rule')
    expect(rule.code).toBe('product_offering.not_found')
    expect(rule.fieldErrors).toEqual([{ path: '/body/productOfferingId', message: 'unknown offering' }])
  })
})
