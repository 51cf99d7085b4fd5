import type { SQL } from 'drizzle-orm'
import type { Clock } from '../../domain/shared/clock.js'
import { newId } from '../../domain/shared/ids.js'
import { matchesEventTypes } from '../../domain/webhooks/event-types.js'
import { streamKeyOf } from '../../domain/webhooks/streams.js'
import type { Executor } from '../../persistence/database.js'
import type { EventRow, NewWebhookDelivery } from '../../persistence/repositories/webhook.repository.js'
import * as repo from '../../persistence/repositories/webhook.repository.js'

/** An endpoint as the fan-out reads it. */
export type FanOutEndpoint = repo.FanOutEndpoint

/** What the fan-out needs of an event (not its number). */
export type FannedEvent = Pick<EventRow, 'id' | 'type' | 'resourceType' | 'resourceId' | 'streamType' | 'streamId'>

/**
 * Turns committed-together events into delivery rows, inside the transaction that writes them: a
 * rolled-back change delivers nothing, a committed one always delivers. Its cost on `emit` is one
 * indexed read of the tenant's endpoints (`endpointsQuery`, which EventService runs as the final
 * query of the statement that writes the events) and, only when one matches, one multi-row insert.
 * The endpoints are read, not cached: another process may have just registered one, and a stale
 * cache would drop its events.
 */
export class WebhookFanOut {
  constructor(private readonly clock: Clock) {}

  /** The read of the tenant's endpoints (key-share locked until the transaction ends), to run with the events. */
  endpointsQuery(tenantId: string): SQL {
    return repo.endpointsForFanOutQuery(tenantId)
  }

  /** Reads the tenant's endpoints and `deliver`s. */
  async fanOut(tx: Executor, tenantId: string, events: FannedEvent[], tenantNow: Date): Promise<void> {
    await this.deliver(tx, tenantId, events, await repo.endpointsForFanOut(tx, tenantId), tenantNow)
  }

  /** One delivery per event and matching endpoint. `tenantNow` is the tenant's clock: a delivery is due at once, on the schedule's clock. */
  async deliver(
    tx: Executor,
    tenantId: string,
    events: FannedEvent[],
    endpoints: FanOutEndpoint[],
    tenantNow: Date,
  ): Promise<void> {
    if (endpoints.length === 0) return
    const now = this.clock.now()
    const rows: NewWebhookDelivery[] = []
    for (const event of events) {
      const streamKey = streamKeyOf(event)
      for (const endpoint of endpoints) {
        if (!matchesEventTypes(endpoint.eventTypes, event.type)) continue
        rows.push(deliveryRow(tenantId, endpoint, event, streamKey, tenantNow, now))
      }
    }
    await repo.insertDeliveries(tx, tenantId, rows)
  }
}

/** A delivery of one event to one endpoint: pending, or paused while the endpoint is disabled. */
export function deliveryRow(
  tenantId: string,
  endpoint: { id: string; enabled: boolean },
  event: Pick<EventRow, 'id' | 'type' | 'resourceType' | 'resourceId'>,
  streamKey: string,
  dueAt: Date,
  now: Date,
): NewWebhookDelivery {
  return {
    tenantId,
    id: newId(),
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    streamKey,
    status: endpoint.enabled ? 'pending' : 'paused',
    nextAttemptAt: dueAt,
    createdAt: now,
    updatedAt: now,
  }
}
