import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../../helpers/factories.js'
import type { OrderWorld } from '../../helpers/orders.js'
import {
  SHIPPING,
  expectProblem,
  getOrder,
  makeOrder,
  orderAct,
  orderEventTypes,
  orderRequest,
  orderState,
  orderWorld,
  submitAndFulfil,
  subscriptionItem,
} from '../../helpers/orders.js'
import { makeCustomer, makeUser } from '../../helpers/parties.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Creating, reading, configuring and listing orders: the full Order shape, existing or new
 * customers and users, partial updates, and GET /orders with the reference's filters and paging.
 */
let t: TestApp
let world: OrderWorld
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
  world = await orderWorld(t)
})
afterAll(() => t.close())

const NOW = '2025-01-15T10:00:00.000Z'
const IN_7_DAYS = '2025-01-22T10:00:00.000Z'

describe('POST /orders and GET /orders/{id}', () => {
  it('creates an empty cart with every field of the Order present', async () => {
    const res = await t.request(world.tenant, { method: 'POST', url: '/orders' })
    expect(res.statusCode, res.body).toBe(201)
    const order = res.json()
    expect(order).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      state: 'PENDING',
      customerId: null,
      customer: null,
      userId: null,
      user: null,
      billing: null,
      shipping: null,
      promoCode: null,
      consents: null,
      lineItems: [],
      validation: { isValid: false, missingFields: ['customer', 'lineItems'], errors: [], lineItemValidation: [] },
      requirements: {
        requiresPayment: 'NOT_REQUIRED',
        requiresPaymentProfile: 'NOT_REQUIRED',
        requiresSigning: 'NOT_REQUIRED',
      },
      pricing: null,
      externalPayment: null,
      createdEntities: null,
      failure: null,
      expiresAt: IN_7_DAYS,
      submittedAt: null,
      completedAt: null,
      cancelledAt: null,
      createdAt: NOW,
      updatedAt: NOW,
      metadata: {},
    })
    expect(await getOrder(t, world, order.orderId)).toEqual(order)
    expect(await orderEventTypes(t, world, order.orderId)).toEqual(['order.created'])
  })

  it('creates a configured order: existing customer and user by rid_, billing, shipping, promo code, consents, metadata and line items', async () => {
    const customer = await makeCustomer(t, world.tenant, { referenceId: uniqueName('crm-cust') })
    const user = await makeUser(t, world.tenant, { referenceId: uniqueName('crm-user') })
    const body = {
      customer: { customerId: `rid_${customer.referenceId}` },
      user: { userId: `rid_${user.referenceId}` },
      billing: {
        name: 'Kim Billing',
        email: 'billing@example.com',
        address: { street1: '2 Side St', city: 'Springfield', zip: '12345', country: 'US' },
      },
      shipping: SHIPPING,
      promoCode: ' welcome10 ',
      consents: { termsOfService: 'true', marketing: 'false' },
      metadata: { channel: 'shop', campaign: 7 },
      lineItems: [subscriptionItem({ lineItemId: 'plan' })],
    }
    const order = await makeOrder(t, world, body)
    expect(order).toMatchObject({
      customerId: customer.customerId,
      customer: { customerId: customer.customerId, name: customer.name, new: false },
      userId: user.userId,
      user: { userId: user.userId, name: user.name, new: false },
      billing: body.billing,
      shipping: body.shipping,
      promoCode: 'WELCOME10',
      consents: body.consents,
      metadata: body.metadata,
      lineItems: body.lineItems,
      validation: { isValid: true },
    })
  })

  it('describes a new customer and user on the order and creates them at fulfilment', async () => {
    const order = await makeOrder(t, world, {
      customer: { customerType: 'BUSINESS', name: 'Acme Widgets', contact: { email: 'ops@acme.example' } },
      user: { name: 'Ada Admin', email: 'ada@acme.example' },
      lineItems: [subscriptionItem()],
    })
    expect(order).toMatchObject({
      customerId: null,
      customer: { customerId: null, name: 'Acme Widgets', new: true },
      userId: null,
      user: { userId: null, name: 'Ada Admin', new: true },
      validation: { isValid: true },
    })
    const done = await submitAndFulfil(t, world, order.orderId)
    expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
    expect(done.createdEntities.customer).toEqual({ customerId: expect.any(String), createdByOrder: true })
    expect(done).toMatchObject({
      customerId: done.createdEntities.customer.customerId,
      customer: { name: 'Acme Widgets', new: false },
      user: { name: 'Ada Admin', new: false },
    })
    const customer = (await t.request(world.tenant, { method: 'GET', url: `/customers/${done.customerId}` })).json()
    expect(customer).toMatchObject({
      customerType: 'BUSINESS',
      name: 'Acme Widgets',
      contact: { email: 'ops@acme.example' },
    })
    // The user who signed the customer up may act for it.
    expect(customer.users).toEqual([expect.objectContaining({ userId: done.userId, role: 'ADMIN' })])
    expect((await t.request(world.tenant, { method: 'GET', url: `/users/${done.userId}` })).json()).toMatchObject({
      name: 'Ada Admin',
      email: 'ada@acme.example',
      customerIds: [done.customerId],
    })
    expect(done.createdEntities.subscriptions[0].customerId).toBe(done.customerId)
  })

  it('gives an existing user of the order access to the new customer it creates, and leaves an existing customer’s access alone', async () => {
    const user = await makeUser(t, world.tenant)
    const signUp = await makeOrder(t, world, {
      customer: { customerType: 'CONSUMER', name: 'Kim Signup' },
      user: { userId: user.userId },
      lineItems: [subscriptionItem()],
    })
    const done = await submitAndFulfil(t, world, signUp.orderId)
    expect(
      (await t.request(world.tenant, { method: 'GET', url: `/customers/${done.customerId}` })).json().users,
    ).toEqual([expect.objectContaining({ userId: user.userId, role: 'ADMIN' })])
    const staff = await makeUser(t, world.tenant)
    const forExisting = await makeOrder(t, world, { user: { userId: staff.userId }, lineItems: [subscriptionItem()] })
    await submitAndFulfil(t, world, forExisting.orderId)
    expect(
      (await t.request(world.tenant, { method: 'GET', url: `/users/${staff.userId}` })).json().customerIds,
    ).toEqual([])
  })

  it('answers an unknown customer or user with 422 naming the field, creating nothing', async () => {
    const count = (await orderState(t, world, (await makeOrder(t, world)).orderId)).count
    for (const [body, code, path] of [
      [
        { customer: { customerId: '01890a5d-ac96-774b-bcce-b302099a8057' } },
        'customer.not_found',
        '/body/customer/customerId',
      ],
      [{ customer: { customerId: 'rid_nobody' } }, 'customer.not_found', '/body/customer/customerId'],
      [{ user: { userId: 'rid_nobody' } }, 'user.not_found', '/body/user/userId'],
    ] as const) {
      expectProblem(await t.request(world.tenant, { method: 'POST', url: '/orders', payload: body }), 422, code, path)
    }
    expect((await t.request(world.tenant, { method: 'GET', url: '/orders?limit=1000' })).json().items).toHaveLength(
      count,
    )
  })
})

