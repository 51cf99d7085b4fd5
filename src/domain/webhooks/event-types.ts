import { InvalidInputError } from '../shared/errors.js'

/**
 * Every event type Openline writes to the outbox, closed: `EventService.emit` accepts only these,
 * webhook endpoints filter on them and `GET /webhook-event-types` lists them. `resource` is the
 * `resource.type` of the event. docs/compatibility.md shows this list (`npm run docs:event-types`).
 * The Connect API's own types are marked `reference`; the others are Openline's.
 */
export interface EventTypeInfo {
  type: string
  description: string
  resource: string
  /** Listed by the Connect API reference (§6), not an Openline addition. */
  reference?: true
}

export const EVENT_TYPES = [
  { type: 'order.created', resource: 'order', description: 'A cart was created.' },
  {
    type: 'order.updated',
    resource: 'order',
    description: 'Any change to an order: its cart, its submission, every status fulfilment gives it.',
    reference: true,
  },
  {
    type: 'order.submitted',
    resource: 'order',
    description: 'The order was submitted for fulfilment (with `order.updated`).',
    reference: true,
  },
  { type: 'order.completed', resource: 'order', description: 'Fulfilment created everything the order asked for.' },
  { type: 'order.failed', resource: 'order', description: 'Fulfilment failed; nothing of the order was created.' },
  {
    type: 'subscription.created',
    resource: 'subscription',
    description: 'A subscription was created, by an order or directly.',
    reference: true,
  },
  {
    type: 'subscription.updated',
    resource: 'subscription',
    description:
      'Any change to a subscription: status, plan, number, porting, add-ons, a change scheduled or withdrawn.',
    reference: true,
  },
  {
    type: 'subscription.subscriber_set',
    resource: 'subscription',
    description: 'The subscription got its subscriber (the end user of the line).',
    reference: true,
  },
  {
    type: 'subscription.ended',
    resource: 'subscription',
    description: 'The subscription is cancelled: final, no longer usable or billable.',
    reference: true,
  },
  {
    type: 'subscription.portIn.created',
    resource: 'port_in',
    description: 'A port-in of a number from another operator was requested.',
    reference: true,
  },
  {
    type: 'subscription.portIn.updated',
    resource: 'port_in',
    description: 'A port-in changed: corrected details, the donor’s answer, a porting date.',
    reference: true,
  },
  {
    type: 'subscription.portIn.completed',
    resource: 'port_in',
    description: 'The number was ported in and the subscription uses it.',
    reference: true,
  },
  {
    type: 'subscription.portIn.failed',
    resource: 'port_in',
    description: 'The port-in ended without the number: refused, withdrawn or needing manual work.',
    reference: true,
  },
  { type: 'subscription.addon.added', resource: 'subscription_addon', description: 'An add-on was added.' },
  { type: 'subscription.addon.activated', resource: 'subscription_addon', description: 'An add-on became active.' },
  {
    type: 'subscription.addon.changed',
    resource: 'subscription_addon',
    description: 'An add-on changed: its offering, or a change scheduled or withdrawn.',
  },
  { type: 'subscription.addon.cancelled', resource: 'subscription_addon', description: 'An add-on was cancelled.' },
  {
    type: 'subscription.addon.expired',
    resource: 'subscription_addon',
    description: 'An add-on reached the end of its validity.',
  },
  {
    type: 'subscription.addon.provisioning_failed',
    resource: 'subscription_addon',
    description: 'The network provider could not provision an add-on.',
  },
  {
    type: 'subscription.addon.deprovisioned',
    resource: 'subscription_addon',
    description: 'The network provider removed an ended or changed add-on’s package.',
  },
  { type: 'subscription.topup.applied', resource: 'subscription_topup', description: 'A top-up was applied.' },
  { type: 'license.created', resource: 'license', description: 'A license was created.', reference: true },
  {
    type: 'license.updated',
    resource: 'license',
    description: 'A license changed: activated, its offering, a change scheduled or withdrawn.',
  },
  {
    type: 'license.renewed',
    resource: 'license',
    description: 'A license entered a new term at its renewal date.',
    reference: true,
  },
  {
    type: 'license.ended',
    resource: 'license',
    description: 'A license is cancelled: final (also when its subscription ends).',
    reference: true,
  },
  { type: 'customer.created', resource: 'customer', description: 'A customer was created.' },
  { type: 'customer.updated', resource: 'customer', description: 'A customer or its users changed.' },
  { type: 'user.created', resource: 'user', description: 'A user was created.' },
  { type: 'user.updated', resource: 'user', description: 'A user or its customer roles changed.' },
  { type: 'subscriber.created', resource: 'subscriber', description: 'A subscriber was created.' },
  { type: 'subscriber.updated', resource: 'subscriber', description: 'A subscriber changed.' },
  { type: 'sim.puk_viewed', resource: 'sim', description: 'Someone read a SIM’s PUK codes.' },
  { type: 'sim.qrcode_issued', resource: 'sim', description: 'An eSIM activation QR code was issued.' },
  {
    type: 'product_offering.created',
    resource: 'product_offering',
    description: 'A product offering was added to the catalogue.',
  },
  { type: 'product_offering.updated', resource: 'product_offering', description: 'A product offering changed.' },
  { type: 'product_offering.archived', resource: 'product_offering', description: 'A product offering was archived.' },
  {
    type: 'product_offering_group.created',
    resource: 'product_offering_group',
    description: 'An offering group was added to the catalogue.',
  },
  {
    type: 'product_offering_group.updated',
    resource: 'product_offering_group',
    description: 'An offering group changed.',
  },
  { type: 'promotion.created', resource: 'promotion', description: 'A promotion was created.' },
  { type: 'promotion.updated', resource: 'promotion', description: 'A promotion changed.' },
  { type: 'tenant.updated', resource: 'tenant', description: 'The tenant’s settings changed.' },
  {
    type: 'webhook_endpoint.disabled',
    resource: 'webhook_endpoint',
    description: 'A webhook endpoint was disabled after failing for 5 days (or answering 410).',
  },
  {
    type: 'webhook.test',
    resource: 'webhook_endpoint',
    description: 'A test event (POST /webhook-endpoints/{id}/test), sent only to the endpoint it was asked for.',
  },
] as const satisfies readonly EventTypeInfo[]

export type EventType = (typeof EVENT_TYPES)[number]['type']

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES.map((e) => e.type))

export const isEventType = (s: string): s is EventType => KNOWN.has(s)

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
