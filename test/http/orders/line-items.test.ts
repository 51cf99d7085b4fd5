import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PREMIUM, SUITE } from '../../helpers/licenses.js'
import type { Holdings, OrderWorld } from '../../helpers/orders.js'
import {
  SHIPPING,
  expectProblem,
  getOrder,
  holdingsOf,
  makeOrder,
  nineItems,
  orderAct,
  orderEventTypes,
  orderRequest,
  orderState,
  orderWorld,
  submitAndFulfil,
  subscriptionItem,
} from '../../helpers/orders.js'
import { getSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Line items of all nine types: added (POST), replaced (PUT, same id and place), removed (DELETE),
 * their ids unique in the order (client-chosen or generated), and fulfilled into what each type
 * makes or changes.
 */
let t: TestApp
let world: OrderWorld
let holdings: Holdings
beforeAll(async () => {
  t = await createTestApp()
  world = await orderWorld(t)
  holdings = await holdingsOf(t, world)
})
afterAll(() => t.close())

/** The item as the order stores and answers it: what was sent. */
const stored = (item: Record<string, unknown>) => item

describe('adding line items', () => {
  it('adds one of each of the nine types, answering each as stored, and fulfils them all', async () => {
    const fresh = await orderWorld(t)
    const h = await holdingsOf(t, fresh)
    const order = await makeOrder(t, fresh)
    const id = order.orderId as string
    for (const item of nineItems(h))
      expect(await orderAct(t, fresh, id, 'POST', 'line-items', item, 201)).toEqual(stored(item))

    let view = await getOrder(t, fresh, id)
    expect(view.lineItems).toEqual(nineItems(h))
    // The SIM holder is shipped: the order needs an address.
    expect(view.validation).toMatchObject({ isValid: false, missingFields: ['shipping.address'], errors: [] })
    expect(
      view.validation.lineItemValidation.every((v: { isValid: boolean }) => v.isValid),
      JSON.stringify(view.validation),
    ).toBe(true)
    await orderAct(t, fresh, id, 'PATCH', '', { shipping: SHIPPING })
    view = await getOrder(t, fresh, id)
    expect(view.validation.isValid).toBe(true)

    const done = await submitAndFulfil(t, fresh, id)
    expect(done.status, JSON.stringify(done.failure)).toBe('COMPLETED')
    const made = done.createdEntities
    const created = made.subscriptions[0].subscriptionId as string
    const existing = h.subscription.subscriptionId as string
    expect(made.subscriptions).toHaveLength(1)
    expect(made.licenses).toEqual([{ licenseId: expect.any(String), createdByLineItem: 'license' }])
    expect(made.addons).toEqual([
      expect.objectContaining({
        subscriptionId: created,
        productOfferingId: 'addon-data-5gb',
        createdByLineItem: 'addon',
      }),
    ])
    expect(made.topups).toEqual([{ topupId: expect.any(String), subscriptionId: existing, createdByLineItem: 'topup' }])
    expect(made.externalItems).toEqual([
      { lineItemId: 'holder', type: 'EXTERNAL_PRODUCT', productOfferingId: 'accessory-sim-holder', quantity: 2 },
      { lineItemId: 'case', type: 'EXTERNAL_ITEM', name: 'Phone case', externalReference: 'sku-case-1', quantity: 1 },
    ])
    expect(made.changes).toEqual([
      {
        type: 'SUBSCRIPTION_CHANGE',
        subscriptionId: existing,
        productOfferingId: 'mobile-plan-max',
        scheduledAt: null,
        createdByLineItem: 'plan-change',
      },
      {
        type: 'LICENSE_CHANGE',
        licenseId: h.license.licenseId,
        productOfferingId: PREMIUM,
        createdByLineItem: 'license-change',
      },
      {
        type: 'ADD_ON_CHANGE',
        subscriptionId: existing,
        productOfferingId: 'addon-data-10gb',
        createdByLineItem: 'addon-change',
      },
    ])
    // What each made or changed, through its own endpoint.
    expect((await getSubscription(t, fresh, existing)).productOfferingId).toBe('mobile-plan-max')
    const license = (
      await t.request(fresh.tenant, { method: 'GET', url: `/licenses/${made.licenses[0].licenseId}` })
    ).json()
    expect(license).toMatchObject({ productOfferingId: SUITE, assignedTo: { subscriptionId: created } })
    expect(
      (await t.request(fresh.tenant, { method: 'GET', url: `/licenses/${h.license.licenseId}` })).json()
        .productOfferingId,
    ).toBe(PREMIUM)
    const addons = (await t.request(fresh.tenant, { method: 'GET', url: `/subscriptions/${existing}/addons` })).json()
      .items
    expect(addons.map((a: { productOfferingId: string }) => a.productOfferingId)).toEqual(['addon-data-10gb'])
  })

  it('generates ids line-item-N that skip ids the client chose and never reuse a removed one', async () => {
    const order = await makeOrder(t, world)
    const id = order.orderId as string
    const add = async (item: Record<string, unknown>) =>
      (await orderAct(t, world, id, 'POST', 'line-items', item, 201)).lineItemId
    expect(
      await add({ type: 'EXTERNAL_ITEM', lineItemId: 'line-item-2', name: 'Case', amount: 1, currency: 'USD' }),
    ).toBe('line-item-2')
    expect(await add({ type: 'EXTERNAL_ITEM', name: 'Strap', amount: 1, currency: 'USD' })).toBe('line-item-3')
    await orderAct(t, world, id, 'DELETE', 'line-items/line-item-3', undefined, 204)
    expect(await add({ type: 'EXTERNAL_ITEM', name: 'Charger', amount: 1, currency: 'USD' })).toBe('line-item-4')
    expect((await getOrder(t, world, id)).lineItems.map((i: { lineItemId: string }) => i.lineItemId)).toEqual([
      'line-item-2',
      'line-item-4',
    ])
  })

  it('answers a lineItemId the order already has with 409 order.line_item_exists, writing nothing', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [{ type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 1, currency: 'USD' }],
    })
    const id = order.orderId as string
    const before = await orderState(t, world, id)
    const res = await orderRequest(t, world, id, 'POST', 'line-items', {
      type: 'TOP_UP',
      lineItemId: 'case',
      productOfferingId: 'topup-data-2gb',
      subscriptionId: holdings.subscription.subscriptionId,
    })
    expect(expectProblem(res, 409, 'order.line_item_exists')).toMatchObject({ lineItemId: 'case' })
    expect(await orderState(t, world, id)).toEqual(before)
    // Within one create body too: no order is made.
    const count = before.count
    const twice = await t.request(world.tenant, {
      method: 'POST',
      url: '/orders',
      payload: {
        lineItems: [
          { type: 'EXTERNAL_ITEM', lineItemId: 'x', name: 'A', amount: 1, currency: 'USD' },
          { type: 'EXTERNAL_ITEM', lineItemId: 'x', name: 'B', amount: 1, currency: 'USD' },
        ],
      },
    })
    expectProblem(twice, 409, 'order.line_item_exists')
    expect((await t.request(world.tenant, { method: 'GET', url: '/orders?limit=1000' })).json().items).toHaveLength(
      count,
    )
    // The same id in another order is fine.
    expect(
      (
        await makeOrder(t, world, {
          lineItems: [{ type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 1, currency: 'USD' }],
        })
      ).lineItems[0].lineItemId,
    ).toBe('case')
  })
})

