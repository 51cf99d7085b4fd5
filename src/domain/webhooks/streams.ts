/**
 * The resource stream an event belongs to: deliveries of one stream reach an endpoint in order.
 * A subscription's stream holds the events of its add-ons, top-ups and port-in too (when their
 * snapshot names the subscription), so a receiver never sees an add-on activated before the
 * subscription that carries it was created.
 */
export function streamKeyOf(event: { resource: { type: string; id: string }; data: unknown }): string {
  const { type, id } = event.resource
  if (type === 'subscription') return `subscription:${id}`
  const data = event.data
  if (SUBSCRIPTION_CHILDREN.has(type) && typeof data === 'object' && data !== null) {
    const parent = (data as Record<string, unknown>).subscriptionId
    if (typeof parent === 'string') return `subscription:${parent}`
  }
  return `${type}:${id}`
}

/** Resource types that belong to a subscription's stream. */
const SUBSCRIPTION_CHILDREN = new Set(['subscription_addon', 'subscription_topup', 'port_in'])
