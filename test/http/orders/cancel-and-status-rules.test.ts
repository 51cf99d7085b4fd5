import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrderWorld } from '../../helpers/orders.js'
import {
  expectProblem,
  getOrder,
  makeOrder,
  orderAct,
  orderEventTypes,
  orderRequest,
  orderState,
  orderWorld,
  subscriptionItem,
  whileTopupsFail,
} from '../../helpers/orders.js'
import { advanceTo, makeSubscription } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * What an order may still do in each status. Only a PENDING order is changed (its line items too);
 * a PENDING or FAILED one may be priced, submitted or cancelled; everything else is a 409 whose
 * code names the status (`order.is_submitted`) and writes nothing.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp() // 2025-01-15T10:00:00Z
})
afterAll(() => t.close())

const ITEM = { type: 'EXTERNAL_ITEM', lineItemId: 'case', name: 'Case', amount: 5, currency: 'USD' }

/** Every write on an order, each with a body that a PENDING order takes. */
const writes: [string, 'PATCH' | 'POST' | 'PUT' | 'DELETE', string, unknown][] = [
  ['change the order', 'PATCH', '', { metadata: { x: 1 } }],
  ['add a line item', 'POST', 'line-items', { type: 'EXTERNAL_ITEM', name: 'Strap', amount: 1, currency: 'USD' }],
  ['replace a line item', 'PUT', 'line-items/case', ITEM],
  ['remove a line item', 'DELETE', 'line-items/case', undefined],
  ['price it', 'POST', 'calculate-price', undefined],
  ['submit it', 'POST', 'submit', {}],
  ['cancel it', 'POST', 'cancel', undefined],
]
/** What a FAILED order still allows. */
const FAILED_MAY = new Set(['price it', 'submit it', 'cancel it'])

async function orderIn(world: OrderWorld, status: string): Promise<string> {
  const order = await makeOrder(t, world, { lineItems: [ITEM, subscriptionItem()] })
  const id = order.orderId as string
  if (status === 'CANCELLED') await orderAct(t, world, id, 'POST', 'cancel', undefined)
  if (status === 'SUBMITTED' || status === 'COMPLETED') await orderAct(t, world, id, 'POST', 'submit', {})
  if (status === 'COMPLETED') await t.worker.drain({ tenantId: world.tenant.tenant.id })
  if (status === 'FAILED') {
    const target = await makeSubscription(t, world, { msisdn: '+15557770001' })
    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: target.subscriptionId },
      201,
    )
    await orderAct(t, world, id, 'POST', 'submit', {})
    await t.request(world.tenant, { method: 'POST', url: `/subscriptions/${target.subscriptionId}/pause`, payload: {} })
    await t.worker.drain({ tenantId: world.tenant.tenant.id })
  }
  if (status === 'PROCESSING') {
    // Fulfilment hits an error that is not the order's: PROCESSING until the job's retry.
    const target = await makeSubscription(t, world, { msisdn: '+15557770002' })
    await orderAct(
      t,
      world,
      id,
      'POST',
      'line-items',
      { type: 'TOP_UP', productOfferingId: 'topup-data-2gb', subscriptionId: target.subscriptionId },
      201,
    )
    await orderAct(t, world, id, 'POST', 'submit', {})
    await whileTopupsFail(t, () => t.worker.drain({ tenantId: world.tenant.tenant.id }))
  }
  if (status === 'EXPIRED') await advanceTo(t, world, '2025-01-22T10:00:00Z')
  expect((await getOrder(t, world, id)).status).toBe(status)
  return id
}

describe('what each status allows', () => {
  it.each(['SUBMITTED', 'PROCESSING', 'COMPLETED', 'CANCELLED', 'EXPIRED', 'FAILED'])(
    'answers 409 order.is_<status> to every write a %s order no longer takes, writing nothing',
    async (status) => {
      const world = await orderWorld(t)
      const id = await orderIn(world, status)
      const before = await orderState(t, world, id)
      for (const [action, method, path, body] of writes) {
        if (status === 'FAILED' && FAILED_MAY.has(action)) continue
        const res = await orderRequest(t, world, id, method, path, body)
        const problem = expectProblem(res, 409, `order.is_${status.toLowerCase()}`)
        expect(problem, action).toMatchObject({
          status: 409,
          currentStatus: status,
          detail: expect.stringContaining(`A ${status} order cannot`),
        })
      }
      expect(await orderState(t, world, id)).toEqual(before)
    },
  )

  it('lets a PENDING order take every write', async () => {
    const world = await orderWorld(t)
    const id = await orderIn(world, 'PENDING')
    for (const [action, method, path, body] of writes.filter(([a]) => a !== 'submit it' && a !== 'cancel it')) {
      const res = await orderRequest(t, world, id, method, path, body)
      expect(res.statusCode, `${action}: ${res.body}`).toBeLessThan(300)
    }
  })
})

describe('POST /orders/{id}/cancel', () => {
  it('cancels a PENDING order (with no body or an empty one): CANCELLED with cancelledAt, one order.updated; again is a 409', async () => {
    const world = await orderWorld(t)
    for (const payload of [undefined, {}]) {
      const order = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
      const cancelled = await orderAct(t, world, order.orderId, 'POST', 'cancel', payload)
      expect(cancelled).toMatchObject({
        status: 'CANCELLED',
        state: 'CANCELLED',
        cancelledAt: '2025-01-15T10:00:00.000Z',
        submittedAt: null,
        completedAt: null,
      })
      expect(await getOrder(t, world, order.orderId)).toEqual(cancelled)
      expect(await orderEventTypes(t, world, order.orderId)).toEqual(['order.created', 'order.updated'])
      expectProblem(await orderRequest(t, world, order.orderId, 'POST', 'cancel'), 409, 'order.is_cancelled')
    }
  })

  it('cancels a FAILED order instead of retrying it, creating nothing', async () => {
    const world = await orderWorld(t)
    const id = await orderIn(world, 'FAILED')
    expect(await orderAct(t, world, id, 'POST', 'cancel', undefined)).toMatchObject({
      status: 'CANCELLED',
      failure: { code: 'topup.subscription_not_active' },
    })
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
      ).json().items,
    ).toHaveLength(1)
  })

  it('never lets a cancelled order be fulfilled, even by a job already queued', async () => {
    const world = await orderWorld(t)
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem()] })
    await orderAct(t, world, order.orderId, 'POST', 'cancel', undefined)
    await t.services.orderFulfilment.fulfil(world.tenant.tenant.id, order.orderId)
    expect((await getOrder(t, world, order.orderId)).status).toBe('CANCELLED')
    expect(
      (
        await t.request(world.tenant, { method: 'GET', url: `/subscriptions?customerId=${world.customer.customerId}` })
      ).json().items,
    ).toEqual([])
  })
})
