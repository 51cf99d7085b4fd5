import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrderWorld } from '../../helpers/orders.js'
import {
  expectProblem,
  getOrder,
  holdingsOf,
  makeOrder,
  orderAct,
  orderRequest,
  orderState,
  orderWorld,
  setTenantSettings,
  submitAndFulfil,
  subscriptionItem,
} from '../../helpers/orders.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

/**
 * Requirements (tenant setting `orderRequirements`) gate submission: a REQUIRED one needs its
 * reference in the submit body (Openline hosts no payment or signing sessions; the references are
 * the client's proof, kept on the order), OPTIONAL and NOT_REQUIRED ones need nothing, and payment
 * is never required of an order that costs nothing now.
 */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const PAYMENT_SESSION = '0190f3a4-1c2b-7d3e-8f40-5a6b7c8d9e0f'
const PROFILE_SESSION = '0190f3a4-1c2b-7d3e-8f40-5a6b7c8d9e10'
const SIGNING_SESSION = '0190f3a4-1c2b-7d3e-8f40-5a6b7c8d9e11'

async function pricedOrder(world: OrderWorld, lineItems = [subscriptionItem()]) {
  const order = await makeOrder(t, world, { lineItems })
  await orderAct(t, world, order.orderId, 'POST', 'calculate-price', undefined)
  return order.orderId as string
}

describe('order requirements', () => {
  it('are NOT_REQUIRED by default: an order submits with an empty body (or none)', async () => {
    const world = await orderWorld(t)
    const id = await pricedOrder(world)
    expect((await getOrder(t, world, id)).requirements).toEqual({
      requiresPayment: 'NOT_REQUIRED',
      requiresPaymentProfile: 'NOT_REQUIRED',
      requiresSigning: 'NOT_REQUIRED',
    })
    const res = await orderRequest(t, world, id, 'POST', 'submit')
    expect(res.statusCode, res.body).toBe(200)
  })

  it('refuse a submit without the REQUIRED payment with 422 naming the field, writing nothing; a payment session or an external payment satisfies it', async () => {
    const world = await orderWorld(t, {
      settings: { orderRequirements: { requiresPayment: 'REQUIRED', requiresSigning: 'OPTIONAL' } },
    })
    const id = await pricedOrder(world)
    expect((await getOrder(t, world, id)).requirements).toEqual({
      requiresPayment: 'REQUIRED',
      requiresPaymentProfile: 'NOT_REQUIRED',
      requiresSigning: 'OPTIONAL',
    })
    const before = await orderState(t, world, id)
    for (const body of [{}, { signingSessionId: SIGNING_SESSION }, { paymentProfileSessionId: PROFILE_SESSION }]) {
      const problem = expectProblem(
        await orderRequest(t, world, id, 'POST', 'submit', body),
        422,
        'order.requirements_not_met',
        '/body/paymentSessionId',
      )
      expect(problem).toMatchObject({ unmet: ['payment'], requirements: { requiresPayment: 'REQUIRED' } })
    }
    expect(await orderState(t, world, id)).toEqual(before)
    const submitted = await orderAct(t, world, id, 'POST', 'submit', { paymentSessionId: PAYMENT_SESSION })
    expect(submitted).toMatchObject({ status: 'SUBMITTED', externalPayment: null })

    const other = await pricedOrder(world)
    const externalPayment = {
      reference: 'pos-receipt-8812',
      receiptDescription: 'Paid at the counter',
      receiptUrl: 'https://shop.example.com/r/8812',
      receivedAt: '2025-01-15T09:58:00Z',
    }
    const done = await submitAndFulfil(t, world, other, { externalPayment })
    expect(done).toMatchObject({ status: 'COMPLETED', externalPayment })
  })

  it('name every unmet REQUIRED requirement at once', async () => {
    const world = await orderWorld(t, {
      settings: {
        orderRequirements: {
          requiresPayment: 'REQUIRED',
          requiresPaymentProfile: 'REQUIRED',
          requiresSigning: 'REQUIRED',
        },
      },
    })
    const id = await pricedOrder(world)
    const problem = expectProblem(
      await orderRequest(t, world, id, 'POST', 'submit', { paymentSessionId: PAYMENT_SESSION }),
      422,
      'order.requirements_not_met',
    )
    expect(problem.unmet).toEqual(['paymentProfile', 'signing'])
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/paymentProfileSessionId',
      '/body/signingSessionId',
    ])
    const ok = await orderAct(t, world, id, 'POST', 'submit', {
      paymentSessionId: PAYMENT_SESSION,
      paymentProfileSessionId: PROFILE_SESSION,
      signingSessionId: SIGNING_SESSION,
      metadata: { channel: 'shop' },
    })
    expect(ok.status).toBe('SUBMITTED')
  })

  it('never require payment of an order that costs nothing now, but may still require a payment profile', async () => {
    const world = await orderWorld(t, {
      settings: { orderRequirements: { requiresPayment: 'REQUIRED', requiresPaymentProfile: 'REQUIRED' } },
    })
    const { subscription } = await holdingsOf(t, world)
    // A plan change costs nothing on this order; the new price comes with the subscription's invoices.
    const id = await pricedOrder(world, [
      {
        type: 'SUBSCRIPTION_CHANGE',
        subscriptionId: subscription.subscriptionId,
        productOfferingId: 'mobile-plan-max',
      },
    ])
    const order = await getOrder(t, world, id)
    expect(order.pricing.total).toBe(0)
    expect(order.requirements).toEqual({
      requiresPayment: 'NOT_REQUIRED',
      requiresPaymentProfile: 'REQUIRED',
      requiresSigning: 'NOT_REQUIRED',
    })
    expectProblem(
      await orderRequest(t, world, id, 'POST', 'submit', {}),
      422,
      'order.requirements_not_met',
      '/body/paymentProfileSessionId',
    )
    expect((await orderAct(t, world, id, 'POST', 'submit', { paymentProfileSessionId: PROFILE_SESSION })).status).toBe(
      'SUBMITTED',
    )
  })

  it('follow the tenant setting as it is when the order is submitted', async () => {
    const world = await orderWorld(t)
    const id = await pricedOrder(world)
    await setTenantSettings(t, world.tenant, { orderRequirements: { requiresSigning: 'REQUIRED' } })
    expect((await getOrder(t, world, id)).requirements.requiresSigning).toBe('REQUIRED')
    expectProblem(
      await orderRequest(t, world, id, 'POST', 'submit', {}),
      422,
      'order.requirements_not_met',
      '/body/signingSessionId',
    )
    await setTenantSettings(t, world.tenant, { orderRequirements: null })
    expect((await orderAct(t, world, id, 'POST', 'submit', {})).status).toBe('SUBMITTED')
  })
})
