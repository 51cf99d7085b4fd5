import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { Receiver, createEndpoint, testDispatcher } from '../../helpers/webhooks.js'

/** `/metrics` shows webhook attempts by outcome, their duration and each endpoint's oldest waiting delivery. */
let t: TestApp
let ok: Receiver
let broken: Receiver
beforeAll(async () => {
  t = await createTestApp()
  ok = await Receiver.start()
  broken = await Receiver.start()
  broken.respond = () => ({ status: 503 })
})
afterAll(async () => {
  await Promise.all([ok.close(), broken.close()])
  await t.close()
})

const scrape = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body
const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`))
  return line === undefined ? undefined : Number(line.split(' ').pop())
}

describe('webhook metrics', () => {
  it('counts attempts by outcome, times them, and ages the oldest pending delivery per endpoint', async () => {
    const world = await subscriptionWorld(t)
    const good = await createEndpoint(t, world.tenant, { url: ok.url, eventTypes: ['subscription.created'] })
    const bad = await createEndpoint(t, world.tenant, { url: broken.url, eventTypes: ['subscription.created'] })
    const before = await scrape()
    const successes = sample(before, 'webhook_delivery_attempts_total', 'outcome="success"') ?? 0
    const httpErrors = sample(before, 'webhook_delivery_attempts_total', 'outcome="http_error"') ?? 0

    await makeSubscription(t, world)
    t.clock.advance(90_000)
    const waiting = await scrape()
    const tenant = world.tenant.tenant.id
    for (const { endpoint } of [good, bad])
      expect(
        sample(
          waiting,
          'webhook_oldest_pending_delivery_age_seconds',
          `tenant_id="${tenant}",endpoint_id="${endpoint.webhookEndpointId}"`,
        ),
      ).toBeGreaterThanOrEqual(90)

    await testDispatcher(t).drain({ tenantId: tenant })
    const after = await scrape()
    expect(sample(after, 'webhook_delivery_attempts_total', 'outcome="success"')).toBe(successes + 1)
    expect(sample(after, 'webhook_delivery_attempts_total', 'outcome="http_error"')).toBe(httpErrors + 1)
    expect(after).toMatch(/webhook_delivery_attempt_duration_seconds_count\{outcome="success"\} \d+/)
    // Delivered: nothing waits on the good endpoint; the failing one waits for its retry.
    const key = (id: string) => `tenant_id="${tenant}",endpoint_id="${id}"`
    expect(sample(after, 'webhook_oldest_pending_delivery_age_seconds', key(good.endpoint.webhookEndpointId))).toBe(
      undefined,
    )
    expect(
      sample(after, 'webhook_oldest_pending_delivery_age_seconds', key(bad.endpoint.webhookEndpointId)),
    ).toBeGreaterThanOrEqual(90)
    // No secret or body in the metrics.
    expect(after).not.toContain(good.secret)
  })
})
