import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestTenant } from '../../helpers/factories.js'
import { makeCustomer } from '../../helpers/parties.js'
import { expectHiddenFrom, expectReplay, expectUnauthenticated } from '../../helpers/security.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { createEndpoint, testDispatcher, useReceivers } from '../../helpers/webhooks.js'

/** Sending again on request: retry one delivery, replay a window of events, send a test event. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())
const receiver = useReceivers()

const rename = async (tenant: TestTenant, customerId: string, name: string) => {
  const res = await t.request(tenant, { method: 'PUT', url: `/customers/${customerId}`, payload: { name } })
  expect(res.statusCode, res.body).toBe(200)
}

const deliveriesOf = async (tenant: TestTenant, endpointId: string, query = '') =>
  (await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${endpointId}/deliveries${query}` })).json()
    .items as Record<string, any>[] // eslint-disable-line @typescript-eslint/no-explicit-any

describe('retry, replay and test', () => {
  it('retries a delivery with the same event id, and refuses one still queued', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { endpoint, secret } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    await makeCustomer(t, tenant)
    const [queued] = await deliveriesOf(tenant, endpoint.webhookEndpointId)
    const early = await t.request(tenant, {
      method: 'POST',
      url: `/webhook-deliveries/${queued?.webhookDeliveryId}/retry`,
    })
    expect(early.statusCode).toBe(409)
    expect(early.json().code).toBe('webhook_delivery.still_queued')
    const dispatcher = testDispatcher(t)
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    const retry = { method: 'POST', url: `/webhook-deliveries/${queued?.webhookDeliveryId}/retry` } as const
    const { first, status } = await expectReplay(t, tenant, retry)
    expect(status).toBe(202)
    expect(first).toMatchObject({ status: 'pending', attempts: 1, attemptLog: [{ statusCode: 200 }] })
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    r.verifyAll(secret)
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([queued?.eventId, queued?.eventId])
    const stranger = await t.tenant()
    await expectUnauthenticated(t, retry)
    await expectHiddenFrom(t, stranger, retry, 'webhook_delivery.not_found')
    await expectHiddenFrom(
      t,
      stranger,
      { method: 'GET', url: `/webhook-deliveries/${queued?.webhookDeliveryId}` },
      'webhook_delivery.not_found',
    )
  })

  it('replays a window of events in their original order with their ids, once per request', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const customer = await makeCustomer(t, tenant, { name: 'v0' })
    await rename(tenant, customer.customerId, 'v1')
    await rename(tenant, customer.customerId, 'v2')
    // Registered after the events: only a replay sends them.
    const { endpoint, secret } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const replay = {
      method: 'POST',
      url: `/webhook-endpoints/${endpoint.webhookEndpointId}/replay`,
      payload: { since: '2025-01-01T00:00:00Z' },
    } as const
    const { first, status } = await expectReplay(t, tenant, replay)
    expect(status).toBe(202)
    expect(first).toEqual({ webhookEndpointId: endpoint.webhookEndpointId, queued: 3 })
    const narrow = await t.request(tenant, {
      ...replay,
      payload: { since: '2025-01-01T00:00:00Z', eventTypes: ['customer.created'] },
    })
    expect(narrow.json().queued).toBe(1)
    await testDispatcher(t).drain({ tenantId: tenant.tenant.id })
    r.verifyAll(secret)
    const events = (await t.request(tenant, { method: 'GET', url: `/events?resourceId=${customer.customerId}` })).json()
      .items as { eventId: string }[]
    const ids = events.map((e) => e.eventId)
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([...ids, ids[0]])
    expect(r.received.map((x) => x.json.data.name)).toEqual(['v0', 'v1', 'v2', 'v0'])

    const bad = await t.request(tenant, {
      ...replay,
      payload: { since: '2025-01-02T00:00:00Z', until: '2025-01-01T00:00:00Z' },
    })
    expect(bad.statusCode).toBe(400)
    const unknown = await t.request(tenant, {
      ...replay,
      payload: { since: '2025-01-01T00:00:00Z', eventTypes: ['x.y'] },
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().code).toBe('webhook.unknown_event_type')
  })

  it('sends a test event to the one endpoint asked', async () => {
    const tenant = await t.tenant()
    const [target, bystander] = [await receiver(), await receiver()]
    const { endpoint, secret } = await createEndpoint(t, tenant, { url: target.url, eventTypes: ['order.*'] })
    await createEndpoint(t, tenant, { url: bystander.url })
    const test = { method: 'POST', url: `/webhook-endpoints/${endpoint.webhookEndpointId}/test`, payload: {} } as const
    const { first, status } = await expectReplay(t, tenant, test)
    expect(status).toBe(202)
    expect(first).toMatchObject({ eventType: 'webhook.test', status: 'pending' })
    await makeCustomer(t, tenant, { name: 'sample' })
    const sample = await t.request(tenant, { ...test, payload: { type: 'customer.created' } })
    expect(sample.statusCode, sample.body).toBe(202)
    const unknown = await t.request(tenant, { ...test, payload: { type: 'nope.nope' } })
    expect(unknown.statusCode).toBe(400)
    await testDispatcher(t).drain({ tenantId: tenant.tenant.id })
    target.verifyAll(secret)
    expect(target.types()).toEqual(['webhook.test', 'customer.created'])
    expect(target.received[1]?.json.data.name).toBe('sample')
    expect(bystander.types()).toEqual(['customer.created']) // the real event, not the tests
  })

  it('filters the delivery log', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { endpoint } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const a = await makeCustomer(t, tenant)
    const b = await makeCustomer(t, tenant)
    await rename(tenant, a.customerId, 'renamed')
    const id = endpoint.webhookEndpointId as string
    expect(await deliveriesOf(tenant, id)).toHaveLength(3)
    expect(await deliveriesOf(tenant, id, '?eventType=customer.updated')).toHaveLength(1)
    expect(await deliveriesOf(tenant, id, `?resourceType=customer&resourceId=${b.customerId}`)).toHaveLength(1)
    expect(await deliveriesOf(tenant, id, '?status=succeeded')).toHaveLength(0)
    await testDispatcher(t).drain({ tenantId: tenant.tenant.id })
    expect(await deliveriesOf(tenant, id, '?status=succeeded')).toHaveLength(3)
    const bad = await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${id}/deliveries?status=nope` })
    expect(bad.statusCode).toBe(400)
  })

  // Last: it moves the base clock for every tenant of the file.
  it('purges finished deliveries and events after 30 days, keeping what is not yet delivered', async () => {
    const tenant = await t.tenant()
    const quiet = await t.tenant() // no endpoints: its events are held by no delivery
    const unheld = await makeCustomer(t, quiet)
    const r = await receiver()
    const { endpoint: live } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const { endpoint: off } = await createEndpoint(t, tenant, {
      url: r.url,
      eventTypes: ['customer.*'],
      enabled: false,
    })
    await makeCustomer(t, tenant)
    await testDispatcher(t).drain({ tenantId: tenant.tenant.id })
    expect((await deliveriesOf(tenant, live.webhookEndpointId)).map((d) => d.status)).toEqual(['succeeded'])
    await t.worker.ensureRecurring()
    t.clock.advance(29 * 86_400_000)
    await t.worker.drain()
    expect(await deliveriesOf(tenant, live.webhookEndpointId)).toHaveLength(1)
    t.clock.advance(2 * 86_400_000)
    await t.worker.drain()
    expect(await deliveriesOf(tenant, live.webhookEndpointId)).toEqual([])
    const paused = (await deliveriesOf(tenant, off.webhookEndpointId))[0] ?? {}
    expect(paused.status).toBe('paused')
    // The paused delivery still needs its event; the other tenant's event is gone.
    expect((await t.request(tenant, { method: 'GET', url: `/events/${paused.eventId}` })).statusCode).toBe(200)
    const gone = await t.request(quiet, { method: 'GET', url: `/events?resourceId=${unheld.customerId}` })
    expect(gone.json().items).toEqual([])
  })
})
