import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrderWorld } from '../../helpers/orders.js'
import { makeOrder, orderWorld, submitAndFulfil, subscriptionItem } from '../../helpers/orders.js'
import { makeCustomer } from '../../helpers/parties.js'
import { makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
let world: OrderWorld
beforeAll(async () => {
  t = await createTestApp()
  world = await orderWorld(t)
})
afterAll(async () => t.close())

const orderIds = (html: string) => [...html.matchAll(/href="\/portal\/orders\/([0-9a-f-]{36})"/g)].map((m) => m[1])

describe('portal orders', () => {
  it('sends a signed-out visitor to the sign-in page and back', async () => {
    const order = await makeOrder(t, world)
    for (const url of ['/portal/orders', `/portal/orders/${order.orderId}`]) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(url)}`)
    }
  })

  it('lists the tenant’s orders 25 a page by keyset cursor, filtered by status, and none of another tenant', async () => {
    const own = await orderWorld(t)
    const made: string[] = []
    for (let i = 0; i < 26; i++) made.push((await makeOrder(t, own)).orderId as string)
    const completed = await makeOrder(t, own, { lineItems: [subscriptionItem()] })
    await submitAndFulfil(t, own, completed.orderId)
    const foreign = (await makeOrder(t, world)).orderId as string
    const browser = await signIn(t, await makeOperator(t, own.tenant, 'viewer'))
    const first = await browser.get('/portal/orders?status=PENDING')
    expect(first.statusCode).toBe(200)
    expect(orderIds(first.body)).toEqual(made.slice(0, 25))
    const next = /href="(\/portal\/orders\?[^"]+)" rel="next"/.exec(first.body)?.[1] as string
    expect(next).toContain('status=PENDING')
    const second = await browser.get(next.replaceAll('&amp;', '&'))
    expect(orderIds(second.body)).toEqual(made.slice(25))
    expect(second.body).not.toContain('rel="next"')
    const done = await browser.get('/portal/orders?status=COMPLETED')
    expect(orderIds(done.body)).toEqual([completed.orderId])
    expect(done.body).toContain('USD ')
    const all = await browser.get('/portal/orders')
    expect(all.body).not.toContain(foreign)
    expect(all.body).toContain('aria-current="page">Orders<')
    expect((await browser.get('/portal/orders?status=NOPE')).statusCode).toBe(400)
  })

  it('shows a pending order’s line items and what it still lacks', async () => {
    const order = await makeOrder(t, world, {
      lineItems: [subscriptionItem({ lineItemId: 'phone-line', sim: { esim: false } })],
    })
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    const res = await browser.get(`/portal/orders/${order.orderId}`)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.body).toContain('<code>phone-line</code>')
    expect(res.body).toContain('mobile-plan-plus')
    expect(res.body).toContain('Not valid yet.')
    expect(res.body).toContain('<li>Missing <code>shipping.address</code></li>')
    expect(res.body).toContain('Not priced yet.')
    expect(res.body).toContain('PENDING')
  })

  it('shows a fulfilled order’s pricing and links what it created', async () => {
    const order = await makeOrder(t, world, { lineItems: [subscriptionItem({ lineItemId: 'line-1' })] })
    const done = await submitAndFulfil(t, world, order.orderId)
    expect(done.status).toBe('COMPLETED')
    const created = done.createdEntities.subscriptions[0]
    const browser = await signIn(t, await makeOperator(t, world.tenant, 'viewer'))
    const res = await browser.get(`/portal/orders/${order.orderId}`)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('COMPLETED')
    expect(res.body).toContain(`href="/portal/subscriptions/${created.subscriptionId}"`)
    expect(res.body).toContain(`<dt>Total</dt><dd>USD ${(done.pricing.total as number).toFixed(2)}</dd>`)
  })

  it('answers another tenant’s order with 404 and a malformed id with 400', async () => {
    const order = await makeOrder(t, world)
    const other = await signIn(t, await makeOperator(t, await t.tenant(), 'admin'))
    const foreign = await other.get(`/portal/orders/${order.orderId}`)
    expect(foreign.statusCode).toBe(404)
    expect(foreign.body).not.toContain(world.customer.name)
    expect((await other.get('/portal/orders/not-an-id')).statusCode).toBe(400)
  })

  it('escapes a customer’s name in the list and on the order page', async () => {
    const own = await orderWorld(t)
    const customer = await makeCustomer(t, own.tenant, { name: '<script>alert(1)</script>' })
    const order = await makeOrder(t, own, { customer: { customerId: customer.customerId } })
    const browser = await signIn(t, await makeOperator(t, own.tenant, 'viewer'))
    for (const url of ['/portal/orders', `/portal/orders/${order.orderId}`]) {
      const res = await browser.get(url)
      expect(res.statusCode).toBe(200)
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(res.body).not.toContain('<script>alert(1)')
    }
  })
})
