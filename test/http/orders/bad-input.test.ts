import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Holdings, OrderWorld } from '../../helpers/orders.js'
import { expectProblem, holdingsOf, makeOrder, orderRoute, orderState, orderWorld } from '../../helpers/orders.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Bad requests to every order route: a 400 naming the field (with the project's code), and nothing
 * written, checked by reading the order, its events and the tenant's orders back.
 */
let t: TestApp
let world: OrderWorld
let holdings: Holdings
let order: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  t = await createTestApp()
  world = await orderWorld(t)
  holdings = await holdingsOf(t, world)
  order = await makeOrder(t, world, {
    lineItems: [{ type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 1, currency: 'USD' }],
  })
})
afterAll(() => t.close())

async function expectBadRequest(route: InjectOptions, path: string, code = 'request.validation_failed') {
  const before = await orderState(t, world, order.orderId)
  const res = await t.request(world.tenant, route)
  expectProblem(res, 400, code, path)
  expect(await orderState(t, world, order.orderId), `${route.method} ${route.url} wrote something`).toEqual(before)
}

const ITEM = { type: 'EXTERNAL_ITEM', name: 'Case', amount: 1, currency: 'USD' }

/** Line item bodies that are not a line item, and the field each names. */
const badItems = (): [string, Record<string, unknown> | unknown[], string, string?][] => [
  ['not an object', [], '/body'],
  ['no type', { productOfferingId: 'mobile-plan-basic' }, '/body/type'],
  ['an unknown type', { type: 'BUNDLE', productOfferingId: 'mobile-plan-basic' }, '/body/type'],
  ['a type that is not a string', { type: 7 }, '/body/type'],
  ['a SUBSCRIPTION without offering', { type: 'SUBSCRIPTION' }, '/body/productOfferingId'],
  [
    'a SUBSCRIPTION number not in E.164',
    { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic', msisdn: '0701234567' },
    '/body/msisdn',
  ],
  [
    'a SUBSCRIPTION ICCID that is not digits',
    { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic', sim: { esim: false, iccid: 'ABC' } },
    '/body/sim/iccid',
  ],
  [
    'a SUBSCRIPTION sim without esim',
    { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic', sim: {} },
    '/body/sim/esim',
  ],
  [
    'a SUBSCRIPTION subscriber e-mail',
    { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic', subscriber: { name: 'Kim', email: 'kim@' } },
    '/body/subscriber/email',
  ],
  [
    'a SUBSCRIPTION subscriberId that is not a UUID',
    { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic', subscriber: { subscriberId: 'kim' } },
    '/body/subscriber/subscriberId',
  ],
  [
    'a SUBSCRIPTION activation date that does not exist',
    { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic', scheduleActivationAt: '2025-02-30' },
    '/body/scheduleActivationAt',
  ],
  ['a lineItemId with a space', { ...ITEM, lineItemId: 'my item' }, '/body/lineItemId'],
  [
    'a LICENSE assigned to something else',
    { type: 'LICENSE', productOfferingId: 'license-security-suite', assignedTo: { type: 'CUSTOMER' } },
    '/body/assignedTo/type',
  ],
  [
    'a LICENSE assigned to a malformed id',
    {
      type: 'LICENSE',
      productOfferingId: 'license-security-suite',
      assignedTo: { type: 'SUBSCRIPTION', subscriptionId: 'sub-1' },
    },
    '/body/assignedTo/subscriptionId',
    'request.invalid_id',
  ],
  [
    'an ADD_ON for a malformed subscription id',
    { type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: 'sub-1' },
    '/body/subscriptionId',
    'request.invalid_id',
  ],
  [
    'an ADD_ON date that is a time',
    { type: 'ADD_ON', productOfferingId: 'addon-data-5gb', subscriptionId: 'SUB', scheduledAt: '2025-02-01T00:00:00Z' },
    '/body/scheduledAt',
  ],
  ['a TOP_UP without a subscription', { type: 'TOP_UP', productOfferingId: 'topup-data-2gb' }, '/body/subscriptionId'],
  [
    'a TOP_UP for an empty reference',
    { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: 'rid_' },
    '/body/subscriptionId',
    'request.invalid_id',
  ],
  [
    'an EXTERNAL_PRODUCT quantity of 0',
    { type: 'EXTERNAL_PRODUCT', productOfferingId: 'accessory-sim-holder', quantity: 0 },
    '/body/quantity',
  ],
  [
    'an EXTERNAL_PRODUCT quantity of 1.5',
    { type: 'EXTERNAL_PRODUCT', productOfferingId: 'accessory-sim-holder', quantity: 1.5 },
    '/body/quantity',
  ],
  ['an EXTERNAL_ITEM without a name', { type: 'EXTERNAL_ITEM', amount: 1, currency: 'USD' }, '/body/name'],
  ['an EXTERNAL_ITEM with a negative amount', { ...ITEM, amount: -1 }, '/body/amount'],
  ['an EXTERNAL_ITEM amount as a string', { ...ITEM, amount: '1.00' }, '/body/amount'],
  ['an EXTERNAL_ITEM lower-case currency', { ...ITEM, currency: 'usd' }, '/body/currency'],
  [
    'a SUBSCRIPTION_CHANGE without offering',
    { type: 'SUBSCRIPTION_CHANGE', subscriptionId: 'SUB' },
    '/body/productOfferingId',
  ],
  [
    'a SUBSCRIPTION_CHANGE reason over 500 characters',
    {
      type: 'SUBSCRIPTION_CHANGE',
      subscriptionId: 'SUB',
      productOfferingId: 'mobile-plan-max',
      reason: 'r'.repeat(501),
    },
    '/body/reason',
  ],
  [
    'a LICENSE_CHANGE without a license',
    { type: 'LICENSE_CHANGE', productOfferingId: 'license-security-premium' },
    '/body/licenseId',
  ],
  [
    'a LICENSE_CHANGE for a malformed license id',
    { type: 'LICENSE_CHANGE', licenseId: 'lic-1', productOfferingId: 'license-security-premium' },
    '/body/licenseId',
    'request.invalid_id',
  ],
  [
    'an ADD_ON_CHANGE subscriptionAddonId that is not a UUID',
    { type: 'ADD_ON_CHANGE', subscriptionId: 'SUB', subscriptionAddonId: 'a-1', productOfferingId: 'addon-data-10gb' },
    '/body/subscriptionAddonId',
  ],
  ['metadata that is not an object', { ...ITEM, metadata: 'x' }, '/body/metadata'],
]

const withSub = <T>(body: T): T =>
  JSON.parse(JSON.stringify(body).replaceAll('"SUB"', JSON.stringify(holdings.subscription.subscriptionId)))

describe('bad order ids', () => {
  it('answers a malformed order id with 400 at /params/orderId on every route', async () => {
    for (const id of ['not-a-uuid', 'rid_ord-1', '01890a5d-ac96-774b-bcce-b302099a805']) {
      for (const route of [
        orderRoute(id, 'GET'),
        orderRoute(id, 'PATCH', '', { promoCode: 'WELCOME10' }),
        orderRoute(id, 'POST', 'cancel'),
        orderRoute(id, 'POST', 'line-items', ITEM),
        orderRoute(id, 'PUT', 'line-items/case', ITEM),
        orderRoute(id, 'DELETE', 'line-items/case'),
        orderRoute(id, 'POST', 'calculate-price'),
        orderRoute(id, 'POST', 'submit', {}),
      ]) {
        await expectBadRequest(route, '/params/orderId')
      }
    }
  })

  it('answers a line item id over 100 characters with 400 at /params/lineItemId', async () => {
    await expectBadRequest(
      orderRoute(order.orderId, 'PUT', `line-items/${'x'.repeat(101)}`, ITEM),
      '/params/lineItemId',
    )
    await expectBadRequest(orderRoute(order.orderId, 'DELETE', `line-items/${'x'.repeat(101)}`), '/params/lineItemId')
  })
})

describe('bad line items', () => {
  it.each(badItems())(
    'answers %s with 400 at its field, on POST, PUT and inside a create',
    async (_case, body, path, code?: string) => {
      const item = withSub(body)
      await expectBadRequest(orderRoute(order.orderId, 'POST', 'line-items', item), path, code)
      await expectBadRequest(orderRoute(order.orderId, 'PUT', 'line-items/case', item), path, code)
      await expectBadRequest(
        { method: 'POST', url: '/orders', payload: { lineItems: [ITEM, item] } },
        path.replace('/body', '/body/lineItems/1'),
        code,
      )
    },
  )

  it('names only the field of the shape its type picks, not the other eight', async () => {
    const res = await t.request(world.tenant, orderRoute(order.orderId, 'POST', 'line-items', { ...ITEM, amount: -1 }))
    expect(res.json().errors).toEqual([{ path: '/body/amount', message: 'must be >= 0' }])
    const unknown = await t.request(world.tenant, orderRoute(order.orderId, 'POST', 'line-items', { type: 'BUNDLE' }))
    expect(unknown.json().errors).toEqual([
      {
        path: '/body/type',
        message:
          'must be one of SUBSCRIPTION, LICENSE, ADD_ON, TOP_UP, EXTERNAL_PRODUCT, EXTERNAL_ITEM, SUBSCRIPTION_CHANGE, LICENSE_CHANGE, ADD_ON_CHANGE (got "BUNDLE")',
      },
    ])
    // Inside an order's body, the same message at the item's own path.
    const created = await t.request(world.tenant, {
      method: 'POST',
      url: '/orders',
      payload: { lineItems: [{ type: 'BUNDLE' }] },
    })
    expect(created.json().errors).toEqual([
      {
        path: '/body/lineItems/0/type',
        message: expect.stringMatching(/^must be one of SUBSCRIPTION, .*ADD_ON_CHANGE \(got "BUNDLE"\)$/),
      },
    ])
  })
})

describe('bad order bodies', () => {
  const bodies: [string, Record<string, unknown>, string, string?][] = [
    [
      'a malformed customer id',
      { customer: { customerId: 'cust-1' } },
      '/body/customer/customerId',
      'request.invalid_id',
    ],
    ['a new customer without a type', { customer: { name: 'Kim' } }, '/body/customer/customerType'],
    [
      'a new customer with an unknown type',
      { customer: { customerType: 'PERSON', name: 'Kim' } },
      '/body/customer/customerType',
    ],
    ['a malformed user id', { user: { userId: 'user 1' } }, '/body/user/userId', 'request.invalid_id'],
    ['a new user without a name', { user: { email: 'kim@example.com' } }, '/body/user/name'],
    ['an empty promo code', { promoCode: '' }, '/body/promoCode'],
    [
      'a shipping country that is not ISO 3166',
      { shipping: { address: { country: 'usa' } } },
      '/body/shipping/address/country',
    ],
    ['a billing e-mail', { billing: { email: 'billing@' } }, '/body/billing/email'],
    ['consents that are not an object', { consents: 'yes' }, '/body/consents'],
    ['metadata that is not an object', { metadata: [] }, '/body/metadata'],
  ]

  it.each(bodies)(
    'answers a create and a change with %s with 400 at its field',
    async (_case, body, path, code?: string) => {
      await expectBadRequest({ method: 'POST', url: '/orders', payload: body }, path, code)
      await expectBadRequest(orderRoute(order.orderId, 'PATCH', '', body), path, code)
    },
  )

  it('answers a create with lineItems that is not a list, or more than 100, with 400', async () => {
    await expectBadRequest({ method: 'POST', url: '/orders', payload: { lineItems: ITEM } }, '/body/lineItems')
    await expectBadRequest(
      { method: 'POST', url: '/orders', payload: { lineItems: Array(101).fill(ITEM) } },
      '/body/lineItems',
    )
  })

  it.each([
    ['a payment session id that is not a UUID', { paymentSessionId: 'pay_1' }, '/body/paymentSessionId'],
    [
      'a payment profile session id that is not a UUID',
      { paymentProfileSessionId: 'pp_1' },
      '/body/paymentProfileSessionId',
    ],
    ['a signing session id that is not a UUID', { signingSessionId: 7 }, '/body/signingSessionId'],
    [
      'an external payment without a reference',
      { externalPayment: { receiptDescription: 'Paid' } },
      '/body/externalPayment/reference',
    ],
    [
      'an external payment receipt URL that is not a URL',
      { externalPayment: { reference: 'r-1', receiptUrl: 'receipt 1' } },
      '/body/externalPayment/receiptUrl',
    ],
    [
      'an external payment time without an offset',
      { externalPayment: { reference: 'r-1', receivedAt: 'yesterday' } },
      '/body/externalPayment/receivedAt',
    ],
    ['metadata that is not an object', { metadata: 1 }, '/body/metadata'],
  ])('answers a submit with %s with 400 at its field', async (_case, body, path) => {
    await expectBadRequest(orderRoute(order.orderId, 'POST', 'submit', body), path)
  })
})

describe('bad list queries', () => {
  it.each([
    ['an unknown status', 'status=OPEN', '/query/status/0'],
    ['an unknown state', 'state=OPEN', '/query/state/0'],
    ['a malformed customer id', 'customerId=cust-1', '/query/customerId', 'request.invalid_id'],
    ['a malformed user id', 'userId=rid_', '/query/userId', 'request.invalid_id'],
    ['an expiresAfter that is not a time', 'expiresAfter=tomorrow', '/query/expiresAfter'],
    ['an expiresBefore without an offset', 'expiresBefore=2025-01-22T10:00:00', '/query/expiresBefore'],
    ['a limit of 0', 'limit=0', '/query/limit'],
    ['a limit over 1000', 'limit=1001', '/query/limit'],
  ])('answers %s with 400 at its parameter', async (_case, query, path, code?: string) => {
    const res = await t.request(world.tenant, { method: 'GET', url: `/orders?${query}` })
    expectProblem(res, 400, code ?? 'request.validation_failed', path)
  })
})
