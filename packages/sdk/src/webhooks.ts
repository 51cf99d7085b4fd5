import { createHmac, timingSafeEqual } from 'node:crypto'
import type { EventType } from './generated/codes.js'

/**
 * The body Openline sends to a webhook endpoint (docs/compatibility.md, "Webhooks"). `webhook-id`
 * equals `eventId`: the same on every retry and replay, so deduplicate on it.
 */
export interface WebhookEvent<T extends EventType = EventType> {
  eventId: string
  type: T
  occurredAt: string
  resource: { type: string; id: string }
  /** The event's number in its resource stream: 1, 2, 3, … without gaps. */
  sequence: number
  data: Record<string, unknown>
}

/** `Headers`, Node's `IncomingHttpHeaders`, or a plain object (any case). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from now, either way. Default 300 (5 minutes). */
  toleranceSeconds?: number
  /** Default: the system clock. */
  now?: Date
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError'
}

const PREFIX = 'whsec_'

/**
 * Verifies a delivery per Standard Webhooks 1.0: HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`
 * under the secret, base64, as one of the `v1,…` signatures in `webhook-signature` (during a rotation
 * Openline signs with both secrets, so either one verifies; pass both if you hold both). The
 * timestamp must be within the tolerance. Pass the raw body as received, before any JSON parsing.
 * Answers the parsed event; throws `WebhookVerificationError` otherwise.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): WebhookEvent {
  const id = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  const signatures = header(headers, 'webhook-signature')
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('Missing webhook-id, -timestamp or -signature.')
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not a number of seconds.')
  const tolerance = options.toleranceSeconds ?? 300
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)
  const sent = Number(timestamp)
  if (now - sent > tolerance) throw new WebhookVerificationError('The delivery is too old (webhook-timestamp).')
  if (sent - now > tolerance) throw new WebhookVerificationError('The delivery is from the future (webhook-timestamp).')

  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body)
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), payload])
  const expected = (typeof secret === 'string' ? [secret] : secret).map((s) =>
    createHmac('sha256', keyBytes(s)).update(signed).digest(),
  )
  const given = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => Buffer.from(value as string, 'base64'))
  const match = given.some((g) => expected.some((e) => e.length === g.length && timingSafeEqual(e, g)))
  if (!match) throw new WebhookVerificationError('No signature matches the secret.')
  return JSON.parse(payload.toString('utf8')) as WebhookEvent
}

function keyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const record = headers as Record<string, string | string[] | undefined>
  const key = Object.keys(record).find((k) => k.toLowerCase() === name)
  const value = key === undefined ? undefined : record[key]
  return Array.isArray(value) ? value[0] : value
}
