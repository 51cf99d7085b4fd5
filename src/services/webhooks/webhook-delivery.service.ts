import type { Clock } from '../../domain/shared/clock.js'
import { BusinessRuleError, ConflictError, InvalidInputError, NotFoundError } from '../../domain/shared/errors.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { mapPage, readPage } from '../../domain/shared/paging.js'
import { checkEventTypes, isEventType, matchesEventTypes } from '../../domain/webhooks/event-types.js'
import { streamKeyOf } from '../../domain/webhooks/streams.js'
import type { Executor } from '../../persistence/database.js'
import * as eventRepo from '../../persistence/repositories/event.repository.js'
import type {
  DeliveryFilter,
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookEndpointRow,
} from '../../persistence/repositories/webhook.repository.js'
import * as repo from '../../persistence/repositories/webhook.repository.js'
import type { WebhookDeliveryStatus } from '../../persistence/schema/index.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import { deliveryRow } from './webhook-fan-out.js'

export interface WebhookAttemptView {
  at: Date
  durationMs: number
  statusCode: number | null
  /** The first 2 KiB of the answer. */
  response: string | null
  error: string | null
}

export interface WebhookDeliveryView {
  id: string
  endpointId: string
  eventId: string
  eventType: string
  resource: { type: string; id: string }
  status: WebhookDeliveryStatus
  attempts: number
  nextAttemptAt: Date | null
  lastAttemptAt: Date | null
  completedAt: Date | null
  createdAt: Date
}

export interface WebhookDeliveryDetail extends WebhookDeliveryView {
  attemptLog: WebhookAttemptView[]
}

export interface ReplayResult {
  endpointId: string
  /** How many events were queued again, oldest first. */
  queued: number
}

/** A replay queues at most this many events; narrow `since`/`until` for more. */
export const MAX_REPLAY_EVENTS = 10_000

