import type { AddressInfo } from 'node:net'
import { ensureDemo } from '../../../src/services/demo.service.js'
import type { TestApp } from '../../../test/helpers/test-app.js'
import { createTestApp } from '../../../test/helpers/test-app.js'
import { V2_SECRET } from '../../../test/helpers/v2.js'
import type { OpenlineOptions } from '../src/index.js'
import { Openline } from '../src/index.js'

export interface Sandbox {
  t: TestApp
  /** `http://127.0.0.1:<port>`: a real listening server, reached over the loopback with real fetch. */
  baseUrl: string
  /** The demo tenant's key, as `serve --demo` makes it (demo catalog, 50 numbers, 20 SIMs). */
  apiKey: string
  tenantId: string
  /** A client for the demo tenant; `options` override the defaults (fast retries for tests). */
  client(options?: Partial<OpenlineOptions>): Openline
  /** Runs the demo tenant's due jobs, as the worker of `serve` would (order fulfilment, renewals). */
  runJobs(): Promise<number>
  close(): Promise<void>
}

/**
 * A real Openline server for one test file: the app of `serve` on a fresh database with the
 * sandbox tenant `demo` of `serve --demo`, listening on 127.0.0.1 port 0. The V2 API takes bearer
 * tokens signed with the test secret.
 */
export async function startSandbox(options: Parameters<typeof createTestApp>[0] = {}): Promise<Sandbox> {
  const t = await createTestApp({ v2: { jwtSecret: V2_SECRET }, ...options })
  const demo = await ensureDemo(t.services, 'memory:')
  const tenant = await t.services.tenants.findByName('demo')
  if (!demo.apiKey || !tenant) throw new Error('the demo tenant was not set up')
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = t.app.server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  const apiKey = demo.apiKey
  return {
    t,
    baseUrl,
    apiKey,
    tenantId: tenant.id,
    client: (overrides = {}) =>
      new Openline({ apiKey, baseUrl, retryDelayMs: { initial: 1, max: 5 }, timeoutMs: 10_000, ...overrides }),
    runJobs: () => t.worker.drain({ tenantId: tenant.id }),
    close: () => t.close(),
  }
}

/** A new ACTIVATED line of the demo tenant, ordered as the tour orders one (lease, order with an eSIM, submit). */
export async function orderLine(sandbox: Sandbox, client: Openline, name: string): Promise<string> {
  const customer = await client.customers.create({ customerType: 'CONSUMER', name })
  const lease = await client.numbers.lease({ types: ['CELL'], count: 1 })
  const order = await client.orders.create({
    customer: { customerId: customer.customerId },
    lineItems: [
      {
        type: 'SUBSCRIPTION',
        productOfferingId: 'mobile-plan-plus',
        msisdn: lease.numbers[0]?.msisdn,
        leaseToken: lease.leaseToken,
        subscriber: { name },
        sim: { esim: true },
      },
    ],
  })
  await client.orders.submit(order.orderId)
  await sandbox.runJobs()
  const done = await client.orders.get(order.orderId)
  const id = done.createdEntities?.subscriptions?.[0]?.subscriptionId
  if (!id) throw new Error(`order ${done.status}: ${JSON.stringify(done.failure)}`)
  return id
}
