import type { InjectOptions } from 'fastify'
import { expect } from 'vitest'
import { stockInventory } from './inventory.js'
import { PREMIUM, SUITE, licenseWorld, makeLicense } from './licenses.js'
import { eventsAbout } from './parties.js'
import type { TestTenant } from './factories.js'
import type { World } from './subscriptions.js'
import { makeSubscription } from './subscriptions.js'
import type { TestApp } from './test-app.js'

type Json = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/** A world for orders: the demo catalog and the extra licenses, one customer, and stock (CELL numbers, eSIMs, physical SIMs). */
export interface OrderWorld extends World {
  stock: { msisdns: string[]; iccids: string[] }
}

export async function orderWorld(
  t: TestApp,
  options: { settings?: Record<string, unknown>; sandbox?: boolean } = {},
): Promise<OrderWorld> {
  const world = await licenseWorld(t, { ...(options.sandbox !== undefined && { sandbox: options.sandbox }) })
  const stock = await stockInventory(t, world.tenant)
  if (options.settings) await setTenantSettings(t, world.tenant, options.settings)
  return { ...world, stock }
}

/** PATCH /tenant with `settings` (merged key by key). */
export async function setTenantSettings(
  t: TestApp,
  tenant: TestTenant,
  settings: Record<string, unknown>,
): Promise<void> {
  const res = await t.request(tenant, { method: 'PATCH', url: '/tenant', payload: { settings } })
  expect(res.statusCode, res.body).toBe(200)
}

/** The demo's 8.25 % sales tax on every line item and a 10.00 activation fee on new subscriptions. */
export const SALES_TAX_AND_ACTIVATION_FEE = {
  taxRates: [{ name: 'Sales Tax', rate: 8.25 }],
  fees: [{ name: 'Activation fee', amount: 10, currency: 'USD', appliesTo: ['SUBSCRIPTION'] }],
}

/** A complete SUBSCRIPTION line item: a new subscriber on any eSIM, a number from the pool. */
export const subscriptionItem = (overrides: Record<string, unknown> = {}): Json => ({
  type: 'SUBSCRIPTION',
  productOfferingId: 'mobile-plan-plus',
  subscriber: { name: 'Kim Ordered' },
  sim: { esim: true },
  ...overrides,
})

/** The things of the world's customer that line items of the other eight types refer to. */
export interface Holdings {
  /** An ACTIVATED plus-plan subscription with the 1 GB add-on attached. */
  subscription: Json
  /** A monthly security-suite license. */
  license: Json
}

let lines = 0

export async function holdingsOf(t: TestApp, world: World): Promise<Holdings> {
  const subscription = await makeSubscription(t, world, { msisdn: `+1555${String(2_000_000 + ++lines)}` })
  const addon = await t.request(world.tenant, {
    method: 'POST',
    url: `/subscriptions/${subscription.subscriptionId}/addons`,
    payload: { productOfferingId: 'addon-data-1gb' },
  })
  expect(addon.statusCode, addon.body).toBe(201)
  return { subscription, license: await makeLicense(t, world) }
}

/**
 * One complete line item of each of the nine types, for the world's customer and its holdings. The
 * ADD_ON and the LICENSE attach to the subscription the first item creates.
 */
export function nineItems(h: Holdings): Json[] {
  const subscriptionId = h.subscription.subscriptionId as string
  return [
    subscriptionItem({ lineItemId: 'new-line' }),
    {
      type: 'LICENSE',
      lineItemId: 'license',
      productOfferingId: SUITE,
      assignedTo: { type: 'SUBSCRIPTION', subscriptionLineItemId: 'new-line' },
    },
    { type: 'ADD_ON', lineItemId: 'addon', productOfferingId: 'addon-data-5gb', subscriptionLineItemId: 'new-line' },
    { type: 'TOP_UP', lineItemId: 'topup', productOfferingId: 'topup-data-2gb', subscriptionId },
    { type: 'EXTERNAL_PRODUCT', lineItemId: 'holder', productOfferingId: 'accessory-sim-holder', quantity: 2 },
    {
      type: 'EXTERNAL_ITEM',
      lineItemId: 'case',
      name: 'Phone case',
      amount: 12.5,
      currency: 'USD',
      externalReference: 'sku-case-1',
    },
    { type: 'SUBSCRIPTION_CHANGE', lineItemId: 'plan-change', subscriptionId, productOfferingId: 'mobile-plan-max' },
    {
      type: 'LICENSE_CHANGE',
      lineItemId: 'license-change',
      licenseId: h.license.licenseId,
      productOfferingId: PREMIUM,
    },
    {
      type: 'ADD_ON_CHANGE',
      lineItemId: 'addon-change',
      subscriptionId,
      currentProductOfferingId: 'addon-data-1gb',
      productOfferingId: 'addon-data-10gb',
    },
  ]
}

/** Runs `work` while every top-up fails on an error that is not the order's (a lost connection), as fulfilment would meet one. */
export async function whileTopupsFail<T>(t: TestApp, work: () => Promise<T>): Promise<T> {
  const topups = t.services.orderPorts.topups as NonNullable<typeof t.services.orderPorts.topups>
  const apply = topups.apply
  topups.apply = () => Promise.reject(new Error('connection reset by peer'))
  try {
    return await work()
  } finally {
    topups.apply = apply
  }
}

