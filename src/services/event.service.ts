import type { Clock } from '../domain/shared/clock.js'
import { NotFoundError } from '../domain/shared/errors.js'
import { newId } from '../domain/shared/ids.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import { mapPage, readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import type { EventFilter, EventRow } from '../persistence/repositories/event.repository.js'
import * as events from '../persistence/repositories/event.repository.js'
import type { RequestContext } from './context.js'
import type { WebhookFanOut } from './webhooks/webhook-fan-out.js'

/** The webhook envelope of the Connect API, plus the resource it is about. */
export interface DomainEvent {
  eventId: string
  type: string
  occurredAt: Date
  resource: { type: string; id: string }
  data: Record<string, unknown>
}

export interface EmitInput {
  /** `<entity>.<past_tense>`, e.g. `subscription.updated`. */
  type: string
  resource: { type: string; id: string }
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
    const createdAt = this.clock.now()
    const rows = inputs.map((input): EventRow => ({
      tenantId: ctx.tenant.id,
      id: newId(),
      type: input.type,
      resourceType: input.resource.type,
      resourceId: input.resource.id,
      occurredAt: input.occurredAt ?? ctx.clock.now(),
      // A JSON round trip turns Dates into the ISO strings a webhook receiver sees.
      data: JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>,
      requestId: ctx.requestId,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      actorLabel: ctx.actor.label,
      createdAt,
    }))
    await events.insertEvents(tx, rows)
    // Webhook deliveries commit with the events, or not at all.
    await this.webhooks?.fanOut(tx, ctx.tenant.id, rows, ctx.clock.now())
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
  data: row.data,
})
