import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestTenant } from '../../helpers/factories.js'
import { makeCustomer } from '../../helpers/parties.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import type { Receiver } from '../../helpers/webhooks.js'
import { advanceClock, createEndpoint, testDispatcher, useReceivers } from '../../helpers/webhooks.js'

/** 410, five days of failure, secret rotation and a dispatcher that died holding a lease. */
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())
const receiver = useReceivers()
const advance = (tenant: TestTenant, by: string) => advanceClock(t, tenant, by)

const rename = async (tenant: TestTenant, customerId: string, name: string) => {
  const res = await t.request(tenant, { method: 'PUT', url: `/customers/${customerId}`, payload: { name } })
  expect(res.statusCode, res.body).toBe(200)
}

const names = (r: Receiver) => r.received.map((x) => `${x.json.type}:${x.json.data.name}`)

const endpointOf = async (tenant: TestTenant, id: string) =>
  (await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${id}` })).json()

const disabledEvents = async (tenant: TestTenant) =>
  (await t.request(tenant, { method: 'GET', url: '/events?type=webhook_endpoint.disabled' })).json().items as {
    resource: { id: string }
    data: Record<string, unknown>
  }[]

describe('webhook recovery', () => {
  it('disables an endpoint that answers 410, and sends the backlog in order when it is enabled again', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { endpoint, secret } = await createEndpoint(t, tenant, {
      url: r.url,
      eventTypes: ['customer.*'],
      headers: { authorization: 'Bearer receiver-token' },
    })
    const id = endpoint.webhookEndpointId as string
    r.respond = () => ({ status: 410 })
    const customer = await makeCustomer(t, tenant, { name: 'v0' })
    const dispatcher = testDispatcher(t)
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    expect(await endpointOf(tenant, id)).toMatchObject({ enabled: false, disabledReason: 'gone' })
    const [disabled, ...more] = await disabledEvents(tenant)
    expect(more).toEqual([])
    expect(disabled?.resource.id).toBe(id)
    expect(JSON.stringify(disabled)).not.toContain(secret.slice(6))
    expect(disabled?.data).toMatchObject({ webhookEndpointId: id, enabled: false, disabledReason: 'gone' })
    expect(disabled?.data).not.toHaveProperty('headers')
    for (const name of ['v1', 'v2', 'v3']) await rename(tenant, customer.customerId, name)
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    expect(r.received).toHaveLength(1) // nothing goes to a disabled endpoint
    const paused = await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${id}/deliveries?status=paused` })
    expect(paused.json().items).toHaveLength(4)

    r.respond = () => ({ status: 204 })
    const enabled = await t.request(tenant, {
      method: 'PATCH',
      url: `/webhook-endpoints/${id}`,
      payload: { enabled: true },
    })
    expect(enabled.json()).toMatchObject({ enabled: true, disabledReason: null })
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    r.verifyAll(secret)
    expect(names(r)).toEqual([
      'customer.created:v0', // the 410
      'customer.created:v0',
      'customer.updated:v1',
      'customer.updated:v2',
      'customer.updated:v3',
    ])
    expect(r.received[0]?.headers['webhook-id']).toBe(r.received[1]?.headers['webhook-id'])
    expect(r.received[0]?.headers.authorization).toBe('Bearer receiver-token')
  })

  it('disables an endpoint after 5 days without a success, once, with its event', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { endpoint } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const id = endpoint.webhookEndpointId as string
    r.respond = () => ({ status: 500, body: 'x'.repeat(5000) })
    await makeCustomer(t, tenant)
    const dispatcher = testDispatcher(t)
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    // Walk six days in 12-hour steps: a probe goes out at each, and fails.
    for (let step = 0; step < 12; step++) {
      await advance(tenant, 'PT12H')
      await dispatcher.drain({ tenantId: tenant.tenant.id })
      const now = await endpointOf(tenant, id)
      expect(now.enabled, `step ${step}`).toBe(step < 9) // 5 days = the 10th step (120 h)
    }
    expect(await endpointOf(tenant, id)).toMatchObject({ enabled: false, disabledReason: 'failing' })
    expect(await disabledEvents(tenant)).toHaveLength(1)
    const sent = r.received.length
    expect(sent).toBe(11) // the first attempt and one at each of the 10 steps up to the disabling
    await advance(tenant, 'P2D')
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    expect(r.received).toHaveLength(sent)
    expect(await disabledEvents(tenant)).toHaveLength(1)
    const deliveries = await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${id}/deliveries` })
    const [delivery] = deliveries.json().items
    expect(delivery.status).toBe('paused')
    const detail = (
      await t.request(tenant, { method: 'GET', url: `/webhook-deliveries/${delivery.webhookDeliveryId}` })
    ).json()
    expect(detail.attemptLog).toHaveLength(11)
    expect(detail.attemptLog[0]).toMatchObject({ statusCode: 500, error: 'HTTP 500' })
    expect(detail.attemptLog[0].response).toHaveLength(2048)
  })

  it('signs with both secrets during a rotation grace, and with the new one after', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { endpoint, secret: old } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const rotated = await t.request(tenant, {
      method: 'POST',
      url: `/webhook-endpoints/${endpoint.webhookEndpointId}/rotate-secret`,
      payload: { graceSeconds: 3600 },
    })
    const fresh = rotated.json().secret as string
    const customer = await makeCustomer(t, tenant, { name: 'during' })
    const dispatcher = testDispatcher(t)
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    await advance(tenant, 'PT2H')
    await rename(tenant, customer.customerId, 'after')
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    const [during, after] = r.received
    expect(during?.headers['webhook-signature']?.toString().split(' ')).toHaveLength(2)
    expect(after?.headers['webhook-signature']?.toString().split(' ')).toHaveLength(1)
    const verifies = (secret: string, request: typeof during) => {
      try {
        new Webhook(secret).verify(request?.body ?? '', request?.headers as Record<string, string>)
        return true
      } catch {
        return false
      }
    }
    expect([verifies(old, during), verifies(fresh, during)]).toEqual([true, true])
    expect([verifies(old, after), verifies(fresh, after)]).toEqual([false, true])
  })

  it('sends again, with the same webhook-id, what a dead dispatcher held once its lease runs out', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const { secret } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const customer = await makeCustomer(t, tenant)
    const dead = testDispatcher(t, { leaseMs: 60_000 })
    const claimed = await dead.claim({ tenantId: tenant.tenant.id })
    expect(claimed).toHaveLength(1)
    const alive = testDispatcher(t)
    expect(await alive.drain({ tenantId: tenant.tenant.id })).toBe(0) // still leased
    t.clock.advance(61_000)
    expect(await alive.drain({ tenantId: tenant.tenant.id })).toBe(1)
    r.verifyAll(secret)
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([claimed[0]?.event.id])
    expect(r.received[0]?.json.data.customerId).toBe(customer.customerId)
    // The dead one's late send changes nothing: the delivery stays as the live one recorded it.
    await dead.deliver(claimed[0] as (typeof claimed)[number])
    const deliveries = await t.request(tenant, {
      method: 'GET',
      url: `/webhook-endpoints/${claimed[0]?.endpoint.id}/deliveries`,
    })
    expect(deliveries.json().items[0]).toMatchObject({ status: 'succeeded', attempts: 1 })
  })

  it('fails on a redirect (never followed), a timeout and a refused connection, and honours Retry-After', async () => {
    const tenant = await t.tenant()
    const r = await receiver()
    const target = await receiver()
    const { endpoint } = await createEndpoint(t, tenant, { url: r.url, eventTypes: ['customer.*'] })
    const id = endpoint.webhookEndpointId as string
    const attemptsOf = async () => {
      const [delivery] = (await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${id}/deliveries` })).json()
        .items
      return (
        await t.request(tenant, { method: 'GET', url: `/webhook-deliveries/${delivery.webhookDeliveryId}` })
      ).json()
    }
    r.respond = () => ({ status: 307, headers: { location: target.url, 'retry-after': '3600' } })
    await makeCustomer(t, tenant)
    const dispatcher = testDispatcher(t, { timeoutMs: 100 })
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    expect(target.received).toEqual([])
    let detail = await attemptsOf()
    expect(detail.attemptLog).toEqual([expect.objectContaining({ statusCode: 307, error: 'HTTP 307' })])
    // Retry-After: an hour, longer than the schedule's 5 s.
    expect(new Date(detail.nextAttemptAt).getTime() - new Date(detail.lastAttemptAt).getTime()).toBe(3_600_000)
    await advance(tenant, 'PT59M')
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    expect(r.received).toHaveLength(1)
    r.respond = () => 'hang'
    await advance(tenant, 'PT2M')
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    detail = await attemptsOf()
    expect(detail.attemptLog[1]).toMatchObject({ statusCode: null, error: 'timed out after 100 ms' })
    await r.close()
    await advance(tenant, 'PT6M')
    await dispatcher.drain({ tenantId: tenant.tenant.id })
    detail = await attemptsOf()
    expect(detail.attemptLog[2]).toMatchObject({ statusCode: null, error: 'connection refused' })
    expect(detail.status).toBe('pending')
  })
})
