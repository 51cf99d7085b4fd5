import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeCustomer } from '../../helpers/parties.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { Receiver, createEndpoint, testDispatcher } from '../../helpers/webhooks.js'

/**
 * The dispatcher as `serve` runs it: woken by NOTIFY when a fan-out commits (its poll interval is
 * set to a minute, so only the notification can explain a prompt delivery), and a receiver that
 * hangs holds one slot while the others go on. Behind PgBouncer the test database listens on the direct URL, as
 * `serve` does with OPENLINE_LISTEN_DATABASE_URL.
 */
let t: TestApp
let slow: Receiver
let fast: Receiver
beforeAll(async () => {
  t = await createTestApp()
  ;[slow, fast] = [await Receiver.start(), await Receiver.start()]
})
afterAll(async () => {
  await Promise.all([slow.close(), fast.close()])
  await t.close()
})

describe('the background dispatcher', () => {
  it('wakes on NOTIFY and is not held up by a receiver that hangs', async () => {
    const tenant = await t.tenant()
    slow.respond = () => 'hang'
    await createEndpoint(t, tenant, { url: slow.url, eventTypes: ['customer.created'] })
    const { secret } = await createEndpoint(t, tenant, { url: fast.url, eventTypes: ['customer.*'] })
    const dispatcher = testDispatcher(t, { pollIntervalMs: 60_000, timeoutMs: 60_000, concurrency: 2 })
    await dispatcher.start()
    try {
      const customer = await makeCustomer(t, tenant, { name: 'first' })
      await expect.poll(() => slow.received.length, { timeout: 10_000, interval: 20 }).toBe(1)
      await expect.poll(() => fast.received.length, { timeout: 10_000, interval: 20 }).toBe(1)
      const res = await t.request(tenant, {
        method: 'PUT',
        url: `/customers/${customer.customerId}`,
        payload: { name: 'second' },
      })
      expect(res.statusCode).toBe(200)
      await expect.poll(() => fast.received.length, { timeout: 10_000, interval: 20 }).toBe(2)
      fast.verifyAll(secret)
      expect(fast.received.map((r) => r.json.data.name)).toEqual(['first', 'second'])
    } finally {
      // The hanging send ends when its receiver goes away; stop waits for it.
      await slow.close()
      await dispatcher.stop()
    }
  })
})
