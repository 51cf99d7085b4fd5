import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import type { Customer, Order, Subscription } from '../src/index.js'
import { Openline, rid } from '../src/index.js'
import type { Sandbox } from './server.js'
import { startSandbox } from './server.js'

/** The README's sandbox tour, step by step, with the SDK against a real server on the loopback. */
let sandbox: Sandbox
let client: Openline
beforeAll(async () => {
  sandbox = await startSandbox()
  client = sandbox.client()
})
afterAll(() => sandbox.close())

describe('the sandbox tour with the SDK', () => {
  it('lists products, signs up a customer, orders a line with an eSIM, adds an add-on and downgrades', async () => {
    // List products: the demo catalog, page after page.
    const offerings = []
    for await (const offering of client.productOfferings.list({ limit: 5 })) offerings.push(offering)
    expect(offerings.map((o) => o.productOfferingId)).toEqual(
      expect.arrayContaining(['mobile-plan-plus', 'mobile-plan-basic', 'addon-data-5gb']),
    )
    expect(new Set(offerings.map((o) => o.productOfferingId)).size).toBe(offerings.length)
    expect(offerings.length).toBeGreaterThan(5) // more than one page of 5 was walked

    const alice = await client.customers.create({
      customerType: 'CONSUMER',
      name: 'Alice Andersson',
      referenceId: 'alice',
    })
    expectTypeOf(alice).toMatchTypeOf<Customer>()
    expect(alice).toMatchObject({ name: 'Alice Andersson', referenceId: 'alice', customerType: 'CONSUMER' })
    expect((await client.customers.get(rid('alice'))).customerId).toBe(alice.customerId)

    // Lease a number for an hour, and order a plan on it with an eSIM.
    const lease = await client.numbers.lease({ types: ['CELL'], count: 1 })
    const msisdn = lease.numbers[0]?.msisdn
    expect(msisdn).toMatch(/^\+120255501\d\d$/)
    const order = await client.orders.create({
      customer: { customerId: rid('alice') },
      lineItems: [
        {
          type: 'SUBSCRIPTION',
          productOfferingId: 'mobile-plan-plus',
          msisdn,
          leaseToken: lease.leaseToken,
          subscriber: { name: 'Alice Andersson' },
          sim: { esim: true },
        },
      ],
    })
    expect(order.validation).toMatchObject({ isValid: true })
    const priced = await client.orders.calculatePrice(order.orderId)
    expect(priced.pricing?.initialInvoice).toBeTruthy()
    const submitted = await client.orders.submit(order.orderId)
    expect(submitted.status).toBe('SUBMITTED')
    expect(await sandbox.runJobs()).toBeGreaterThan(0) // the worker fulfils it
    const done: Order = await client.orders.get(order.orderId)
    expect(done.status).toBe('COMPLETED')
    const subscriptionId = done.createdEntities?.subscriptions?.[0]?.subscriptionId as string
    expect(subscriptionId).toBeTruthy()

    const addon = await client.subscriptions.addons.add(subscriptionId, { productOfferingId: 'addon-data-5gb' })
    expect(addon.status).toBe('ACTIVE')
    const qr = await client.subscriptions.esimQrCode(subscriptionId)
    expect(qr.qrCodeData).toMatch(/^LPA:1\$/)

    // A downgrade waits for the next renewal...
    const changed = await client.subscriptions.changeProductOffering(subscriptionId, {
      productOfferingId: 'mobile-plan-basic',
    })
    expect(changed.pendingProductOffering).toMatchObject({ productOfferingId: 'mobile-plan-basic' })
    // ...and a sandbox tenant has its own clock: move it a month on and the change happens.
    await client.testClock.advance({ by: 'P1M' })
    await sandbox.runJobs()
    const after: Subscription = await client.subscriptions.get(subscriptionId)
    expect(after.productOfferingId).toBe('mobile-plan-basic')
    const timeline = await client.subscriptions.timeline(subscriptionId)
    expect(timeline.items.map((i) => i.kind)).toContain('product_offering_changed')

    // The line is in the list, found by the customer's reference, with for-await.
    const lines: string[] = []
    for await (const s of client.subscriptions.list({ customerId: [rid('alice')] })) lines.push(s.subscriptionId)
    expect(lines).toEqual([subscriptionId])
  })

  it('walks every page of a keyset list, each item once, in order', async () => {
    for (let i = 0; i < 7; i++) await client.customers.create({ customerType: 'CONSUMER', name: `Pager ${i}` })
    const pages: string[][] = []
    const seen: string[] = []
    const counting = sandbox.client({
      fetch: async (request) => {
        pages.push([new URL(request.url).searchParams.get('cursor') ?? 'first'])
        return globalThis.fetch(request)
      },
    })
    for await (const c of counting.customers.list({ limit: 3 })) seen.push(c.customerId)
    const all = await client.get('/customers', { params: { query: { limit: 1000 } } })
    expect(seen).toEqual(all.items.map((c) => c.customerId))
    expect(seen.length).toBeGreaterThanOrEqual(7)
    expect(pages.length).toBe(Math.ceil(seen.length / 3) + (seen.length % 3 === 0 ? 1 : 0))
    // The loop stops early when the caller breaks: no page past the one in hand is fetched.
    pages.length = 0
    for await (const _ of counting.customers.list({ limit: 3 })) break
    expect(pages.length).toBe(1)
  })

  it('takes the generic typed call for any operation of the document', async () => {
    const clock = await client.get('/test-clock')
    expect(typeof clock.now).toBe('string')
    const customer = await client.post('/customers', { body: { customerType: 'BUSINESS', name: 'Acme AB' } })
    const updated = await client.put('/customers/{customerId}', {
      params: { path: { customerId: customer.customerId } },
      body: { customerType: 'BUSINESS', name: 'Acme Holding AB' },
    })
    expect(updated.name).toBe('Acme Holding AB')
    // A fresh client from the package entry point, with only the key and the URL.
    const plain = new Openline({ apiKey: sandbox.apiKey, baseUrl: `${sandbox.baseUrl}/` })
    expect((await plain.customers.get(customer.customerId)).name).toBe('Acme Holding AB')
  })
})
