import type { OneShot } from './oneshot.js'
import { ordersEndToEnd } from './orders.js'
import { scheduledChanges } from './scheduled-changes.js'
import { webhookDeliveries } from './webhooks.js'

/** The timed one-shot scenarios, run after the load scenarios, in order (the deliveries use the events made before). */
export const oneShots: OneShot[] = [ordersEndToEnd, scheduledChanges, webhookDeliveries]
