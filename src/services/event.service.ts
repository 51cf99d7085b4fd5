import type { Clock } from '../domain/shared/clock.js'
import { NotFoundError } from '../domain/shared/errors.js'
import { newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import type { EventType } from '../domain/webhooks/event-types.js'
import { mapPage, readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import type { EventFilter, EventRow, StreamClaim } from '../persistence/repositories/event.repository.js'
import * as events from '../persistence/repositories/event.repository.js'
import type { RequestContext } from './context.js'
import type { WebhookFanOut } from './webhooks/webhook-fan-out.js'

/** A resource an event is about, or the stream it is numbered in. */
export interface ResourceRef {
  type: string
  id: string
}

/**
 * The webhook envelope of the Connect API, plus the resource it is about and its place in its
 * stream: `sequence` counts the stream's events 1, 2, 3, … without gaps.
 */
export interface DomainEvent {
  eventId: string
  type: string
  occurredAt: Date
  resource: ResourceRef
  stream: ResourceRef
  sequence: number
  data: Record<string, unknown>
}

export interface EmitInput {
  /** One of the closed list (src/domain/webhooks/event-types.ts), e.g. `subscription.updated`. */
  type: EventType
  resource: ResourceRef
  /**
   * The stream the event is numbered in; default: the resource. An add-on, top-up, license or
   * port-in names the subscription it belongs to, so the subscription's stream tells its whole story.
   */
  stream?: ResourceRef
  /** The full snapshot of the resource in its API shape, as of this change. */
  data: unknown
  /** When the change took effect; default: now on the tenant's clock. */
  occurredAt?: Date
}

/**
 * The outbox. A service that changes state calls `emit` inside its transaction, so the event
 * commits with the change or not at all, and so do its webhook deliveries (one row per matching
 * endpoint); the dispatcher sends them later.
 */
export class EventService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly webhooks?: WebhookFanOut,
  ) {}

  async emit(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    ...inputs: EmitInput[]
  ): Promise<void> {
    const rows = await this.write(tx, ctx, inputs)
    // Webhook deliveries commit with the events, or not at all.
    await this.webhooks?.fanOut(tx, ctx.tenant.id, rows, ctx.clock.now())
  }

  /** Writes one event that no endpoint receives by fan-out (a webhook test event, delivered by its caller). */
  async emitUndelivered(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    input: EmitInput,
  ): Promise<EventRow> {
    const [row] = await this.write(tx, ctx, [input])
    return row as EventRow
  }

  private async write(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    inputs: EmitInput[],
  ): Promise<EventRow[]> {
    const createdAt = this.clock.now()
    const streams = inputs.map((input) => input.stream ?? input.resource)
    const counts = new Map<string, StreamClaim>()
    for (const stream of streams) {
      const key = events.streamKey(stream.type, stream.id)
      const claim = counts.get(key) ?? { streamType: stream.type, streamId: stream.id, count: 0 }
      counts.set(key, { ...claim, count: claim.count + 1 })
    }
    const last = await events.claimSequences(tx, ctx.tenant.id, [...counts.values()])
    // Each stream's numbers end at `last`: hand them out in the batch's order.
    const next = new Map([...counts].map(([key, claim]) => [key, (last.get(key) as number) - claim.count + 1]))
    const rows = inputs.map((input, i): EventRow => {
      const stream = streams[i] as ResourceRef
      const key = events.streamKey(stream.type, stream.id)
      const sequence = next.get(key) as number
      next.set(key, sequence + 1)
      return {
        tenantId: ctx.tenant.id,
        id: newId(),
        type: input.type,
        resourceType: input.resource.type,
        resourceId: input.resource.id,
        streamType: stream.type,
        streamId: stream.id,
        sequence,
        occurredAt: input.occurredAt ?? ctx.clock.now(),
        // A JSON round trip turns Dates into the ISO strings a webhook receiver sees.
        data: JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>,
        requestId: ctx.requestId,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id,
        actorLabel: ctx.actor.label,
        createdAt,
      }
    })
    await events.insertEvents(tx, rows)
    return rows
  }

  async list(tenantId: string, filter: EventFilter, page: PageRequest): Promise<Page<DomainEvent>> {
    const result = await readPage(
      page,
      (window) => events.listEvents(this.db, tenantId, filter, window),
      (row) => row.id,
      () => events.countEvents(this.db, tenantId, filter),
    )
    return mapPage(result, toEvent)
  }

  async get(tenantId: string, id: string): Promise<DomainEvent> {
    const row = await events.findEvent(this.db, tenantId, id)
    if (!row) throw new NotFoundError('event', id)
    return toEvent(row)
  }
}

const toEvent = (row: EventRow): DomainEvent => ({
  eventId: row.id,
  type: row.type,
  occurredAt: row.occurredAt,
  resource: { type: row.resourceType, id: row.resourceId },
  stream: { type: row.streamType, id: row.streamId },
  sequence: row.sequence,
  data: row.data,
})