describe('PATCH /orders/{id}', () => {
  it('changes only the fields sent; null clears one; every change is an order.updated that keeps the cart alive', async () => {
    const order = await makeOrder(t, world, { promoCode: 'WELCOME10', billing: { name: 'Old' }, metadata: { a: 1 } })
    const id = order.orderId as string
    await t.request(world.tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-01-17T08:00:00Z' },
    })
    const updated = await orderAct(t, world, id, 'PATCH', '', { shipping: SHIPPING, billing: null })
    expect(updated).toMatchObject({
      promoCode: 'WELCOME10',
      billing: null,
      shipping: SHIPPING,
      metadata: { a: 1 },
      updatedAt: '2025-01-17T08:00:00.000Z',
      expiresAt: '2025-01-24T08:00:00.000Z',
    })
    const cleared = await orderAct(t, world, id, 'PATCH', '', { customer: null, promoCode: null, metadata: { b: 2 } })
    expect(cleared).toMatchObject({
      customerId: null,
      customer: null,
      promoCode: null,
      metadata: { b: 2 },
      shipping: SHIPPING,
    })
    expect(cleared.validation.missingFields).toContain('customer')
    // An empty body changes nothing but is still a touch.
    expect(await orderAct(t, world, id, 'PATCH', '', {})).toMatchObject({ metadata: { b: 2 } })
    expect(await orderEventTypes(t, world, id)).toEqual([
      'order.created',
      'order.updated',
      'order.updated',
      'order.updated',
    ])
  })

  it('answers an unknown customer with 422 and changes nothing', async () => {
    const order = await makeOrder(t, world)
    const before = await orderState(t, world, order.orderId)
    expectProblem(
      await orderRequest(t, world, order.orderId, 'PATCH', '', {
        customer: { customerId: 'rid_nobody' },
        promoCode: 'X',
      }),
      422,
      'customer.not_found',
      '/body/customer/customerId',
    )
    expect(await orderState(t, world, order.orderId)).toEqual(before)
  })
})