describe('replacing line items', () => {
  it('replaces an item of each type with PUT, keeping its id and its place', async () => {
    const items = nineItems(holdings)
    const order = await makeOrder(t, world, { lineItems: items, shipping: SHIPPING })
    const id = order.orderId as string
    const subscriptionId = holdings.subscription.subscriptionId as string
    const replacements: Record<string, Record<string, unknown>> = {
      'new-line': subscriptionItem({
        productOfferingId: 'mobile-plan-basic',
        display: 'Work phone',
        scheduleActivationAt: '2025-02-01',
        metadata: { crm: 'a-1' },
      }),
      license: { type: 'LICENSE', productOfferingId: PREMIUM, activationDate: '2025-02-01', details: { seats: 3 } },
      addon: {
        type: 'ADD_ON',
        productOfferingId: 'addon-data-10gb',
        subscriptionLineItemId: 'new-line',
        scheduledAt: '2025-02-01',
      },
      topup: { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId, metadata: { reason: 'campaign' } },
      holder: { type: 'EXTERNAL_PRODUCT', productOfferingId: 'accessory-sim-holder', quantity: 5 },
      case: {
        type: 'EXTERNAL_ITEM',
        name: 'Leather case',
        description: 'Brown',
        amount: 19.9,
        currency: 'USD',
        quantity: 2,
        taxIncluded: true,
      },
      'plan-change': {
        type: 'SUBSCRIPTION_CHANGE',
        subscriptionId,
        productOfferingId: 'mobile-plan-basic',
        scheduledAt: '2025-03-01',
        reason: 'cheaper',
      },
      'license-change': {
        type: 'LICENSE_CHANGE',
        licenseId: holdings.license.licenseId,
        productOfferingId: PREMIUM,
        scheduledAt: '2025-03-01',
      },
      'addon-change': {
        type: 'ADD_ON_CHANGE',
        subscriptionId,
        currentProductOfferingId: 'addon-data-1gb',
        productOfferingId: 'addon-data-5gb',
        reason: 'more data',
      },
    }
    const expected = []
    for (const item of items) {
      const lineItemId = item.lineItemId as string
      const replacement = replacements[lineItemId] as Record<string, unknown>
      expect(await orderAct(t, world, id, 'PUT', `line-items/${lineItemId}`, replacement)).toEqual({
        ...replacement,
        lineItemId,
      })
      expected.push({ ...replacement, lineItemId })
    }
    const view = await getOrder(t, world, id)
    expect(view.lineItems).toEqual(expected)
    expect(view.validation.isValid, JSON.stringify(view.validation)).toBe(true)
    // A PUT may also change the type; the body may repeat the path's id.
    expect(
      await orderAct(t, world, id, 'PUT', 'line-items/case', {
        type: 'EXTERNAL_PRODUCT',
        lineItemId: 'case',
        productOfferingId: 'accessory-sim-holder',
      }),
    ).toEqual({ type: 'EXTERNAL_PRODUCT', lineItemId: 'case', productOfferingId: 'accessory-sim-holder' })
    expect((await getOrder(t, world, id)).lineItems[5]).toEqual({
      type: 'EXTERNAL_PRODUCT',
      lineItemId: 'case',
      productOfferingId: 'accessory-sim-holder',
    })
  })

  it('answers an unknown line item with 404 and a body naming another id with 422, changing nothing', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [{ type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 1, currency: 'USD' }],
    })
    const id = order.orderId as string
    const before = await orderState(t, world, id)
    const item = { type: 'EXTERNAL_ITEM', name: 'Case', amount: 2, currency: 'USD' }
    expectProblem(await orderRequest(t, world, id, 'PUT', 'line-items/nope', item), 404, 'order_line_item.not_found')
    expectProblem(await orderRequest(t, world, id, 'DELETE', 'line-items/nope'), 404, 'order_line_item.not_found')
    expectProblem(
      await orderRequest(t, world, id, 'PUT', 'line-items/case', { ...item, lineItemId: 'other' }),
      422,
      'order.line_item_id_mismatch',
      '/body/lineItemId',
    )
    expect(await orderState(t, world, id)).toEqual(before)
  })
})

