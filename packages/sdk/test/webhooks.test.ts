import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { signatureHeader } from '../../../src/services/webhooks/signing.js'
import { testDispatcher, useReceivers } from '../../../test/helpers/webhooks.js'
import type { EventType, WebhookEvent } from '../src/index.js'
import { verifyWebhook, WebhookVerificationError } from '../src/index.js'
import type { Sandbox } from './server.js'
import { startSandbox } from './server.js'

/** verifyWebhook on real deliveries: signed by the server's dispatcher, received on the loopback. */
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())
const receiver = useReceivers()

const headersOf = (h: Record<string, string | string[] | undefined>) => h

describe('verifyWebhook', () => {
  it('verifies a real delivery and answers the typed event; refuses a tampered one, a wrong secret, a stale time', async () => {
    const client = sandbox.client()
    const r = await receiver()
    const { endpoint, secret } = await client.webhookEndpoints.create({ url: r.url, eventTypes: ['customer.*'] })
    const customer = await client.customers.create({ customerType: 'CONSUMER', name: 'Hooked' })
    expect(await testDispatcher(sandbox.t).drain({ tenantId: sandbox.tenantId })).toBeGreaterThan(0)
    const delivery = r.received.find((x) => x.json.resource?.id === customer.customerId)
    if (!delivery) throw new Error('no delivery for the customer')
    const headers = headersOf(delivery.headers)

    const event = verifyWebhook(delivery.body, headers, secret)
    expectTypeOf(event).toEqualTypeOf<WebhookEvent>()
    expectTypeOf(event.type).toEqualTypeOf<EventType>()
    expect(event).toMatchObject({
      type: 'customer.created',
      eventId: headers['webhook-id'],
      resource: { type: 'customer', id: customer.customerId },
      sequence: 1,
    })
    // Headers as a Fetch `Headers` and a Buffer body verify alike.
    const fetchHeaders = new Headers(Object.entries(headers).map(([k, v]) => [k, String(v)]))
    expect(verifyWebhook(Buffer.from(delivery.body), fetchHeaders, secret).eventId).toBe(event.eventId)

    const refuse = (body: string, h: typeof headers, s: string | string[], options = {}) =>
      expect(() => verifyWebhook(body, h, s, options)).toThrow(WebhookVerificationError)
    refuse(delivery.body.replace('Hooked', 'Hacked'), headers, secret)
    refuse(delivery.body, headers, `whsec_${Buffer.alloc(32, 7).toString('base64')}`)
    refuse(delivery.body, { ...headers, 'webhook-id': 'msg_other' }, secret)
    refuse(delivery.body, { ...headers, 'webhook-signature': undefined }, secret)

    // The clock tolerance: 5 minutes either way by default, configurable.
    const sent = Number(headers['webhook-timestamp'])
    const at = (seconds: number) => new Date((sent + seconds) * 1000)
    expect(verifyWebhook(delivery.body, headers, secret, { now: at(299) }).eventId).toBe(event.eventId)
    refuse(delivery.body, headers, secret, { now: at(301) })
    refuse(delivery.body, headers, secret, { now: at(-301) })
    expect(verifyWebhook(delivery.body, headers, secret, { now: at(900), toleranceSeconds: 1000 }).type).toBe(
      'customer.created',
    )
    expect(endpoint.webhookEndpointId).toBeTruthy()
  })

  it('accepts either secret of a rotation: the server signs with both during the grace', async () => {
    const client = sandbox.client()
    const r = await receiver()
    const created = await client.webhookEndpoints.create({ url: r.url, eventTypes: ['customer.*'] })
    const rotated = await client.webhookEndpoints.rotateSecret(created.endpoint.webhookEndpointId, {
      graceSeconds: 3600,
    })
    expect(rotated.secret).not.toBe(created.secret)
    await client.customers.create({ customerType: 'CONSUMER', name: 'Rotated' })
    await testDispatcher(sandbox.t).drain({ tenantId: sandbox.tenantId })
    const delivery = r.received.at(-1)
    if (!delivery) throw new Error('no delivery')
    const signature = String(delivery.headers['webhook-signature'])
    expect(signature.split(' ')).toHaveLength(2)
    const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
    for (const secrets of [created.secret, rotated.secret, [other, rotated.secret], [created.secret, other]])
      expect(verifyWebhook(delivery.body, delivery.headers, secrets).type).toBe('customer.created')
    expect(() => verifyWebhook(delivery.body, delivery.headers, other)).toThrow(WebhookVerificationError)
    // The reference library agrees, on the same bytes.
    expect(() =>
      new Webhook(rotated.secret).verify(delivery.body, delivery.headers as Record<string, string>),
    ).not.toThrow()
  })

  it('agrees with the server’s signing.ts and the standardwebhooks library on any body', () => {
    const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`
    const body = JSON.stringify({ eventId: 'e1', type: 'order.completed', data: { note: 'ünïcødé ✓' } })
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = {
      'webhook-id': 'e1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([secret], 'e1', timestamp, body),
    }
    expect(verifyWebhook(body, headers, secret).type).toBe('order.completed')
    const lib = new Webhook(secret)
    const libHeaders = { ...headers, 'webhook-signature': lib.sign('e1', new Date(timestamp * 1000), body) }
    expect(verifyWebhook(body, libHeaders, secret).type).toBe('order.completed')
    expect(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': 'soon' }, secret)).toThrow(
      WebhookVerificationError,
    )
  })
})