/** A PENDING order for a new line and a top-up of an existing subscription of the world's customer (made here, on `msisdn`). */
export async function orderWithTopup(
  t: TestApp,
  world: World,
  msisdn: string,
  lineItemId = 'topup',
): Promise<{ orderId: string; subscription: Json }> {
  const subscription = await makeSubscription(t, world, { msisdn })
  const order = await makeOrder(t, world, {
    lineItems: [
      subscriptionItem(),
      { type: 'TOP_UP', lineItemId, productOfferingId: 'topup-data-2gb', subscriptionId: subscription.subscriptionId },
    ],
  })
  return { orderId: order.orderId as string, subscription }
}

/**
 * A line of a calculate-price answer, as the reference shapes it: the amounts given, everything else
 * empty or zero (one unit, no fees, no discounts, tax on top).
 */
export function pricedLine(
  lineItemId: string,
  description: string,
  p: {
    subtotal: number
    total: number
    taxAmount: number
    taxes?: { description: string; amount: number; rate: number }[]
    fees?: { name: string; amount: number }[]
    discounts?: { name: string; amount: number }[]
    quantity?: number
    recurringAmount: number | null
  },
): Json {
  const sum = (items: { amount: number }[]) => Math.round(items.reduce((s, i) => s + i.amount * 100, 0)) / 100
  return {
    lineItemId,
    description,
    quantity: p.quantity ?? 1,
    subtotal: p.subtotal,
    total: p.total,
    taxAmount: p.taxAmount,
    taxIncluded: false,
    taxBreakdown: p.taxes ?? [],
    fees: p.fees ?? [],
    totalFees: sum(p.fees ?? []),
    discounts: p.discounts ?? [],
    totalDiscounts: sum(p.discounts ?? []),
    recurringAmount: p.recurringAmount,
  }
}

/** Where the order's EXTERNAL_PRODUCT and physical SIMs go. */
export const SHIPPING = {
  name: 'Kim Ordered',
  address: { street1: '1 Main St', city: 'Springfield', zip: '12345', country: 'US' },
}

/** POST /orders for the world's customer (unless the body names another, or `customer: null`); returns the body. */
export async function makeOrder(t: TestApp, world: World, body: Record<string, unknown> = {}): Promise<Json> {
  const res = await t.request(world.tenant, {
    method: 'POST',
    url: '/orders',
    payload: { customer: { customerId: world.customer.customerId }, ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** The request for an order route: `''` is the order itself, else `line-items`, `line-items/x`, `calculate-price`, `submit`, `cancel`. */
export const orderRoute = (
  orderId: string,
  method: InjectOptions['method'],
  path = '',
  payload?: unknown,
): InjectOptions => ({
  method,
  url: `/orders/${orderId}${path ? `/${path}` : ''}`,
  ...(payload !== undefined && { payload: payload as InjectOptions['payload'] }),
})

/** Sends an order route for the world's tenant and returns the raw response. */
export function orderRequest(
  t: TestApp,
  world: World,
  orderId: string,
  method: InjectOptions['method'],
  path = '',
  payload?: unknown,
) {
  return t.request(world.tenant, orderRoute(orderId, method, path, payload))
}

/** Like `orderRequest`, expecting `status`, and returns the body. */
export async function orderAct(
  t: TestApp,
  world: World,
  orderId: string,
  method: InjectOptions['method'],
  path: string,
  payload: unknown,
  status = 200,
): Promise<Json> {
  const res = await orderRequest(t, world, orderId, method, path, payload)
  expect(res.statusCode, `${String(method)} ${path}: ${res.body}`).toBe(status)
  return res.statusCode === 204 ? {} : res.json()
}

export async function getOrder(t: TestApp, world: World, orderId: string): Promise<Json> {
  const res = await orderRequest(t, world, orderId, 'GET')
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** Submits (200 expected), runs the tenant's due jobs and answers the order as it then is. */
export async function submitAndFulfil(
  t: TestApp,
  world: World,
  orderId: string,
  body: Record<string, unknown> = {},
): Promise<Json> {
  await orderAct(t, world, orderId, 'POST', 'submit', body)
  await t.worker.drain({ tenantId: world.tenant.tenant.id })
  return getOrder(t, world, orderId)
}

/** Expects a problem answer: its status, code and (when given) a field error at `path`. */
export function expectProblem(
  res: { statusCode: number; body: string; json: () => Json },
  status: number,
  code: string,
  path?: string,
): Json {
  expect(res.statusCode, res.body).toBe(status)
  const body = res.json()
  expect(body.code, res.body).toBe(code)
  if (path)
    expect(
      body.errors?.map((e: { path: string }) => e.path),
      res.body,
    ).toContain(path)
  return body
}

/** What a stray write to an order could have changed: the order as GET answers it, its events, and how many orders the tenant has. */
export async function orderState(t: TestApp, world: World, orderId: string): Promise<Json> {
  const list = await t.request(world.tenant, { method: 'GET', url: '/orders?limit=1000' })
  return {
    order: await getOrder(t, world, orderId),
    events: await eventsAbout(t, world.tenant, orderId),
    count: list.json().items.length,
  }
}

/** The types of an order's events, oldest first. */
export async function orderEventTypes(t: TestApp, world: World, orderId: string): Promise<string[]> {
  return (await eventsAbout(t, world.tenant, orderId)).map((e) => e.type as string)
}
