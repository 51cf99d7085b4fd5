import type { Clock } from '../domain/shared/clock.js'
import { NotFoundError } from '../domain/shared/errors.js'
import { newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import type { EventType } from '../domain/webhooks/event-types.js'
import { mapPage, readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import type { EventFilter, EventRow, StreamClaim } from '../persistence/repositories/event.repository.js'
import * as events from '../persistence/repositories/event.repository.js'
import type { TimelineEntryRow } from '../persistence/repositories/timeline.repository.js'
import { insertTimelineEntries, timelineEntriesInsert } from '../persistence/repositories/timeline.repository.js'
import type { RequestContext } from './context.js'
import type { FanOutEndpoint, WebhookFanOut } from './webhooks/webhook-fan-out.js'

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

  /**
   * Writes the events, numbered in their streams, and their webhook deliveries: the numbers, the
   * events and the read of the tenant's endpoints are one statement; deliveries, when an endpoint
   * matches, one more.
   */
  async emit(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    ...inputs: EmitInput[]
  ): Promise<void> {
    await this.emitWithTimeline(tx, ctx, [], ...inputs)
  }

  /**
   * `emit`, writing in the same statement the change's timeline entries (`TimelineService.entries`,
   * not yet written): the change's whole record in one round trip.
   */
  async emitWithTimeline(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    timeline: TimelineEntryRow[],
    ...inputs: EmitInput[]
  ): Promise<void> {
    if (inputs.length === 0) {
      await insertTimelineEntries(tx, timeline)
      return
    }
    const { claims, rows } = this.rowsOf(ctx, inputs)
    const along = timeline.length > 0 ? [timelineEntriesInsert(timeline)] : []
    if (!this.webhooks) {
      await events.insertNumberedEventsThen(tx, ctx.tenant.id, claims, rows, along)
      return
    }
    const endpoints = await events.insertNumberedEventsThen<FanOutEndpoint>(
      tx,
      ctx.tenant.id,
      claims,
      rows,
      along,
      this.webhooks.endpointsQuery(ctx.tenant.id),
    )
    // Webhook deliveries commit with the events, or not at all.
    await this.webhooks.deliver(tx, ctx.tenant.id, rows, endpoints, ctx.clock.now())
  }

  /** Writes one event that no endpoint receives by fan-out (a webhook test event, delivered by its caller). */
  async emitUndelivered(
    tx: Executor,
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    input: EmitInput,
  ): Promise<EventRow> {
    const { claims, rows } = this.rowsOf(ctx, [input])
    const last = await events.insertNumberedEvents(tx, ctx.tenant.id, claims, rows)
    const row = rows[0] as EventRow
    return { ...row, sequence: (last.get(events.streamKey(row.streamType, row.streamId)) as number) + row.sequence }
  }

  /**
   * The rows of a batch and how many numbers each stream takes. A row's `sequence` is its place
   * from the end of its stream's numbers in this batch (0 for the last, -1 before it, …), so the
   * batch's order is each stream's order; the statement adds the stream's new last number.
   */
  private rowsOf(
    ctx: Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>,
    inputs: EmitInput[],
  ): { claims: StreamClaim[]; rows: EventRow[] } {
    const createdAt = this.clock.now()
    const streams = inputs.map((input) => input.stream ?? input.resource)
    const counts = new Map<string, StreamClaim>()
    for (const stream of streams) {
      const key = events.streamKey(stream.type, stream.id)
      const claim = counts.get(key) ?? { streamType: stream.type, streamId: stream.id, count: 0 }
      counts.set(key, { ...claim, count: claim.count + 1 })
    }
    const taken = new Map<string, number>()
    const rows = inputs.map((input, i): EventRow => {
      const stream = streams[i] as ResourceRef
      const key = events.streamKey(stream.type, stream.id)
      const place = (taken.get(key) ?? 0) + 1
      taken.set(key, place)
      return {
        tenantId: ctx.tenant.id,
        id: newId(),
        type: input.type,
        resourceType: input.resource.type,
        resourceId: input.resource.id,
        streamType: stream.type,
        streamId: stream.id,
        sequence: place - (counts.get(key) as StreamClaim).count,
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
    return { claims: [...counts.values()], rows }
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
