import type { Offering } from '../domain/catalog/offering.js'
import { changeDirection } from '../domain/catalog/offering.js'
import type { Executor } from '../persistence/database.js'
import type { TimelineEntryRow } from '../persistence/repositories/timeline.repository.js'
import type { TargetTable } from '../persistence/repositories/scheduled-change.repository.js'
import { lockFreeRows } from '../persistence/repositories/scheduled-change.repository.js'
import type { CatalogService } from './catalog.service.js'
import type { RequestContext } from './context.js'
import type { ChangeTarget, ScheduledChange, SchedulingService } from './scheduling.service.js'
import type { TimelineActor, TimelineService } from './timeline.service.js'
import type { EventType } from '../domain/webhooks/event-types.js'

/** Who asked and why: recorded on the timeline of the change, whenever it applies. */
export interface ChangeMeta {
  reason?: string | null
  scheduledChangeId?: string
  /** Absent: the request's own actor. A scheduled change applied later carries whoever asked for it. */
  actor?: TimelineActor
  details?: Record<string, unknown>
}

/** A due change's meta: who asked for it (with the end user behind them), why, and its payload. */
export function scheduledMeta(change: ScheduledChange): ChangeMeta {
  return {
    reason: change.reason,
    scheduledChangeId: change.id,
    actor: {
      type: change.actorType,
      id: change.actorId,
      label: change.actorLabel,
      ...(change.actorUser && { user: change.actorUser }),
    },
    details: change.payload,
  }
}

type OfferingPatch = { productOfferingId: string; updatedAt: Date }

/** What applying one change did: the row as it now is, and the event types that tell integrators. */
export type Applied<Row> = readonly [row: Row, events: readonly EventType[]]

export type ChangeHandler<Row> = (
  tx: Executor,
  ctx: RequestContext,
  row: Row,
  change: ScheduledChange,
  meta: ChangeMeta,
) => Promise<Applied<Row>>

/**
 * The frame the subscription, add-on and license lifecycles share: the scheduler's entry (lock the
 * row, run the change's handler as of its own instant, publish what it did) and the timeline entry
 * of every change, with who asked and why, whether it happens now (a request) or later (the
 * scheduler). Each lifecycle supplies its handlers by change kind, its tie order and its events.
 */
export abstract class Lifecycle<Row extends { id: string; productOfferingId: string }> implements ChangeTarget {
  protected abstract readonly targetType: string
  protected abstract readonly handlers: Readonly<Record<string, ChangeHandler<Row>>>
  /** What an offering change of this row is called on the timeline ("replaced by a plan change …"). */
  protected readonly changeName: string = 'an offering change'

  constructor(
    protected readonly catalog: CatalogService,
    protected readonly scheduling: SchedulingService,
    protected readonly timeline: TimelineService,
  ) {}

  /** Puts the row on offering `toId` as of `at`: the lifecycle's own rules for what else follows. */
  abstract applyOfferingChange(
    tx: Executor,
    ctx: RequestContext,
    row: Row,
    toId: string,
    at: Date,
    meta?: ChangeMeta,
  ): Promise<Row>

  /**
   * An offering change a client asks for, due at `at`: applied now when that has come (replacing a
   * pending change, e.g. a downgrade waiting for the renewal), else scheduled for `at`, either way
   * recorded with `from`, `to`, the direction and the client's reason and metadata. Answers the
   * row as it now is (unchanged while the change waits).
   */
  async changeOfferingAt(
    tx: Executor,
    ctx: RequestContext,
    row: Row,
    change: { from: Offering; to: Offering; at: Date; reason?: string; metadata?: Record<string, unknown> },
  ): Promise<Row> {
    const { from, to, at } = change
    const now = ctx.clock.now()
    const target = { targetType: this.targetType, targetId: row.id }
    const details = {
      from: from.id,
      to: to.id,
      direction: changeDirection(from, to),
      ...(change.metadata && { metadata: change.metadata }),
    }
    if (at <= now) {
      await this.scheduling.supersedeKinds(
        tx,
        ctx,
        target,
        ['change_product_offering'],
        `replaced by ${this.changeName} applied at once`,
      )
      return this.applyOfferingChange(tx, ctx, row, to.id, now, { reason: change.reason ?? null, details })
    }
    await this.scheduling.schedule(tx, ctx, {
      ...target,
      kind: 'change_product_offering',
      effectiveAt: at,
      reason: change.reason ?? null,
      payload: { productOfferingId: to.id, ...details },
    })
    return row
  }

