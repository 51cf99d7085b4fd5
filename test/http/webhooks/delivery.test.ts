import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '../../../src/services/context.js'
import type { TestTenant } from '../../helpers/factories.js'
import { makeSubscription, subscriptionWorld } from '../../helpers/subscriptions.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { advanceClock, createEndpoint, testDispatcher, useReceivers } from '../../helpers/webhooks.js'

/** Events reach endpoints signed, filtered, in order per stream, and never from a rolled-back change. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())
const receiver = useReceivers()
const advance = (tenant: TestTenant, by: string) => advanceClock(t, tenant, by)

const addAddon = async (tenant: TestTenant, subscriptionId: string) => {
  const res = await t.request(tenant, {
    method: 'POST',
    url: `/subscriptions/${subscriptionId}/addons`,
    payload: { productOfferingId: 'addon-data-5gb' },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

describe('webhook delivery', () => {
  it('delivers a subscription and its add-on, signed per Standard Webhooks, in order', async () => {
    const world = await subscriptionWorld(t)
    const r = await receiver()
    const { endpoint, secret } = await createEndpoint(t, world.tenant, {
      url: r.url,
      eventTypes: ['subscription.*'],
      headers: { 'x-gateway-token': 'tok' },
    })
    const sub = await makeSubscription(t, world)
    const addon = await addAddon(world.tenant, sub.subscriptionId)
    const dispatcher = testDispatcher(t)
    expect(await dispatcher.drain({ tenantId: world.tenant.tenant.id })).toBeGreaterThan(0)
    r.verifyAll(secret)
    expect(r.types()).toEqual([
      'subscription.created',
      'subscription.subscriber_set',
      'subscription.addon.added',
      'subscription.addon.activated',
      'subscription.updated',
    ])
    // The add-on's events are numbered in its subscription's stream, without gaps.
    expect(r.received.map((x) => x.json.sequence)).toEqual([1, 2, 3, 4, 5])
    const [first] = r.received
    expect(first?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-gateway-token': 'tok',
      'webhook-id': first?.json.eventId,
    })
    expect(first?.headers['user-agent']).toMatch(/^Openline\/\d+\.\d+\.\d+/)
    // The real wall clock, not the test app's fake one (2025).
    expect(Math.abs(Number(first?.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
    expect(first?.json).toMatchObject({
      type: 'subscription.created',
      occurredAt: '2025-01-15T10:00:00.000Z',
      resource: { type: 'subscription', id: sub.subscriptionId },
      data: { subscriptionId: sub.subscriptionId },
    })
    const addonEvent = r.received.find((x) => x.json.type === 'subscription.addon.added')
    expect(addonEvent?.json.resource).toEqual({ type: 'subscription_addon', id: addon.subscriptionAddonId })
    // The same event ids as the outbox.
    const events = await t.request(world.tenant, {
      method: 'GET',
      url: `/events?resourceId=${sub.subscriptionId}`,
    })
    const ids = (events.json().items as { eventId: string }[]).map((e) => e.eventId)
    expect(r.received.filter((x) => x.json.resource.id === sub.subscriptionId).map((x) => x.json.eventId)).toEqual(ids)
    // The delivery log.
    const log = await t.request(world.tenant, {
      method: 'GET',
      url: `/webhook-endpoints/${endpoint.webhookEndpointId}/deliveries`,
    })
    expect(log.json().items).toHaveLength(5)
    expect(log.json().items.every((d: { status: string }) => d.status === 'succeeded')).toBe(true)
    const one = await t.request(world.tenant, {
      method: 'GET',
      url: `/webhook-deliveries/${log.json().items[0].webhookDeliveryId}`,
    })
    expect(one.json()).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      attemptLog: [{ statusCode: 200, error: null }],
    })
  })

  it('delivers nothing of a rolled-back change', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    await createEndpoint(t, tenant, { url: r.url })
    const ctx = systemContext(tenant.tenant, t.clock, 'test')
    await expect(
      t.services.db.transaction(async (tx) => {
        await t.services.events.emit(tx, ctx, {
          type: 'customer.updated',
          resource: { type: 'customer', id: 'c-1' },
          data: { customerId: 'c-1' },
        })
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect(await testDispatcher(t).drain({ tenantId: tenant.tenant.id })).toBe(0)
    expect(r.received).toEqual([])
  })

  it('sends each endpoint only the event types it subscribes to', async () => {
    const world = await subscriptionWorld(t)
    const [addons, orders, exact] = [await receiver(), await receiver(), await receiver()]
    await createEndpoint(t, world.tenant, { url: addons.url, eventTypes: ['subscription.addon.*'] })
    await createEndpoint(t, world.tenant, { url: orders.url, eventTypes: ['order.*'] })
    await createEndpoint(t, world.tenant, { url: exact.url, eventTypes: ['subscription.created'] })
    const sub = await makeSubscription(t, world)
    await addAddon(world.tenant, sub.subscriptionId)
    await testDispatcher(t).drain({ tenantId: world.tenant.tenant.id })
    expect(addons.types()).toEqual(['subscription.addon.added', 'subscription.addon.activated'])
    expect(orders.types()).toEqual([])
    expect(exact.types()).toEqual(['subscription.created'])
  })

  it('keeps order per stream while a receiver fails, lets other streams pass, and catches up at its first success', async () => {
    const world = await subscriptionWorld(t)
    const r = await receiver()
    const { secret } = await createEndpoint(t, world.tenant, { url: r.url, eventTypes: ['subscription.*'] })
    const stuck = await makeSubscription(t, world)
    // The first subscription's deliveries fail; everything else is accepted.
    r.respond = (req) =>
      req.json.resource.id === stuck.subscriptionId && !recovered ? { status: 503 } : { status: 200 }
    let recovered = false
    const dispatcher = testDispatcher(t)
    const tenantId = world.tenant.tenant.id
    await dispatcher.drain({ tenantId })
    const other = await makeSubscription(t, world)
    await addAddon(world.tenant, other.subscriptionId)
    await addAddon(world.tenant, stuck.subscriptionId)
    // Retries at 5 s and 5 min fail; while the endpoint is failing, one probe at a time still lets
    // the other subscription's events through, and each success releases the backlog.
    for (const by of ['PT5S', 'PT5M']) {
      await advance(world.tenant, by)
      await dispatcher.drain({ tenantId })
    }
    const about = (id: string) =>
      r.received
        .filter((x) => x.json.resource.id === id || x.json.data.subscriptionId === id)
        .map((x) => x.json.type as string)
    const lifeOfOne = [
      'subscription.created',
      'subscription.subscriber_set',
      'subscription.addon.added',
      'subscription.addon.activated',
      'subscription.updated',
    ]
    expect(about(other.subscriptionId)).toEqual(lifeOfOne)
    // Only the head of the stuck stream was tried: created, at 0 s, 5 s, 5 min (and as probes).
    expect(new Set(about(stuck.subscriptionId))).toEqual(new Set(['subscription.created']))
    recovered = true
    await advance(world.tenant, 'PT5M')
    await dispatcher.drain({ tenantId })
    r.verifyAll(secret)
    const stuckTypes = about(stuck.subscriptionId)
    const head = stuckTypes.lastIndexOf('subscription.created')
    expect(stuckTypes.slice(head)).toEqual(lifeOfOne)
    expect(about(other.subscriptionId)).toEqual(lifeOfOne)
  })
})
