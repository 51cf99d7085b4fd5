import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWorker } from '../../../src/container.js'
import { lease, poolOf } from '../../helpers/inventory.js'
import { SUITE } from '../../helpers/licenses.js'
import {
  SALES_TAX_AND_ACTIVATION_FEE,
  expectProblem,
  getOrder,
  makeOrder,
  orderAct,
  orderEventTypes,
  orderRequest,
  orderWithTopup,
  orderWorld,
  pricedLine,
  submitAndFulfil,
  subscriptionItem,
  whileTopupsFail,
} from '../../helpers/orders.js'
import { advanceTo, getSubscription, makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * From a cart to the things it orders: validation until the order is complete, pricing to the cent
 * with the tenant's tax and fee, submission, fulfilment in the worker, and every created entity
 * reachable through its own endpoint; the number lease ends where the number is used.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

describe('an order from cart to fulfilment', () => {
  it('validates, prices with tax and a fee to the cent, submits and creates a subscription on a leased number, an add-on, a top-up and a license', async () => {
    const world = await orderWorld(t, { settings: SALES_TAX_AND_ACTIVATION_FEE })
    const existing = await makeSubscription(t, world, { referenceId: 'crm-line-7' })
    const leased = await lease(t, world.tenant, ['CELL'], 2)
    const [number, spare] = leased.numbers.map((n: { msisdn: string }) => n.msisdn) as [string, string]

    // An empty cart says what it lacks.
    const created = await t.request(world.tenant, { method: 'POST', url: '/orders', payload: {} })
    expect(created.statusCode, created.body).toBe(201)
    const id = created.json().orderId as string
    expect(created.json()).toMatchObject({
      status: 'PENDING',
      validation: { isValid: false, missingFields: ['customer', 'lineItems'], errors: [], lineItemValidation: [] },
    })

    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      {
        type: 'SUBSCRIPTION',
        lineItemId: 'new-line',
        productOfferingId: 'mobile-plan-plus',
        msisdn: number,
        leaseToken: leased.leaseToken,
      },
      201,
    )
    let order = await getOrder(t, world, id)
    expect(order.validation).toEqual({
      isValid: false,
      missingFields: ['customer'],
      errors: [],
      lineItemValidation: [
        { lineItemId: 'new-line', isValid: false, missingFields: ['subscriber', 'sim'], errors: [] },
      ],
    })

    await orderAct(t, world, id, 'PATCH', '', { customer: { customerId: world.customer.customerId } })
    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      {
        type: 'ADD_ON',
        lineItemId: 'addon',
        productOfferingId: 'addon-data-5gb',
        subscriptionId: existing.subscriptionId,
      },
      201,
    )
    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      { type: 'TOP_UP', lineItemId: 'topup', productOfferingId: 'topup-data-2gb', subscriptionId: 'rid_crm-line-7' },
      201,
    )
    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      { type: 'LICENSE', lineItemId: 'license', productOfferingId: SUITE },
      201,
    )
    order = await getOrder(t, world, id)
    expect(order.validation).toMatchObject({ isValid: false, missingFields: [], errors: [] })
    expect(
      order.validation.lineItemValidation.map((v: { lineItemId: string; isValid: boolean }) => [
        v.lineItemId,
        v.isValid,
      ]),
    ).toEqual([
      ['new-line', false],
      ['addon', true],
      ['topup', true],
      ['license', true],
    ])
    // Invalid orders cannot be priced or submitted.
    expectProblem(await orderRequest(t, world, id, 'POST', 'calculate-price'), 422, 'order.invalid')
    expectProblem(await orderRequest(t, world, id, 'POST', 'submit', {}), 422, 'order.invalid')

    await orderAct(
      t,
      world,
      id,
      'PUT',
      'line-items/new-line',
      subscriptionItem({ msisdn: number, leaseToken: leased.leaseToken, subscriber: { name: 'Robin New' } }),
    )
    order = await getOrder(t, world, id)
    expect(order.validation, JSON.stringify(order.validation)).toMatchObject({
      isValid: true,
      missingFields: [],
      errors: [],
    })

    // Sales Tax 8.25 % on every line, the 10.00 activation fee on the new subscription:
    //   plan 29.99 + fee 10.00 = 39.99, tax 3.299175 → 3.30, total 43.29 (each month after: 29.99 + 2.47 = 32.46)
    //   add-on 15.00, tax 1.2375 → 1.24, total 16.24 (monthly)
    //   top-up 10.00, tax 0.825 → 0.83, total 10.83 (once)
    //   license 4.99, tax 0.411675 → 0.41, total 5.40 (monthly)
    const { pricing } = await orderAct(t, world, id, 'POST', 'calculate-price', undefined)
    expect(pricing).toEqual({
      subtotal: 59.98,
      discounts: 0,
      taxAmount: 5.78,
      fees: 10,
      total: 75.76,
      taxIncluded: false,
      currency: 'USD',
      recurringCosts: {
        subtotal: 49.98,
        taxAmount: 4.12,
        total: 54.1,
        taxIncluded: false,
        billingCycle: { period: 'MONTHLY', interval: 1 },
      },
      initialInvoice: {
        subtotal: 69.98,
        taxAmount: 5.78,
        total: 75.76,
        taxIncluded: false,
        period: { start: '2025-01-15', end: '2025-02-14' },
      },
      lineItems: [
        pricedLine('new-line', 'Plus 20GB', {
          subtotal: 29.99,
          total: 43.29,
          taxAmount: 3.3,
          taxes: [salesTax(3.3)],
          fees: [{ name: 'Activation fee', amount: 10 }],
          recurringAmount: 32.46,
        }),
        pricedLine('addon', 'Extra 5GB', {
          subtotal: 15,
          total: 16.24,
          taxAmount: 1.24,
          taxes: [salesTax(1.24)],
          recurringAmount: 16.24,
        }),
        pricedLine('topup', 'Top-up 2GB', {
          subtotal: 10,
          total: 10.83,
          taxAmount: 0.83,
          taxes: [salesTax(0.83)],
          recurringAmount: null,
        }),
        pricedLine('license', 'Security Suite', {
          subtotal: 4.99,
          total: 5.4,
          taxAmount: 0.41,
          taxes: [salesTax(0.41)],
          recurringAmount: 5.4,
        }),
      ],
      promoCode: null,
      calculatedAt: '2025-01-15T10:00:00.000Z',
    })

    const submitted = await orderAct(t, world, id, 'POST', 'submit', {})
    expect(submitted).toMatchObject({
      status: 'SUBMITTED',
      state: 'SUBMITTED',
      submittedAt: '2025-01-15T10:00:00.000Z',
      pricing: { total: 75.76 },
    })
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    order = await getOrder(t, world, id)
    expect(order.status, JSON.stringify(order.failure)).toBe('COMPLETED')
    expect(order.completedAt).toBe('2025-01-15T10:00:00.000Z')

    // Every created entity is listed, and reachable through its own endpoint.
    const entities = order.createdEntities
    expect(entities.subscriptions).toEqual([
      expect.objectContaining({
        status: 'ACTIVATED',
        msisdn: number,
        productOfferingId: 'mobile-plan-plus',
        customerId: world.customer.customerId,
        createdByLineItem: 'new-line',
      }),
    ])
    const sub = await getSubscription(t, world, entities.subscriptions[0].subscriptionId)
    expect(sub).toMatchObject({
      status: 'ACTIVATED',
      msisdn: number,
      subscriber: { name: 'Robin New' },
      metadata: { orderId: id, lineItemId: 'new-line' },
    })
    expect(entities.addons).toEqual([
      expect.objectContaining({
        subscriptionId: existing.subscriptionId,
        productOfferingId: 'addon-data-5gb',
        status: 'ACTIVE',
        createdByLineItem: 'addon',
      }),
    ])
    const addon = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${existing.subscriptionId}/addons/${entities.addons[0].subscriptionAddonId}`,
    })
    expect(addon.statusCode, addon.body).toBe(200)
    expect(addon.json()).toMatchObject({ productOfferingId: 'addon-data-5gb', status: 'ACTIVE' })
    // The top-up names the subscription by its id, though the line item named it by rid_.
    expect(entities.topups).toEqual([
      { topupId: expect.any(String), subscriptionId: existing.subscriptionId, createdByLineItem: 'topup' },
    ])
    const topup = await t.request(world.tenant, {
      method: 'GET',
      url: `/subscriptions/${existing.subscriptionId}/topups/${entities.topups[0].topupId}`,
    })
    expect(topup.statusCode, topup.body).toBe(200)
    expect(topup.json()).toMatchObject({
      productOfferingId: 'topup-data-2gb',
      status: 'APPLIED',
      subscriptionId: existing.subscriptionId,
    })
    expect(entities.licenses).toEqual([{ licenseId: expect.any(String), createdByLineItem: 'license' }])
    const license = await t.request(world.tenant, { method: 'GET', url: `/licenses/${entities.licenses[0].licenseId}` })
    expect(license.statusCode, license.body).toBe(200)
    expect(license.json()).toMatchObject({
      productOfferingId: SUITE,
      customerId: world.customer.customerId,
      status: 'ACTIVE',
    })
    expect(entities).toMatchObject({ changes: [], externalItems: [] })
    expect(entities.customer).toBeUndefined()

    // The lease ended for the number used; the other number stays leased until the hour is up.
    let pool = await poolOf(t, world.tenant)
    expect(pool.get(number)).toMatchObject({
      status: 'ASSIGNED',
      subscriptionId: sub.subscriptionId,
      leasedAt: null,
      expiresAt: null,
    })
    expect(pool.get(spare)).toMatchObject({ status: 'LEASED' })
    await advanceTo(t, world, '2025-01-15T11:00:00Z')
    pool = await poolOf(t, world.tenant)
    expect(pool.get(number)).toMatchObject({ status: 'ASSIGNED', subscriptionId: sub.subscriptionId })
    expect(pool.get(spare)).toMatchObject({ status: 'AVAILABLE', subscriptionId: null })

    expect(await orderEventTypes(t, world, id)).toEqual([
      'order.created',
      ...Array(6).fill('order.updated'), // four line items added, one replaced, the customer set
      'order.updated', // priced
      'order.submitted',
      'order.updated', // SUBMITTED
      'order.updated', // PROCESSING
      'order.updated', // COMPLETED
      'order.completed',
    ])
  })

  it('records the top-up of a subscription named by rid_ under the subscription’s id', async () => {
    const world = await orderWorld(t)
    const existing = await makeSubscription(t, world, { referenceId: 'crm-topped' })
    const order = await makeOrder(t, world, {
      lineItems: [{ type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: 'rid_crm-topped' }],
    })
    const done = await submitAndFulfil(t, world, order.orderId)
    expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
    expect(done.createdEntities.topups).toEqual([
      { topupId: expect.any(String), subscriptionId: existing.subscriptionId, createdByLineItem: 'line-item-1' },
    ])
    // The line item itself keeps the reference as the client sent it.
    expect(done.lineItems[0].subscriptionId).toBe('rid_crm-topped')
  })
})

describe('fulfilling exactly once', () => {
  it('answers a second submit with 409 and fulfils once, with two workers racing and the job run again by hand', async () => {
    const world = await orderWorld(t)
    const existing = await makeSubscription(t, world, { msisdn: '+15550001111' })
    const order = await makeOrder(t, world, {
      lineItems: [
        subscriptionItem(),
        { type: 'LICENSE', productOfferingId: SUITE },
        { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: existing.subscriptionId },
      ],
    })
    const id = order.orderId as string
    await orderAct(t, world, id, 'POST', 'submit', {})
    expectProblem(await orderRequest(t, world, id, 'POST', 'submit', {}), 409, 'order.is_submitted')

    const tenantId = world.tenant.tenant.id
    const workers = [1, 2].map((n) => createWorker(t.services, { workerId: `order-racer-${n}`, batchSize: 1 }))
    await Promise.all([
      ...workers.map((w) => w.drain({ tenantId })),
      t.services.orderFulfilment.fulfil(tenantId, id),
      t.services.orderFulfilment.fulfil(tenantId, id),
    ])
    const done = await getOrder(t, world, id)
    expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
    expect(done.createdEntities.subscriptions).toHaveLength(1)

    // Run again once it is complete: nothing more happens.
    await t.services.orderFulfilment.fulfil(tenantId, id)
    expect(await getOrder(t, world, id)).toEqual(done)
    expectProblem(await orderRequest(t, world, id, 'POST', 'submit', {}), 409, 'order.is_completed')

    const subscriptions = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
    ).json().items
    expect(subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId).sort()).toEqual(
      [existing.subscriptionId, done.createdEntities.subscriptions[0].subscriptionId].sort(),
    )
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/licenses?customerId=${world.customer.customerId}` })
      ).json().items,
    ).toHaveLength(1)
    expect(
      (await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${existing.subscriptionId}/topups` })).json()
        .items,
    ).toHaveLength(1)
    const types = await orderEventTypes(t, world, id)
    expect(types.slice(types.indexOf('order.submitted'))).toEqual([
      'order.submitted',
      'order.updated',
      'order.updated',
      'order.updated',
      'order.completed',
    ])
  })
})

describe('fulfilment that fails', () => {
  it('leaves nothing behind when a line item fails half-way, and completes when submitted again', async () => {
    const world = await orderWorld(t)
    const existing = await makeSubscription(t, world, { msisdn: '+15550002222' })
    const leased = await lease(t, world.tenant, ['CELL'], 1)
    const number = leased.numbers[0].msisdn as string
    const iccid = world.stock.iccids.at(-1) as string // a physical SIM
    const order = await makeOrder(t, world, {
      lineItems: [
        subscriptionItem({
          lineItemId: 'new-line',
          msisdn: number,
          leaseToken: leased.leaseToken,
          sim: { esim: false, iccid },
        }),
        {
          type: 'LICENSE',
          lineItemId: 'license',
          productOfferingId: SUITE,
          assignedTo: { type: 'SUBSCRIPTION', subscriptionLineItemId: 'new-line' },
        },
        {
          type: 'TOP_UP',
          lineItemId: 'topup',
          productOfferingId: 'topup-data-2gb',
          subscriptionId: existing.subscriptionId,
        },
      ],
    })
    const id = order.orderId as string
    expect(order.validation.isValid, JSON.stringify(order.validation)).toBe(true)
    await orderAct(t, world, id, 'POST', 'submit', {})
    // Between submission and fulfilment the line to top up is paused: the top-up, executed after the
    // new subscription and its license, fails.
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${existing.subscriptionId}/pause`,
      payload: {},
    })
    const eventCount = (await t.request(world.tenant, { method: 'GET', url: '/events?limit=1000' })).json().items.length
    await t.worker.drain({ tenantId: world.tenant.tenant.id })

    const failed = await getOrder(t, world, id)
    expect(failed).toMatchObject({
      status: 'FAILED',
      createdEntities: null,
      completedAt: null,
      failure: {
        lineItemId: 'topup',
        code: 'topup.subscription_not_active',
        message: expect.stringContaining("Line item 'topup' (TOP_UP) failed"),
        failedAt: '2025-01-15T10:00:00.000Z',
      },
    })
    // A FAILED order's validation is current again: it says why.
    expect(
      failed.validation.lineItemValidation.find((v: { lineItemId: string }) => v.lineItemId === 'topup'),
    ).toMatchObject({ isValid: false, errors: [{ property: 'subscriptionId' }] })
    // Nothing half-made: no subscription, license, subscriber or customer; the number still leased, the SIM still free.
    const subscriptions = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
    ).json().items
    expect(subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([existing.subscriptionId])
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/licenses?customerId=${world.customer.customerId}` })
      ).json().items,
    ).toEqual([])
    expect((await poolOf(t, world.tenant)).get(number)).toMatchObject({ status: 'LEASED', subscriptionId: null })
    expect((await t.request(world.tenant, { method: 'GET', url: `/inventory/sims/${iccid}` })).json()).toMatchObject({
      status: 'AVAILABLE',
      subscriptionId: null,
    })
    const newEvents = (await t.request(world.tenant, { method: 'GET', url: '/events?limit=1000' }))
      .json()
      .items.slice(eventCount)
    expect(newEvents.map((e: { type: string; resource: { type: string } }) => `${e.resource.type}:${e.type}`)).toEqual([
      'order:order.updated',
      'order:order.updated',
      'order:order.failed',
    ])

    // Fix the cause and submit again: a retry, fulfilled in full.
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${existing.subscriptionId}/resume`,
      payload: {},
    })
    const done = await submitAndFulfil(t, world, id)
    expect(done).toMatchObject({ status: 'COMPLETED', failure: null })
    const created = done.createdEntities.subscriptions[0].subscriptionId
    expect((await poolOf(t, world.tenant)).get(number)).toMatchObject({ status: 'ASSIGNED', subscriptionId: created })
    expect((await t.request(world.tenant, { method: 'GET', url: `/inventory/sims/${iccid}` })).json()).toMatchObject({
      status: 'IN_USE',
      subscriptionId: created,
    })
    const license = (
      await t.request(world.tenant, { method: 'GET', url: `/licenses/${done.createdEntities.licenses[0].licenseId}` })
    ).json()
    expect(license.assignedTo).toMatchObject({ type: 'SUBSCRIPTION', subscriptionId: created })
  })

  it('retries on an error that is not the order’s fault, leaving nothing behind in between', async () => {
    const world = await orderWorld(t)
    const { orderId: id } = await orderWithTopup(t, world, '+15550003333')
    await whileTopupsFail(t, async () => {
      await orderAct(t, world, id, 'POST', 'submit', {})
      await t.worker.drain({ tenantId: world.tenant.tenant.id })
    })
    expect(await getOrder(t, world, id)).toMatchObject({ status: 'PROCESSING', failure: null, createdEntities: null })
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
      ).json().items,
    ).toHaveLength(1)
    // The job runs again after its backoff (5 s) and completes the order.
    await advanceTo(t, world, '2025-01-15T10:00:10Z')
    const done = await getOrder(t, world, id)
    expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
    expect(done.createdEntities.subscriptions).toHaveLength(1)
    expect(done.createdEntities.topups).toHaveLength(1)
  })

  it('fails the order when the job’s last attempt fails too, so it can be submitted again', async () => {
    const world = await orderWorld(t)
    const { orderId: id } = await orderWithTopup(t, world, '+15550004444')
    await whileTopupsFail(t, async () => {
      await orderAct(t, world, id, 'POST', 'submit', {})
      // Five attempts, 5 + 10 + 20 + 40 s apart.
      await t.worker.drain({ tenantId: world.tenant.tenant.id })
      await advanceTo(t, world, '2025-01-15T10:05:00Z')
    })
    const failed = await getOrder(t, world, id)
    expect(failed).toMatchObject({
      status: 'FAILED',
      createdEntities: null,
      failure: {
        lineItemId: null,
        code: 'order.fulfilment_error',
        message: expect.stringContaining('nothing was created'),
      },
    })
    expect(failed.failure.message).not.toContain('connection reset')
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
      ).json().items,
    ).toHaveLength(1)
    expect((await orderEventTypes(t, world, id)).slice(-2)).toEqual(['order.updated', 'order.failed'])
    const done = await submitAndFulfil(t, world, id)
    expect(done).toMatchObject({ status: 'COMPLETED', failure: null })
  })
})

/** The demo's 8.25 % sales tax, as a tax breakdown line. */
const salesTax = (amount: number) => ({ description: 'Sales Tax', amount, rate: 8.25 })