  abstract lock(tx: Executor, tenantId: string, id: string): Promise<Row | undefined>

  /** The table of the rows, for the worker's batches (lockFree). */
  protected abstract readonly table: TargetTable

  lockFree(tx: Executor, tenantId: string, ids: string[], limit: number): Promise<string[]> {
    return lockFreeRows(tx, this.table, tenantId, ids, limit)
  }

  /** Same-instant ties: lower applies first. */
  abstract order(kind: string): number

  /** Saves a change to the row. */
  protected abstract update(tx: Executor, tenantId: string, id: string, patch: OfferingPatch): Promise<Row>

  /** Whose timeline a change of the row goes on, and what every entry of it says (default: the row's own, nothing). */
  protected subjectOf(row: Row): { type: string; id: string; details?: Record<string, unknown> } {
    return { type: this.targetType, id: row.id }
  }

  /** Writes the events of an applied change, occurring at the change's instant. */
  protected abstract publishApplied(
    tx: Executor,
    ctx: RequestContext,
    row: Row,
    events: readonly EventType[],
    at: Date,
  ): Promise<unknown>

  async apply(tx: Executor, ctx: RequestContext, change: ScheduledChange): Promise<void> {
    const handler = this.handlers[change.kind]
    if (!handler) throw new Error(`Unknown ${this.targetType} change '${change.kind}'.`)
    // The engine locked it a moment ago in this transaction; it cannot have gone.
    const row = (await this.lock(tx, ctx.tenant.id, change.targetId)) as Row
    const [updated, events] = await handler(tx, ctx, row, change, scheduledMeta(change))
    await this.publishApplied(tx, ctx, updated, events, change.effectiveAt)
  }

  /**
   * Puts the row on another offering, effective at `at`, with the change on its timeline (`from`,
   * `to` and the direction); answers both offerings for what the lifecycle does next.
   */
  protected async changeOfferingOf(
    tx: Executor,
    ctx: RequestContext,
    row: Row,
    toId: string,
    at: Date,
    meta: ChangeMeta,
    kind: string,
  ): Promise<{ updated: Row; from: Offering; to: Offering }> {
    const offerings = await this.catalog.offeringsById(tx, ctx.tenant.id, [row.productOfferingId, toId])
    const from = offerings.get(row.productOfferingId) as Offering
    const to = offerings.get(toId) as Offering
    const updated = await this.update(tx, ctx.tenant.id, row.id, {
      productOfferingId: to.id,
      updatedAt: ctx.clock.now(),
    })
    await this.record(tx, ctx, row, kind, at, meta, { from: from.id, to: to.id, direction: changeDirection(from, to) })
    return { updated, from, to }
  }

  /**
   * One change on the row's timeline, effective at `at`; the meta's details add to the change's own.
   * With `deferred`, the entry is added to it instead of written, for the caller to write with its
   * events (`EventService.emitWithTimeline`).
   */
  protected async record(
    tx: Executor,
    ctx: RequestContext,
    row: Row,
    kind: string,
    at: Date,
    meta: ChangeMeta,
    details: Record<string, unknown>,
    deferred?: TimelineEntryRow[],
  ): Promise<void> {
    const subject = this.subjectOf(row)
    const input = {
      subjectType: subject.type,
      subjectId: subject.id,
      kind,
      effectiveAt: at,
      reason: meta.reason ?? null,
      details: { ...subject.details, ...details, ...(meta.details ?? {}) },
      ...(meta.scheduledChangeId && { scheduledChangeId: meta.scheduledChangeId }),
      ...(meta.actor && { actor: meta.actor }),
    }
    if (deferred) deferred.push(...this.timeline.entries(ctx, input))
    else await this.timeline.record(tx, ctx, input)
  }
}
