import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { stockInventory } from '../../helpers/inventory.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('orders', () => {
  it('builds a cart step by step, prices it, submits it and fulfils it', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const existing = await makeSubscription(t, world)
    const created = await t.request(world.tenant, { method: 'POST', url: '/orders', payload: {} })
    expect(created.statusCode, created.body).toBe(201)
    const order = created.json()
    expect(order).toMatchObject({
      status: 'PENDING',
      validation: { isValid: false, missingFields: ['customer', 'lineItems'] },
    })

    const url = `/orders/${order.orderId}`
    const line = await t.request(world.tenant, {
      method: 'POST',
      url: `${url}/line-items`,
      payload: { type: 'SUBSCRIPTION', productOfferingId: 'mobile-plan-basic' },
    })
    expect(line.statusCode, line.body).toBe(201)
    expect(line.json()).toMatchObject({ type: 'SUBSCRIPTION', lineItemId: 'line-item-1' })
    await t.request(world.tenant, {
      method: 'POST',
      url: `${url}/line-items`,
      payload: {
        type: 'ADD_ON',
        lineItemId: 'extra',
        productOfferingId: 'addon-data-5gb',
        subscriptionLineItemId: 'line-item-1',
      },
    })
    // An existing subscription can only be the order's customer's: with no customer yet, refused at once.
    const early = await t.request(world.tenant, {
      method: 'POST',
      url: `${url}/line-items`,
      payload: { type: 'ADD_ON', productOfferingId: 'addon-data-1gb', subscriptionId: existing.subscriptionId },
    })
    expect(early.statusCode).toBe(422)
    expect(early.json()).toMatchObject({ code: 'order.line_item_invalid', errors: [{ path: '/body/subscriptionId' }] })
    let view = (await t.request(world.tenant, { method: 'GET', url })).json()
    expect(view.validation.missingFields).toEqual(['customer'])
    expect(view.validation.lineItemValidation[0]).toMatchObject({
      lineItemId: 'line-item-1',
      isValid: false,
      missingFields: ['subscriber', 'sim'],
    })

    await t.request(world.tenant, {
      method: 'PATCH',
      url,
      payload: { customer: { customerId: world.customer.customerId }, promoCode: 'welcome10' },
    })
    expect(
      (
        await t.request(world.tenant, {
          method: 'POST',
          url: `${url}/line-items`,
          payload: { type: 'ADD_ON', productOfferingId: 'addon-data-1gb', subscriptionId: existing.subscriptionId },
        })
      ).statusCode,
    ).toBe(201)
    await t.request(world.tenant, {
      method: 'PUT',
      url: `${url}/line-items/line-item-1`,
      payload: {
        type: 'SUBSCRIPTION',
        productOfferingId: 'mobile-plan-basic',
        subscriber: { name: 'Kim' },
        sim: { esim: true },
      },
    })
    view = (await t.request(world.tenant, { method: 'GET', url })).json()
    expect(view.validation, JSON.stringify(view.validation)).toMatchObject({ isValid: true })

    const priced = await t.request(world.tenant, { method: 'POST', url: `${url}/calculate-price` })
    expect(priced.statusCode, priced.body).toBe(200)
    // Basic 19.99 less WELCOME10 (2.00), Extra 5GB 15.00, Extra 1GB 5.00: no tax configured.
    expect(priced.json().pricing).toMatchObject({
      subtotal: 39.99,
      discounts: 2,
      total: 37.99,
      currency: 'USD',
      recurringCosts: { total: 37.99 },
    })

    const submitted = await t.request(world.tenant, { method: 'POST', url: `${url}/submit`, payload: {} })
    expect(submitted.statusCode, submitted.body).toBe(200)
    expect(submitted.json().status).toBe('SUBMITTED')
    expect((await t.request(world.tenant, { method: 'POST', url: `${url}/submit`, payload: {} })).json().code).toBe(
      'order.is_submitted',
    )
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    const done = (await t.request(world.tenant, { method: 'GET', url })).json()
    expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
    const [sub] = done.createdEntities.subscriptions
    expect(sub).toMatchObject({
      status: 'ACTIVATED',
      productOfferingId: 'mobile-plan-basic',
      createdByLineItem: 'line-item-1',
    })
    const addons = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions/${sub.subscriptionId}/addons` })
    ).json().items
    expect(addons.map((a: { productOfferingId: string }) => a.productOfferingId)).toEqual(['addon-data-5gb'])
    expect(done.createdEntities.addons).toHaveLength(2)
  })

  it('fails a fulfilment half-way with nothing left behind, and can be retried', async () => {
    const world = await subscriptionWorld(t)
    await stockInventory(t, world.tenant)
    const existing = await makeSubscription(t, world)
    const order = (
      await t.request(world.tenant, {
        method: 'POST',
        url: '/orders',
        payload: {
          customer: { customerId: world.customer.customerId },
          lineItems: [
            {
              type: 'SUBSCRIPTION',
              productOfferingId: 'mobile-plan-plus',
              subscriber: { name: 'Lee' },
              sim: { esim: true },
            },
            { type: 'ADD_ON', productOfferingId: 'addon-data-1gb', subscriptionId: existing.subscriptionId },
          ],
        },
      })
    ).json()
    expect(order.validation.isValid, JSON.stringify(order.validation)).toBe(true)
    // Between submission and fulfilment the existing subscription gets its one allowed 1 GB add-on.
    const submit = await t.request(world.tenant, { method: 'POST', url: `/orders/${order.orderId}/submit` })
    expect(submit.statusCode, submit.body).toBe(200)
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${existing.subscriptionId}/addons`,
      payload: { productOfferingId: 'addon-data-1gb' },
    })
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    const failed = (await t.request(world.tenant, { method: 'GET', url: `/orders/${order.orderId}` })).json()
    expect(failed).toMatchObject({
      status: 'FAILED',
      failure: { lineItemId: 'line-item-2', code: 'addon.limit_reached' },
    })
    const subs = (
      await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
    ).json().items
    expect(subs).toHaveLength(1)
    await t.request(world.tenant, {
      method: 'POST',
      url: `/subscriptions/${existing.subscriptionId}/addons/cancel`,
      payload: { productOfferingId: 'addon-data-1gb' },
    })
    expect((await t.request(world.tenant, { method: 'POST', url: `/orders/${order.orderId}/submit` })).statusCode).toBe(
      200,
    )
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
    expect((await t.request(world.tenant, { method: 'GET', url: `/orders/${order.orderId}` })).json().status).toBe(
      'COMPLETED',
    )
  })
})
