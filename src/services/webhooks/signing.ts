import { createHmac } from 'node:crypto'
import { secretBytes } from './secret-box.js'

/**
 * Standard Webhooks 1.0 signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `{id}.{timestamp}.{body}` with the secret's bytes, as `v1,<base64>`. Several live secrets (a
 * rotation's grace) give several signatures, space-separated; a receiver accepts any that verifies.
 */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  const signed = `${id}.${timestamp}.${body}`
  return secrets
    .map((secret) => `v1,${createHmac('sha256', secretBytes(secret)).update(signed).digest('base64')}`)
    .join(' ')
}

/** The body a receiver gets: the Connect API's envelope plus Openline's additive fields. */
export interface WebhookEnvelope {
  eventId: string
  type: string
  occurredAt: string
  data: Record<string, unknown>
  resource: { type: string; id: string }
  /** The event's number in its stream: 1, 2, 3, … without gaps. */
  sequence: number
}

export function envelopeOf(event: {
  id: string
  type: string
  occurredAt: Date
  resourceType: string
  resourceId: string
  data: Record<string, unknown>
  sequence: number
}): WebhookEnvelope {
  return {
    eventId: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
    resource: { type: event.resourceType, id: event.resourceId },
    sequence: event.sequence,
  }
}