describe('GET /orders', () => {
  it('lists order summaries oldest first, with cursor and offset paging', async () => {
    const fresh = await orderWorld(t)
    const made = []
    for (let i = 0; i < 5; i++) made.push(await makeOrder(t, fresh, i === 0 ? { lineItems: [subscriptionItem()] } : {}))
    const all = (await t.request(fresh.tenant, { method: 'GET', url: '/orders' })).json()
    expect(all.items.map((o: { orderId: string }) => o.orderId)).toEqual(made.map((o) => o.orderId))
    expect(all.pagination).toEqual({ limit: 100, nextCursor: null })
    expect(all.items[0]).toEqual({
      orderId: made[0]?.orderId,
      status: 'PENDING',
      customerId: fresh.customer.customerId,
      customer: { customerId: fresh.customer.customerId, name: fresh.customer.name, new: false },
      pricing: null,
      lineItemCount: 1,
      validationStatus: 'VALID',
      createdAt: NOW,
      updatedAt: NOW,
      expiresAt: IN_7_DAYS,
    })
    expect(all.items[1]).toMatchObject({ lineItemCount: 0, validationStatus: 'INVALID' })

    const seen: string[] = []
    let url = '/orders?limit=2'
    for (;;) {
      const page = (await t.request(fresh.tenant, { method: 'GET', url })).json()
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((o: { orderId: string }) => o.orderId))
      if (!page.pagination.nextCursor) break
      url = `/orders?limit=2&cursor=${encodeURIComponent(page.pagination.nextCursor)}`
    }
    expect(seen).toEqual(made.map((o) => o.orderId))
    const offset = (await t.request(fresh.tenant, { method: 'GET', url: '/orders?limit=2&offset=3' })).json()
    expect(offset.items.map((o: { orderId: string }) => o.orderId)).toEqual(made.slice(3).map((o) => o.orderId))
    expect(offset.pagination).toMatchObject({ limit: 2, offset: 3, total: 5 })
  })

  it('filters by status or state, customer (UUID or rid_), user and expiry window', async () => {
    const fresh = await orderWorld(t)
    const customer = await makeCustomer(t, fresh.tenant, { referenceId: uniqueName('crm') })
    const user = await makeUser(t, fresh.tenant, { referenceId: uniqueName('crm-user') })
    const pending = await makeOrder(t, fresh)
    const theirs = await makeOrder(t, fresh, {
      customer: { customerId: customer.customerId },
      user: { userId: user.userId },
    })
    const cancelled = await makeOrder(t, fresh)
    await orderAct(t, fresh, cancelled.orderId, 'POST', 'cancel', undefined)
    await t.request(fresh.tenant, {
      method: 'POST',
      url: '/test-clock/advance',
      payload: { to: '2025-01-16T10:00:00Z' },
    })
    const completed = await makeOrder(t, fresh, { lineItems: [subscriptionItem()] })
    await submitAndFulfil(t, fresh, completed.orderId)

    const ids = async (query: string) =>
      (await t.request(fresh.tenant, { method: 'GET', url: `/orders?${query}` }))
        .json()
        .items.map((o: { orderId: string }) => o.orderId)
    expect(await ids('status=PENDING')).toEqual([pending.orderId, theirs.orderId])
    expect(await ids('status=CANCELLED&status=COMPLETED')).toEqual([cancelled.orderId, completed.orderId])
    expect(await ids('status[]=CANCELLED&status[]=COMPLETED')).toEqual([cancelled.orderId, completed.orderId])
    expect(await ids('state=COMPLETED')).toEqual([completed.orderId])
    expect(await ids(`customerId=${customer.customerId}`)).toEqual([theirs.orderId])
    expect(await ids(`customerId=rid_${customer.referenceId}`)).toEqual([theirs.orderId])
    expect(await ids('customerId=rid_nobody')).toEqual([])
    expect(await ids(`userId=rid_${user.referenceId}`)).toEqual([theirs.orderId])
    expect(await ids(`customerId=${fresh.customer.customerId}&status=PENDING`)).toEqual([pending.orderId])
    // The first three expire on the 22nd at 10:00, the last (made a day later) on the 23rd.
    expect(await ids(`expiresAfter=${encodeURIComponent('2025-01-22T12:00:00Z')}`)).toEqual([completed.orderId])
    expect(await ids(`expiresBefore=${encodeURIComponent('2025-01-22T10:00:00Z')}`)).toEqual([
      pending.orderId,
      theirs.orderId,
      cancelled.orderId,
    ])
    expect(
      await ids(
        `expiresAfter=${encodeURIComponent('2025-01-22T10:00:00+00:00')}&expiresBefore=${encodeURIComponent('2025-01-22T10:00:00Z')}`,
      ),
    ).toEqual([pending.orderId, theirs.orderId, cancelled.orderId])
    // Another tenant's orders never show, not even filtered by this tenant's customer.
    const other = await orderWorld(t)
    expect(
      (await t.request(other.tenant, { method: 'GET', url: `/orders?customerId=${customer.customerId}` })).json().items,
    ).toEqual([])
    expect((await t.request(other.tenant, { method: 'GET', url: '/orders' })).json().items).toEqual([])
  })
})
