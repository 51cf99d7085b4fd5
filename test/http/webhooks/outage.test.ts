import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestTenant } from '../../helpers/factories.js'
import { makeCustomer } from '../../helpers/parties.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { Receiver, createEndpoint, testDispatcher } from '../../helpers/webhooks.js'

/**
 * A receiver down for 10 minutes while 200 events happen on 10 resources, with two dispatchers
 * side by side: within 5 minutes of its recovery it has accepted every event exactly once, in order
 * per resource.
 */
let t: TestApp
let r: Receiver
beforeAll(async () => {
  t = await createTestApp()
  r = await Receiver.start()
})
afterAll(async () => {
  await r.close()
  await t.close()
})

const advance = async (tenant: TestTenant, by: string) => {
  const res = await t.request(tenant, { method: 'POST', url: '/test-clock/advance', payload: { by } })
  expect(res.statusCode, res.body).toBe(200)
}

describe('a 10-minute outage', () => {
  it('delivers all 200 events once, in order per resource, within 5 minutes of recovery', async () => {
    const tenant = await t.tenant()
    const { secret } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    let down = true
    const accepted: { id: string; customerId: string; name: string }[] = []
    r.respond = (req) => {
      if (down) return { status: 503 }
      accepted.push({ id: req.json.eventId, customerId: req.json.data.customerId, name: req.json.data.name })
      return { status: 200 }
    }
    const dispatchers = [testDispatcher(t, { concurrency: 4 }), testDispatcher(t, { concurrency: 4 })]
    // Unfiltered, as `serve` runs them: they find the tenant by its due deliveries and probes.
    const drain = () => Promise.all(dispatchers.map((d) => d.drain()))

    const customers: string[] = []
    for (let i = 0; i < 10; i++) customers.push((await makeCustomer(t, tenant, { name: 'v0' })).customerId)
    await drain()
    // 19 renames of each customer, two rounds a minute for ten minutes, dispatching as they come.
    for (let round = 1; round <= 19; round++) {
      for (const id of customers) {
        const res = await t.request(tenant, { method: 'PUT', url: `/customers/${id}`, payload: { name: `v${round}` } })
        expect(res.statusCode, res.body).toBe(200)
      }
      await drain()
      if (round % 2 === 0) await advance(tenant, 'PT1M')
    }
    await advance(tenant, 'PT1M')
    await drain()
    expect(accepted).toEqual([])

    down = false
    for (let minute = 1; minute <= 5 && accepted.length < 200; minute++) {
      await advance(tenant, 'PT1M')
      await drain()
    }
    expect(accepted).toHaveLength(200)
    expect(new Set(accepted.map((a) => a.id)).size).toBe(200)
    for (const id of customers) {
      expect(accepted.filter((a) => a.customerId === id).map((a) => a.name)).toEqual(
        Array.from({ length: 20 }, (_, n) => `v${n}`),
      )
    }
    r.verifyAll(secret)
  }, 120_000)

  it('probes a failing endpoint every 5 minutes even when its next retry is half an hour away', async () => {
    const tenant = await t.tenant()
    const r2 = await Receiver.start()
    try {
      await createEndpoint(t, tenant, { url: r2.url, eventTypes: ['customer.*'] })
      let down = true
      r2.respond = () => ({ status: down ? 503 : 200 })
      await makeCustomer(t, tenant)
      const dispatcher = testDispatcher(t)
      // Attempts at 0, 5 s and 5 min fail: the next retry is 30 minutes later, the next probe 5.
      await dispatcher.drain()
      for (const by of ['PT5S', 'PT5M']) {
        await advance(tenant, by)
        await dispatcher.drain()
      }
      expect(r2.received).toHaveLength(3)
      down = false
      await advance(tenant, 'PT4M')
      expect(await dispatcher.drain()).toBe(0)
      await advance(tenant, 'PT1M')
      expect(await dispatcher.drain()).toBe(1)
      expect(r2.received).toHaveLength(4)
    } finally {
      await r2.close()
    }
  })
})
