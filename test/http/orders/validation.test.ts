import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offeringBody, seedCatalog } from '../../helpers/catalog.js'
import { lease } from '../../helpers/inventory.js'
import { PREMIUM, RETIRED, SUITE, makeLicense } from '../../helpers/licenses.js'
import type { Holdings, OrderWorld } from '../../helpers/orders.js'
import {
  SHIPPING,
  expectProblem,
  getOrder,
  holdingsOf,
  makeOrder,
  orderAct,
  orderRequest,
  orderState,
  orderWorld,
  subscriptionItem,
} from '../../helpers/orders.js'
import { makeCustomer, makeSubscriber } from '../../helpers/parties.js'
import { makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * What is checked at once and what the always-current `validation` says. A line item whose
 * references are wrong (unknown, archived or mistyped offering, another customer's subscription,
 * an unusable number or SIM) is refused when added: 422 `order.line_item_invalid` naming the field.
 * What it merely lacks (a subscriber, a SIM, a shipping address) shows in `validation`, and so does
 * anything that goes wrong after it was accepted.
 */
let t: TestApp
let world: OrderWorld
let holdings: Holdings
let other: { subscription: Record<string, any>; license: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any
let paused: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let cancelled: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let stranger: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let poolNumber: string

beforeAll(async () => {
  t = await createTestApp()
  world = await orderWorld(t)
  holdings = await holdingsOf(t, world)
  await seedCatalog(t.services, world.tenant, {
    offerings: [
      offeringBody('plan-retired', { status: 'ARCHIVED' }),
      offeringBody('addon-data-plans-only', {
        product: { type: 'SUBSCRIPTION_ADDON', category: 'PRODUCT_CATEGORY_EXTRA_DATA' },
        compatibility: { categories: ['PRODUCT_CATEGORY_SUBSCRIPTION_DATA'] },
      }),
      offeringBody('plan-data', { product: { type: 'SUBSCRIPTION', category: 'PRODUCT_CATEGORY_SUBSCRIPTION_DATA' } }),
    ],
  })
  // Another customer of the tenant, with a subscription and a license of its own.
  const customer = await makeCustomer(t, world.tenant)
  const theirs = { ...world, customer }
  other = {
    subscription: await makeSubscription(t, theirs, { msisdn: '+15559990001' }),
    license: await makeLicense(t, theirs),
  }
  stranger = await makeSubscriber(t, world.tenant, { customerId: customer.customerId })
  paused = await makeSubscription(t, world, { msisdn: '+15559990002' })
  expect(
    (
      await t.request(world.tenant, {
        method: 'POST',
        url: `/subscriptions/${paused.subscriptionId}/pause`,
        payload: {},
      })
    ).statusCode,
  ).toBe(200)
  cancelled = await makeSubscription(t, world, { msisdn: '+15559990003' })
  expect(
    (
      await t.request(world.tenant, {
        method: 'POST',
        url: `/subscriptions/${cancelled.subscriptionId}/cancel`,
        payload: { schedule: 'CancelNow', reason: 'NO_NEED' },
      })
    ).statusCode,
  ).toBe(200)
  poolNumber = world.stock.msisdns.at(-1) as string
})
afterAll(() => t.close())

type Case = [string, () => Record<string, unknown>, string]
const sub = () => holdings.subscription.subscriptionId as string
const UNKNOWN = '01890a5d-ac96-774b-bcce-b302099a8057'

const refused: Case[] = [
  [
    'a SUBSCRIPTION of an unknown offering',
    () => subscriptionItem({ productOfferingId: 'plan-nope' }),
    '/productOfferingId',
  ],
  [
    'a SUBSCRIPTION of an add-on offering',
    () => subscriptionItem({ productOfferingId: 'addon-data-5gb' }),
    '/productOfferingId',
  ],
  [
    'a SUBSCRIPTION of an archived plan',
    () => subscriptionItem({ productOfferingId: 'plan-retired' }),
    '/productOfferingId',
  ],
  [
    'a SUBSCRIPTION with a temporary number but no port-in',
    () => subscriptionItem({ tempNumber: true }),
    '/tempNumber',
  ],
  ['a SUBSCRIPTION with a pool number and no lease', () => subscriptionItem({ msisdn: poolNumber }), '/leaseToken'],
  ['a SUBSCRIPTION with a number not in the pool', () => subscriptionItem({ msisdn: '+15550009999' }), '/msisdn'],
  [
    'a SUBSCRIPTION with an unknown lease token',
    () => subscriptionItem({ msisdn: poolNumber, leaseToken: 'lease_nope' }),
    '/leaseToken',
  ],
  [
    'a SUBSCRIPTION with an unknown ICCID',
    () => subscriptionItem({ sim: { esim: false, iccid: '89460000000000000007' } }),
    '/sim/iccid',
  ],
  [
    'a SUBSCRIPTION for an unknown subscriber',
    () => subscriptionItem({ subscriber: { subscriberId: UNKNOWN } }),
    '/subscriber/subscriberId',
  ],
  [
    'a SUBSCRIPTION for another customer’s subscriber',
    () => subscriptionItem({ subscriber: { subscriberId: stranger.subscriberId } }),
    '/subscriber/subscriberId',
  ],
  ['a LICENSE of an archived offering', () => ({ type: 'LICENSE', productOfferingId: RETIRED }), '/productOfferingId'],
  [
    'a LICENSE of a plan offering',
    () => ({ type: 'LICENSE', productOfferingId: 'mobile-plan-basic' }),
    '/productOfferingId',
  ],
  [
    'a LICENSE for an unknown line item',
    () => ({
      type: 'LICENSE',
      productOfferingId: SUITE,
      assignedTo: { type: 'SUBSCRIPTION', subscriptionLineItemId: 'nope' },
    }),
    '/assignedTo/subscriptionLineItemId',
  ],
  [
    'a LICENSE for another customer’s subscription',
    () => ({
      type: 'LICENSE',
      productOfferingId: SUITE,
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: other.subscription.subscriptionId },
    }),
    '/assignedTo/subscriptionId',
  ],
  [
    'an ADD_ON that is a top-up',
    () => ({ type: 'ADD_ON', productOfferingId: 'topup-data-2gb', subscriptionId: sub() }),
    '/productOfferingId',
  ],
  ['an ADD_ON for no subscription', () => ({ type: 'ADD_ON', productOfferingId: 'addon-data-5gb' }), '/subscriptionId'],
  [
    'an ADD_ON for two subscriptions',
    () => ({ type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: sub(), subscriptionLineItemId: 'x' }),
    '/subscriptionId',
  ],
  [
    'an ADD_ON for an unknown subscription',
    () => ({ type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: UNKNOWN }),
    '/subscriptionId',
  ],
  [
    'an ADD_ON for another customer’s subscription',
    () => ({ type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: other.subscription.subscriptionId }),
    '/subscriptionId',
  ],
  [
    'an ADD_ON for a cancelled subscription',
    () => ({ type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: cancelled.subscriptionId }),
    '/subscriptionId',
  ],
  [
    'an ADD_ON that does not fit the plan',
    () => ({ type: 'ADD_ON', productOfferingId: 'addon-data-plans-only', subscriptionId: sub() }),
    '/productOfferingId',
  ],
  [
    'a TOP_UP of a data add-on',
    () => ({ type: 'TOP_UP', productOfferingId: 'addon-data-5gb', subscriptionId: sub() }),
    '/productOfferingId',
  ],
  [
    'a TOP_UP for a paused subscription',
    () => ({ type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: paused.subscriptionId }),
    '/subscriptionId',
  ],
  [
    'a TOP_UP for an unknown reference',
    () => ({ type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: 'rid_nobody' }),
    '/subscriptionId',
  ],
  [
    'an EXTERNAL_PRODUCT of a plan',
    () => ({ type: 'EXTERNAL_PRODUCT', productOfferingId: 'mobile-plan-basic' }),
    '/productOfferingId',
  ],
  [
    'an EXTERNAL_ITEM with a fraction of a cent',
    () => ({ type: 'EXTERNAL_ITEM', name: 'Case', amount: 9.999, currency: 'USD' }),
    '/amount',
  ],
  [
    'an EXTERNAL_ITEM with a fraction of a yen',
    () => ({ type: 'EXTERNAL_ITEM', name: 'Case', amount: 1.5, currency: 'JPY' }),
    '/amount',
  ],
  [
    'an EXTERNAL_ITEM in a currency ISO 4217 does not know',
    () => ({ type: 'EXTERNAL_ITEM', name: 'Case', amount: 1, currency: 'ABC' }),
    '/currency',
  ],
  [
    'a SUBSCRIPTION_CHANGE to the plan it has',
    () => ({ type: 'SUBSCRIPTION_CHANGE', subscriptionId: sub(), productOfferingId: 'mobile-plan-plus' }),
    '/productOfferingId',
  ],
  [
    'a SUBSCRIPTION_CHANGE to a plan of another category',
    () => ({ type: 'SUBSCRIPTION_CHANGE', subscriptionId: sub(), productOfferingId: 'plan-data' }),
    '/productOfferingId',
  ],
  [
    'a SUBSCRIPTION_CHANGE of a cancelled subscription',
    () => ({
      type: 'SUBSCRIPTION_CHANGE',
      subscriptionId: cancelled.subscriptionId,
      productOfferingId: 'mobile-plan-max',
    }),
    '/subscriptionId',
  ],
  [
    'a LICENSE_CHANGE of an unknown license',
    () => ({ type: 'LICENSE_CHANGE', licenseId: UNKNOWN, productOfferingId: PREMIUM }),
    '/licenseId',
  ],
  [
    'a LICENSE_CHANGE of another customer’s license',
    () => ({ type: 'LICENSE_CHANGE', licenseId: other.license.licenseId, productOfferingId: PREMIUM }),
    '/licenseId',
  ],
  [
    'a LICENSE_CHANGE to a plan',
    () => ({ type: 'LICENSE_CHANGE', licenseId: holdings.license.licenseId, productOfferingId: 'mobile-plan-max' }),
    '/productOfferingId',
  ],
  [
    'a LICENSE_CHANGE to the offering it is on',
    () => ({
      type: 'LICENSE_CHANGE',
      licenseId: holdings.license.licenseId,
      productOfferingId: holdings.license.productOfferingId,
    }),
    '/productOfferingId',
  ],
  [
    'an ADD_ON_CHANGE to the offering it is on',
    () => ({
      type: 'ADD_ON_CHANGE',
      subscriptionId: sub(),
      currentProductOfferingId: 'addon-data-1gb',
      productOfferingId: 'addon-data-1gb',
    }),
    '/productOfferingId',
  ],
  [
    'an ADD_ON_CHANGE of an add-on the subscription does not have',
    () => ({
      type: 'ADD_ON_CHANGE',
      subscriptionId: sub(),
      currentProductOfferingId: 'addon-data-5gb',
      productOfferingId: 'addon-data-10gb',
    }),
    '/currentProductOfferingId',
  ],
  [
    'an ADD_ON_CHANGE of an unknown subscription add-on',
    () => ({
      type: 'ADD_ON_CHANGE',
      subscriptionId: sub(),
      subscriptionAddonId: UNKNOWN,
      productOfferingId: 'addon-data-10gb',
    }),
    '/subscriptionAddonId',
  ],
]

describe('line items checked at once', () => {
  it.each(refused)(
    'refuses %s with 422 order.line_item_invalid naming the field, writing nothing',
    async (_case, item, field) => {
      const order = await makeOrder(t, world, {
        lineItems: [{ type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 1, currency: 'USD' }],
      })
      const before = await orderState(t, world, order.orderId)
      const res = await orderRequest(t, world, order.orderId, 'POST', 'line-items', item())
      expect(expectProblem(res, 422, 'order.line_item_invalid', `/body${field}`)).toMatchObject({
        lineItemId: 'line-item-2',
      })
      expectProblem(
        await orderRequest(t, world, order.orderId, 'PUT', 'line-items/case', item()),
        422,
        'order.line_item_invalid',
        `/body${field}`,
      )
      expect(await orderState(t, world, order.orderId)).toEqual(before)
      const count = before.count
      expectProblem(
        await t.request(world.tenant, {
          method: 'POST',
          url: '/orders',
          payload: { customer: { customerId: world.customer.customerId }, lineItems: [item()] },
        }),
        422,
        'order.line_item_invalid',
        `/body/lineItems/0${field}`,
      )
      expect((await orderState(t, world, order.orderId)).count).toBe(count)
    },
  )

  it('refuses an existing subscription while the order has no existing customer', async () => {
    for (const customer of [undefined, { customerType: 'CONSUMER', name: 'New Person' }]) {
      const order = await makeOrder(t, world, { customer: customer ?? null })
      const res = await orderRequest(t, world, order.orderId, 'POST', 'line-items', {
        type: 'TOP_UP',
        productOfferingId: 'topup-data-2gb',
        subscriptionId: sub(),
      })
      const problem = expectProblem(res, 422, 'order.line_item_invalid', '/body/subscriptionId')
      expect(problem.errors[0].message).toContain('no existing customer')
    }
  })

  it('refuses a number or a SIM another line item of the order already uses', async () => {
    const leased = await lease(t, world.tenant, ['CELL'], 1)
    const number = leased.numbers[0].msisdn as string
    const iccid = world.stock.iccids[0] as string
    const order = await makeOrder(t, world, {
      lineItems: [
        subscriptionItem({
          lineItemId: 'first',
          msisdn: number,
          leaseToken: leased.leaseToken,
          sim: { esim: true, iccid },
        }),
      ],
    })
    const before = await orderState(t, world, order.orderId)
    expectProblem(
      await orderRequest(
        t,
        world,
        order.orderId,
        'POST',
        'line-items',
        subscriptionItem({ msisdn: number, leaseToken: leased.leaseToken }),
      ),
      422,
      'order.line_item_invalid',
      '/body/msisdn',
    )
    expectProblem(
      await orderRequest(
        t,
        world,
        order.orderId,
        'POST',
        'line-items',
        subscriptionItem({ sim: { esim: true, iccid } }),
      ),
      422,
      'order.line_item_invalid',
      '/body/sim/iccid',
    )
    expect(await orderState(t, world, order.orderId)).toEqual(before)
    // Replacing the item that holds them is fine.
    await orderAct(
      t,
      world,
      order.orderId,
      'PUT',
      'line-items/first',
      subscriptionItem({ msisdn: number, leaseToken: leased.leaseToken, sim: { esim: true, iccid } }),
    )
  })

  it('refuses an ADD_ON_CHANGE that does not say which of several attached add-ons it changes', async () => {
    const line = await makeSubscription(t, world)
    for (const productOfferingId of ['addon-data-1gb', 'addon-data-5gb']) {
      const added = await t.request(world.tenant, {
        method: 'POST',
        url: `/subscriptions/${line.subscriptionId}/addons`,
        payload: { productOfferingId },
      })
      expect(added.statusCode, added.body).toBe(201)
    }
    const order = await makeOrder(t, world)
    const vague = expectProblem(
      await orderRequest(t, world, order.orderId, 'POST', 'line-items', {
        type: 'ADD_ON_CHANGE',
        subscriptionId: line.subscriptionId,
        productOfferingId: 'addon-data-10gb',
      }),
      422,
      'order.line_item_invalid',
      '/body/currentProductOfferingId',
    )
    expect(vague.errors[0].message).toMatch(/2 such add-ons attached/)
    await orderAct(
      t,
      world,
      order.orderId,
      'POST',
      'line-items',
      {
        type: 'ADD_ON_CHANGE',
        subscriptionId: line.subscriptionId,
        currentProductOfferingId: 'addon-data-5gb',
        productOfferingId: 'addon-data-10gb',
      },
      201,
    )
  })

  it('refuses a SIM of the other kind than the line asks for: an eSIM line gets an eSIM, a physical line a card', async () => {
    const [esim, physical] = [world.stock.iccids[1] as string, world.stock.iccids[3] as string]
    const order = await makeOrder(t, world)
    const before = await orderState(t, world, order.orderId)
    const asEsim = expectProblem(
      await orderRequest(
        t,
        world,
        order.orderId,
        'POST',
        'line-items',
        subscriptionItem({ sim: { esim: true, iccid: physical } }),
      ),
      422,
      'order.line_item_invalid',
      '/body/sim/iccid',
    )
    expect(asEsim.errors[0].message).toMatch(/is a physical SIM, but the line asks for an eSIM/)
    const asCard = expectProblem(
      await orderRequest(
        t,
        world,
        order.orderId,
        'POST',
        'line-items',
        subscriptionItem({ sim: { esim: false, iccid: esim } }),
      ),
      422,
      'order.line_item_invalid',
      '/body/sim/iccid',
    )
    expect(asCard.errors[0].message).toMatch(/is an eSIM, but the line asks for a physical SIM/)
    expect(await orderState(t, world, order.orderId)).toEqual(before)
    await orderAct(
      t,
      world,
      order.orderId,
      'POST',
      'line-items',
      subscriptionItem({ sim: { esim: false, iccid: physical } }),
      201,
    )
  })
})

describe('validation', () => {
  it('lists what the order lacks: a customer, line items, and what each item lacks', async () => {
    const order = await makeOrder(t, world, { customer: null })
    expect(order.validation).toEqual({
      isValid: false,
      missingFields: ['customer', 'lineItems'],
      errors: [],
      lineItemValidation: [],
    })
    await orderAct(
      t,
      world,
      order.orderId,
      'POST',
      'line-items',
      { type: 'SUBSCRIPTION', lineItemId: 'a', productOfferingId: 'mobile-plan-basic' },
      201,
    )
    await orderAct(
      t,
      world,
      order.orderId,
      'POST',
      'line-items',
      {
        type: 'SUBSCRIPTION',
        lineItemId: 'b',
        productOfferingId: 'mobile-plan-basic',
        subscriber: { email: 'kim@example.com' },
        sim: { esim: false },
      },
      201,
    )
    await orderAct(
      t,
      world,
      order.orderId,
      'POST',
      'line-items',
      {
        type: 'SUBSCRIPTION',
        lineItemId: 'c',
        productOfferingId: 'mobile-plan-basic',
        subscriber: { name: 'Kim' },
        sim: { esim: true },
      },
      201,
    )
    const view = await getOrder(t, world, order.orderId)
    expect(view.validation).toEqual({
      isValid: false,
      // A physical SIM without an ICCID is shipped.
      missingFields: ['customer', 'shipping.address'],
      errors: [],
      lineItemValidation: [
        { lineItemId: 'a', isValid: false, missingFields: ['subscriber', 'sim'], errors: [] },
        { lineItemId: 'b', isValid: false, missingFields: ['subscriber.name'], errors: [] },
        { lineItemId: 'c', isValid: true, missingFields: [], errors: [] },
      ],
    })
    // A new customer, described on the order, counts; the address completes it.
    await orderAct(t, world, order.orderId, 'PATCH', '', {
      customer: { customerType: 'CONSUMER', name: 'Kim New' },
      shipping: SHIPPING,
    })
    await orderAct(t, world, order.orderId, 'DELETE', 'line-items/a', undefined, 204)
    await orderAct(t, world, order.orderId, 'PUT', 'line-items/b', {
      type: 'SUBSCRIPTION',
      productOfferingId: 'mobile-plan-basic',
      subscriber: { name: 'Sam' },
      sim: { esim: false },
    })
    const complete = await getOrder(t, world, order.orderId)
    expect(complete.validation, JSON.stringify(complete.validation)).toMatchObject({
      isValid: true,
      missingFields: [],
      errors: [],
    })
    expect(complete.customer).toEqual({ customerId: null, name: 'Kim New', new: true })
    expect(
      (await t.request(world.tenant, { method: 'GET', url: `/orders?limit=1000` }))
        .json()
        .items.find((o: { orderId: string }) => o.orderId === order.orderId).validationStatus,
    ).toBe('VALID')
  })

  it('reports line items in two currencies, and a promotion code that is unknown or applies to nothing', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [subscriptionItem(), { type: 'EXTERNAL_ITEM', name: 'Case', amount: 10, currency: 'EUR' }],
    })
    expect(order.validation).toMatchObject({
      isValid: false,
      errors: [{ property: 'lineItems', message: expect.stringContaining('different currencies') }],
    })
    await orderAct(t, world, order.orderId, 'DELETE', 'line-items/line-item-2', undefined, 204)
    await orderAct(t, world, order.orderId, 'PATCH', '', { promoCode: 'nope2025' })
    let view = await getOrder(t, world, order.orderId)
    expect(view.promoCode).toBe('NOPE2025')
    expect(view.validation).toMatchObject({
      isValid: false,
      errors: [{ property: 'promoCode', message: "Unknown promotion code 'NOPE2025'." }],
    })
    // WELCOME10 is for plans: with only an add-on in the cart it applies to nothing.
    await orderAct(t, world, order.orderId, 'PATCH', '', { promoCode: 'welcome10' })
    expect((await getOrder(t, world, order.orderId)).validation).toMatchObject({ isValid: true, errors: [] })
    await orderAct(t, world, order.orderId, 'PUT', 'line-items/line-item-1', {
      type: 'ADD_ON',
      productOfferingId: 'addon-data-5gb',
      subscriptionId: sub(),
    })
    view = await getOrder(t, world, order.orderId)
    expect(view.validation).toMatchObject({
      isValid: false,
      errors: [{ property: 'promoCode', message: "The promotion 'WELCOME10' applies to none of the line items now." }],
    })
    await orderAct(t, world, order.orderId, 'PATCH', '', { promoCode: null })
    expect((await getOrder(t, world, order.orderId)).validation.isValid).toBe(true)
  })

  it('shows what went wrong after an item was accepted, and refuses to price or submit it', async () => {
    const target = await makeSubscription(t, world, { msisdn: '+15559990004' })
    const order = await makeOrder(t, world, {
      lineItems: [
        {
          type: 'TOP_UP',
          lineItemId: 'topup',
          productOfferingId: 'topup-data-2gb',
          subscriptionId: target.subscriptionId,
        },
      ],
    })
    expect(order.validation.isValid).toBe(true)
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${target.subscriptionId}/block`,
      payload: { reason: 'unpaid' },
    })
    const view = await getOrder(t, world, order.orderId)
    expect(view.validation).toEqual({
      isValid: false,
      missingFields: [],
      errors: [],
      lineItemValidation: [
        {
          lineItemId: 'topup',
          isValid: false,
          missingFields: [],
          errors: [
            { property: 'subscriptionId', message: 'Only an ACTIVATED subscription can be topped up (it is BLOCKED).' },
          ],
        },
      ],
    })
    const before = await orderState(t, world, order.orderId)
    expect(
      expectProblem(await orderRequest(t, world, order.orderId, 'POST', 'calculate-price'), 422, 'order.invalid')
        .validation,
    ).toEqual(view.validation)
    expectProblem(await orderRequest(t, world, order.orderId, 'POST', 'submit', {}), 422, 'order.invalid')
    expect(await orderState(t, world, order.orderId)).toEqual(before)
  })

  it('checks every item again when the customer changes', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [{ type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: sub() }],
    })
    const customer = await makeCustomer(t, world.tenant)
    await orderAct(t, world, order.orderId, 'PATCH', '', { customer: { customerId: customer.customerId } })
    const view = await getOrder(t, world, order.orderId)
    expect(view.validation.lineItemValidation[0]).toMatchObject({
      isValid: false,
      errors: [{ property: 'subscriptionId', message: 'The subscription belongs to another customer.' }],
    })
  })

  it('shows a lease that ran out on the line item that uses it', async () => {
    const fresh = await orderWorld(t)
    const leased = await lease(t, fresh.tenant, ['CELL'], 1)
    const order = await makeOrder(t, fresh, {
      lineItems: [subscriptionItem({ msisdn: leased.numbers[0].msisdn, leaseToken: leased.leaseToken })],
    })
    expect(order.validation.isValid).toBe(true)
    await t.request(fresh.tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-01-15T11:00:00Z' },
    })
    const view = await getOrder(t, fresh, order.orderId)
    expect(view.validation.lineItemValidation[0]).toMatchObject({
      isValid: false,
      errors: [{ property: 'leaseToken' }],
    })
  })
})