/** The delivery log of an endpoint, and the ways to send again: retry, replay, test. */
export class WebhookDeliveryService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly events: EventService,
  ) {}

  async list(tenantId: string, filter: DeliveryFilter, page: PageRequest): Promise<Page<WebhookDeliveryView>> {
    await this.endpoint(this.db, tenantId, filter.endpointId)
    const result = await readPage(
      page,
      (window) => repo.listDeliveries(this.db, tenantId, filter, window),
      (row) => row.id,
      () => repo.countDeliveries(this.db, tenantId, filter),
    )
    return mapPage(result, toDeliveryView)
  }

  async get(tenantId: string, id: string): Promise<WebhookDeliveryDetail> {
    const row = await this.delivery(this.db, tenantId, id)
    const attempts = await repo.listAttempts(this.db, tenantId, id)
    return { ...toDeliveryView(row), attemptLog: attempts.map(toAttemptView) }
  }

  /**
   * Sends a delivery again, due now, with a fresh retry schedule (the same event id). It keeps its
   * place in its stream: later events of the stream wait for it again.
   */
  retry(ctx: RequestContext, id: string): Promise<WebhookDeliveryDetail> {
    return this.uow.write(ctx, async (tx) => {
      const current = await this.delivery(tx, ctx.tenant.id, id)
      if (current.status === 'pending' || current.status === 'paused')
        throw new ConflictError(
          'webhook_delivery.still_queued',
          `The delivery is ${current.status}; it will be sent without a retry.`,
          { status: current.status },
        )
      const endpoint = await this.endpoint(tx, ctx.tenant.id, current.endpointId)
      const row = (await repo.requeueDelivery(tx, ctx.tenant.id, id, {
        status: endpoint.enabled ? 'pending' : 'paused',
        now: ctx.clock.now(),
      })) as WebhookDeliveryRow
      return { ...toDeliveryView(row), attemptLog: (await repo.listAttempts(tx, ctx.tenant.id, id)).map(toAttemptView) }
    })
  }

  /**
   * Queues the tenant's events from `since` (to `until`) for one endpoint again, in their original
   * order and with their original ids, so a receiver that deduplicates by `webhook-id` sees each
   * event once. Only types the endpoint subscribes to, narrowed by `eventTypes`.
   */
  replay(
    ctx: RequestContext,
    endpointId: string,
    input: { since: string; until?: string; eventTypes?: string[] },
  ): Promise<ReplayResult> {
    const since = new Date(input.since)
    const until = input.until === undefined ? undefined : new Date(input.until)
    if (until && until <= since)
      throw new InvalidInputError('webhook.invalid_replay_window', '`until` must be after `since`.', {}, [
        { path: '/body/until', message: 'must be after since' },
      ])
    const narrow = input.eventTypes ? checkEventTypes(input.eventTypes, '/body/eventTypes') : null
    return this.uow.write(ctx, async (tx) => {
      const endpoint = await this.endpoint(tx, ctx.tenant.id, endpointId)
      const events = await repo.eventsBetween(tx, ctx.tenant.id, {
        since,
        ...(until && { until }),
        limit: MAX_REPLAY_EVENTS + 1,
      })
      if (events.length > MAX_REPLAY_EVENTS)
        throw new BusinessRuleError(
          'webhook.replay_too_large',
          `A replay queues at most ${MAX_REPLAY_EVENTS} events; narrow since/until.`,
          { max: MAX_REPLAY_EVENTS },
        )
      const now = this.clock.now()
      const rows = events
        .filter((e) => matchesEventTypes(endpoint.eventTypes, e.type) && matchesEventTypes(narrow, e.type))
        .map((e) => deliveryRow(ctx.tenant.id, endpoint, e, streamKeyOf(e), ctx.clock.now(), now))
      await repo.insertDeliveries(tx, ctx.tenant.id, rows)
      return { endpointId, queued: rows.length }
    })
  }

  /**
   * Sends one signed event to this endpoint only: `webhook.test`, or a sample of `type` (the data
   * of the tenant's latest event of that type, else an empty object). It is written to the outbox
   * like any event, but fanned out to no other endpoint.
   */
  test(ctx: RequestContext, endpointId: string, type: string = 'webhook.test'): Promise<WebhookDeliveryView> {
    if (!isEventType(type))
      throw new InvalidInputError(
        'webhook.unknown_event_type',
        `Unknown event type '${type}'. GET /webhook-event-types lists them.`,
        { unknown: [type] },
        [{ path: '/body/type', message: `unknown event type '${type}'` }],
      )
    const eventType = type
    return this.uow.write(ctx, async (tx) => {
      const endpoint = await this.endpoint(tx, ctx.tenant.id, endpointId)
      const [sample] =
        type === 'webhook.test' ? [] : await eventRepo.listEvents(tx, ctx.tenant.id, { types: [type] }, { limit: 1 })
      const event = await this.events.emitUndelivered(tx, ctx, {
        type: eventType,
        resource: sample
          ? { type: sample.resourceType, id: sample.resourceId }
          : { type: 'webhook_endpoint', id: endpoint.id },
        // Its own stream: a test never waits behind, or holds up, the endpoint's real events.
        stream: { type: 'webhook_test', id: endpoint.id },
        data: sample?.data ?? { webhookEndpointId: endpoint.id, message: 'A test event from Openline.' },
      })
      const now = this.clock.now()
      const row = deliveryRow(ctx.tenant.id, endpoint, event, streamKeyOf(event), ctx.clock.now(), now)
      await repo.insertDeliveries(tx, ctx.tenant.id, [row])
      return toDeliveryView(row as WebhookDeliveryRow)
    })
  }

  private async endpoint(ex: Executor, tenantId: string, id: string): Promise<WebhookEndpointRow> {
    const row = await repo.findEndpoint(ex, tenantId, id)
    if (!row) throw new NotFoundError('webhook_endpoint', id)
    return row
  }

  private async delivery(ex: Executor, tenantId: string, id: string): Promise<WebhookDeliveryRow> {
    const row = await repo.findDelivery(ex, tenantId, id)
    if (!row) throw new NotFoundError('webhook_delivery', id)
    return row
  }
}

export const toDeliveryView = (row: WebhookDeliveryRow): WebhookDeliveryView => ({
  id: row.id,
  endpointId: row.endpointId,
  eventId: row.eventId,
  eventType: row.eventType,
  resource: { type: row.resourceType, id: row.resourceId },
  status: row.status,
  attempts: row.attempts ?? 0,
  nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
  lastAttemptAt: row.lastAttemptAt ?? null,
  completedAt: row.completedAt ?? null,
  createdAt: row.createdAt,
})

const toAttemptView = (row: WebhookAttemptRow): WebhookAttemptView => ({
  at: row.at,
  durationMs: row.durationMs,
  statusCode: row.statusCode,
  response: row.responseBody,
  error: row.error,
})
