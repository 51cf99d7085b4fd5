/**
 * A webhook receiver: an HTTP server on 127.0.0.1 that checks every delivery with `verifyWebhook`
 * (Standard Webhooks: HMAC over id, timestamp and the raw body) and prints the events. To show it
 * working on its own, it registers an endpoint pointing at itself, triggers an event (a new
 * customer), prints what arrives, removes the endpoint and exits; it gives up after
 * OPENLINE_WEBHOOK_WAIT_MS (default 30 s) with exit code 1.
 *
 *   npx tsx examples/webhook-receiver.ts
 *
 * Openline refuses to deliver to loopback addresses unless allowed: `npm start` (the demo) allows
 * them; a server of your own needs OPENLINE_WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8 (README, "Configuration").
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WebhookEvent } from '@openline/sdk'
import { verifyWebhook, WebhookVerificationError } from '@openline/sdk'
import { connect, main, poll } from './connect.js'

main(async () => {
  const ol = connect()
  const received: WebhookEvent[] = []
  const seen = new Set<string>()
  let secret = ''

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      try {
        // Verify the raw bytes as received, before parsing: re-serialised JSON would not match.
        const event = verifyWebhook(Buffer.concat(chunks), req.headers, secret)
        // Retries and replays carry the same eventId: handle each event once, acknowledge every copy.
        if (!seen.has(event.eventId)) {
          seen.add(event.eventId)
          received.push(event)
          console.log(
            `event: ${event.type} ${event.resource.type} ${event.resource.id} #${event.sequence} (${event.eventId})`,
          )
        }
        res.writeHead(204).end()
      } catch (error) {
        const reason = error instanceof WebhookVerificationError ? error.message : 'unreadable'
        console.error(`refused a delivery: ${reason}`)
        res.writeHead(400).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`
  console.log(`listening: ${url}`)

  const created = await ol.webhookEndpoints.create({
    url,
    eventTypes: ['customer.*'],
    description: 'examples/webhook-receiver.ts',
  })
  secret = created.secret
  const endpointId = created.endpoint.webhookEndpointId
  console.log(`endpoint: ${endpointId} for ${created.endpoint.eventTypes?.join(', ')}`)
  try {
    const customer = await ol.customers.create({ customerType: 'CONSUMER', name: `Hook ${randomUUID().slice(0, 8)}` })
    console.log(`triggered: customer ${customer.customerId}`)
    const event = await poll(
      'the customer.created delivery',
      async () => received.find((e) => e.type === 'customer.created' && e.resource.id === customer.customerId),
      { timeoutMs: Number(process.env.OPENLINE_WEBHOOK_WAIT_MS ?? 30_000), intervalMs: 100 },
    )
    console.log(`verified: ${event.type} for ${String(event.data.name ?? event.resource.id)} at ${event.occurredAt}`)
  } finally {
    await ol.delete('/webhook-endpoints/{webhookEndpointId}', { params: { path: { webhookEndpointId: endpointId } } })
    console.log(`removed: endpoint ${endpointId}`)
    server.close()
  }
})