describe('removing line items', () => {
  it('removes an item of each type with 204, each change an order.updated', async () => {
    const items = nineItems(holdings)
    const order = await makeOrder(t, world, { lineItems: items })
    const id = order.orderId as string
    // Remove the new subscription last: the add-on and the license refer to it.
    for (const item of [...items.slice(1), items[0]] as { lineItemId: string }[]) {
      const res = await orderRequest(t, world, id, 'DELETE', `line-items/${item.lineItemId}`)
      expect(res.statusCode, res.body).toBe(204)
      expect(res.body).toBe('')
    }
    const view = await getOrder(t, world, id)
    expect(view.lineItems).toEqual([])
    expect(view.validation).toEqual({
      isValid: false,
      missingFields: ['lineItems'],
      errors: [],
      lineItemValidation: [],
    })
    expect(await orderEventTypes(t, world, id)).toEqual(['order.created', ...Array(9).fill('order.updated')])
    expectProblem(await orderRequest(t, world, id, 'DELETE', 'line-items/new-line'), 404, 'order_line_item.not_found')
  })

  it('shows in validation what a removal breaks: an add-on whose subscription line item is gone', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [
        subscriptionItem({ lineItemId: 'line' }),
        { type: 'ADD_ON', lineItemId: 'extra', productOfferingId: 'addon-data-5gb', subscriptionLineItemId: 'line' },
      ],
    })
    const id = order.orderId as string
    await orderAct(t, world, id, 'DELETE', 'line-items/line', undefined, 204)
    const view = await getOrder(t, world, id)
    expect(view.validation.isValid).toBe(false)
    expect(view.validation.lineItemValidation).toEqual([
      {
        lineItemId: 'extra',
        isValid: false,
        missingFields: [],
        errors: [{ property: 'subscriptionLineItemId', message: "No SUBSCRIPTION line item 'line' in this order." }],
      },
    ])
  })
})
