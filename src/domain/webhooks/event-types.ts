import { InvalidInputError } from '../shared/errors.js'

export interface EventTypeInfo {
  type: string
  description: string
}

/**
 * Every event type Openline writes, with what it means. The outbox writes these from the services
 * (grep `events.emit`); a webhook endpoint subscribes to a list of them or to `prefix.*` patterns.
 */
export const EVENT_TYPES: readonly EventTypeInfo[] = [
  { type: 'order.created', description: 'An order was created (DRAFT).' },
  { type: 'order.updated', description: 'An order changed: line items, status, fulfilment progress.' },
  { type: 'order.submitted', description: 'An order was submitted for fulfilment.' },
  { type: 'order.completed', description: 'Every line item of an order was fulfilled.' },
  { type: 'order.failed', description: 'An order failed or expired during fulfilment.' },
  { type: 'subscription.created', description: 'A subscription was created.' },
  { type: 'subscription.updated', description: 'A subscription changed (status, plan, add-ons, number, port-in …).' },
  { type: 'subscription.subscriber_set', description: 'A subscriber was set on a subscription.' },
  { type: 'subscription.ended', description: 'A subscription was cancelled and has ended.' },
  { type: 'subscription.addon.added', description: 'An add-on was added to a subscription.' },
  { type: 'subscription.addon.activated', description: 'An add-on became active.' },
  { type: 'subscription.addon.changed', description: "An add-on's offering changed." },
  { type: 'subscription.addon.cancelled', description: 'An add-on was cancelled.' },
  { type: 'subscription.addon.expired', description: 'An add-on reached its end.' },
  {
    type: 'subscription.addon.provisioning_failed',
    description: 'The network provider could not provision an add-on.',
  },
  { type: 'subscription.addon.deprovisioned', description: "The network provider removed an add-on's package." },
  { type: 'subscription.topup.applied', description: 'A top-up was applied to a subscription.' },
  { type: 'subscription.portIn.created', description: 'A port-in request was created for a subscription.' },
  { type: 'subscription.portIn.updated', description: 'A port-in request changed (details, donor answer, schedule).' },
  { type: 'subscription.portIn.completed', description: 'A number was ported in.' },
  { type: 'subscription.portIn.failed', description: 'A port-in failed.' },
  { type: 'license.created', description: 'A license was created.' },
  { type: 'license.updated', description: 'A license changed.' },
  { type: 'license.renewed', description: 'A license renewed for a new period.' },
  { type: 'license.ended', description: 'A license ended.' },
  { type: 'customer.created', description: 'A customer was created.' },
  { type: 'customer.updated', description: 'A customer changed.' },
  { type: 'user.created', description: 'A user was created.' },
  { type: 'user.updated', description: 'A user changed.' },
  { type: 'subscriber.created', description: 'A subscriber was created.' },
  { type: 'subscriber.updated', description: 'A subscriber changed.' },
  { type: 'sim.puk_viewed', description: "A SIM's PUK codes were read." },
  { type: 'sim.qrcode_issued', description: "An eSIM's activation QR code was issued." },
  { type: 'product_offering_group.created', description: 'A product offering group was created.' },
  { type: 'product_offering_group.updated', description: 'A product offering group changed.' },
  { type: 'product_offering.created', description: 'A product offering was created.' },
  { type: 'product_offering.updated', description: 'A product offering changed.' },
  { type: 'product_offering.archived', description: 'A product offering was archived.' },
  { type: 'promotion.created', description: 'A promotion was created.' },
  { type: 'promotion.updated', description: 'A promotion changed.' },
  { type: 'tenant.updated', description: "The tenant's settings changed." },
  {
    type: 'webhook_endpoint.disabled',
    description: 'Openline disabled a webhook endpoint (it answered 410, or failed for 5 days).',
  },
  { type: 'webhook.test', description: 'A test event, sent only to the endpoint it was asked for.' },
]

const KNOWN = new Set(EVENT_TYPES.map((t) => t.type))

export const isKnownEventType = (type: string): boolean => KNOWN.has(type)

/** True when `type` is named by the list: exactly, or under a `prefix.*` pattern. null means every type. */
export function matchesEventTypes(patterns: readonly string[] | null, type: string): boolean {
  if (patterns === null) return true
  return patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type))
}

/**
 * Checks an endpoint's (or a replay's) event type list: each entry is a known type or a `prefix.*`
 * that names at least one. Unknown entries are a 400 naming each.
 */
export function checkEventTypes(patterns: readonly string[], pointer: string): string[] {
  const unknown = patterns.filter((p) =>
    p.endsWith('.*') ? !EVENT_TYPES.some((t) => t.type.startsWith(p.slice(0, -1))) : !KNOWN.has(p),
  )
  if (unknown.length > 0) {
    throw new InvalidInputError(
      'webhook.unknown_event_type',
      `Unknown event type(s): ${unknown.join(', ')}. GET /webhook-event-types lists them.`,
      { unknown },
      unknown.map((p) => ({ path: `${pointer}/${patterns.indexOf(p)}`, message: `unknown event type '${p}'` })),
    )
  }
  return [...new Set(patterns)]
}
