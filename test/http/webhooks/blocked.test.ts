import type { LookupAddress } from 'node:dns'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertEndpointUrl, guardedLookup } from '../../../src/services/webhooks/ssrf.js'
import { makeCustomer } from '../../helpers/parties.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'
import { Receiver, createEndpoint, testDispatcher } from '../../helpers/webhooks.js'

/**
 * With loopback not allowed, nothing reaches the receiver on 127.0.0.1: a literal address is refused
 * at creation, and a name that resolves to it (a stub resolver, no real DNS) fails at send time
 * before a byte is sent.
 */
let t: TestApp
let r: Receiver
const names: Record<string, string> = { 'receiver.test': '127.0.0.1' }
const stub = (
  hostname: string,
  _options: unknown,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => {
  const address = names[hostname]
  if (!address) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), [])
  callback(null, [{ address, family: 4 }])
}
beforeAll(async () => {
  t = await createTestApp({
    webhooks: { allowedCidrs: [] },
    urlPolicy: { assertEndpointUrl: (url) => void assertEndpointUrl(url, []), lookup: guardedLookup([], stub) },
  })
  r = await Receiver.start()
})
afterAll(async () => {
  await r.close()
  await t.close()
})

describe('blocked webhook addresses', () => {
  it('refuses a literal loopback address at creation', async () => {
    const tenant = await t.tenant()
    const res = await t.request(tenant, { method: 'POST', url: '/webhook-endpoints', payload: { url: r.url } })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('webhook_endpoint.url_blocked')
  })

  it('sends nothing to a name that resolves to a blocked address, and says why', async () => {
    const tenant = await t.tenant()
    const url = r.url.replace('127.0.0.1', 'receiver.test')
    const { endpoint } = await createEndpoint(t, tenant, { url, eventTypes: ['customer.*'] })
    await makeCustomer(t, tenant)
    expect(await testDispatcher(t).drain({ tenantId: tenant.tenant.id })).toBe(1)
    expect(r.received).toEqual([])
    const [delivery] = (
      await t.request(tenant, { method: 'GET', url: `/webhook-endpoints/${endpoint.webhookEndpointId}/deliveries` })
    ).json().items
    const detail = (
      await t.request(tenant, { method: 'GET', url: `/webhook-deliveries/${delivery.webhookDeliveryId}` })
    ).json()
    expect(detail.status).toBe('pending')
    expect(detail.attemptLog).toEqual([
      expect.objectContaining({ statusCode: null, error: expect.stringContaining('127.0.0.1') }),
    ])
    expect(detail.attemptLog[0].error).toContain('EWEBHOOKBLOCKED')
  })
})
