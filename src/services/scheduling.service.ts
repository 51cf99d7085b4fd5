import type { Clock } from '../domain/shared/clock.js'
import { newId } from '../domain/shared/ids.js'
import type { Executor } from '../persistence/database.js'
import type { ScheduledChangeRow, Target } from '../persistence/repositories/scheduled-change.repository.js'
import * as changes from '../persistence/repositories/scheduled-change.repository.js'
import type { RequestContext } from './context.js'
import type { JobQueue } from './job-queue.service.js'

export const APPLY_SCHEDULED_CHANGES = 'scheduled-change.apply'

export type ScheduledChange = ScheduledChangeRow

type Ctx = Pick<RequestContext, 'tenant' | 'actor' | 'requestId' | 'clock'>

/** How one kind of resource takes its scheduled changes. Each area registers one. */
export interface ChangeTarget {
  /** Locks the resource for the transaction (FOR UPDATE); undefined when it is gone. */
  lock(tx: Executor, tenantId: string, id: string): Promise<unknown>
  /**
   * Applies one due change to the locked resource as of `change.effectiveAt` (not the worker's
   * now, which may be later). A DomainError means it can no longer apply: the change is marked
   * FAILED with that message, and the rest still apply.
   */
  apply(tx: Executor, ctx: RequestContext, change: ScheduledChange): Promise<void>
  /** Same-instant ties: lower applies first (a plan change before the cancel at the same instant). */
  order?(kind: string): number
  /**
   * Locks those of these resources no other transaction holds (FOR UPDATE SKIP LOCKED), at most
   * `limit`, and answers their ids. A target that has it takes part in the worker's batches
   * (ScheduledChangeRunner.applyDueBatch); one without is applied one job at a time.
   */
  lockFree?(tx: Executor, tenantId: string, ids: string[], limit: number): Promise<string[]>
}

export interface ScheduleInput {
  targetType: string
  targetId: string
  kind: string
  effectiveAt: Date
  payload?: Record<string, unknown>
  reason?: string | null
}

/**
 * The one scheduling engine. A future-dated change is a `scheduled_change` row plus a job due at
 * its instant; the resource shows it as a pending* field. Rules (docs/compatibility.md):
 * - a new pending change of the same kind replaces the old one (SUPERSEDED);
 * - a scheduled cancel supersedes pending changes after its instant (the area calls `supersedeAfter`);
 * - a pending change can be withdrawn (WITHDRAWN);
 * - due changes apply in effective order, exactly once (ScheduledChangeRunner).
 */
export class SchedulingService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
  ) {}

  /** Schedules a change inside the caller's transaction. Returns it and the change it replaced, if any. */
  async schedule(
    tx: Executor,
    ctx: Ctx,
    input: ScheduleInput,
  ): Promise<{ change: ScheduledChange; replaced: ScheduledChange | undefined }> {
    // When it was asked for, on the tenant's clock (the timeline shows it as `recordedAt`).
    const now = ctx.clock.now()
    const target = { tenantId: ctx.tenant.id, targetType: input.targetType, targetId: input.targetId }
    const [previous] = await changes.pendingOfKinds(tx, target, [input.kind])
    const [replaced] = previous
      ? await changes.closeChanges(
          tx,
          ctx.tenant.id,
          [previous.id],
          'SUPERSEDED',
          'replaced by a newer change of the same kind',
          now,
        )
      : []
    const change: ScheduledChange = {
      ...target,
      id: newId(),
      kind: input.kind,
      payload: input.payload ?? {},
      effectiveAt: input.effectiveAt,
      status: 'PENDING',
      reason: input.reason ?? null,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      actorLabel: ctx.actor.label,
      actorUser: ctx.actor.user ?? null,
      requestId: ctx.requestId,
      outcome: null,
      createdAt: now,
      updatedAt: now,
    }
    await changes.insertChange(tx, change)
    await this.queue.enqueue(tx, {
      tenantId: ctx.tenant.id,
      kind: APPLY_SCHEDULED_CHANGES,
      payload: { targetType: input.targetType, targetId: input.targetId },
      runAt: input.effectiveAt,
      dedupeKey: `${input.targetType}:${input.targetId}:${input.effectiveAt.toISOString()}`,
    })
    return { change, replaced }
  }

  /** Pending changes of several targets of one type (for rendering pending* fields), in effective order. */
  pending(ex: Executor, tenantId: string, targetType: string, targetIds: string[]): Promise<ScheduledChange[]> {
    return changes.pendingOfTargets(ex, tenantId, targetType, targetIds)
  }

  /** Withdraws the pending changes of these kinds; returns what was withdrawn (empty: nothing pending). */
  async withdraw(
    tx: Executor,
    ctx: Ctx,
    target: Omit<Target, 'tenantId'>,
    kinds: string[],
  ): Promise<ScheduledChange[]> {
    const pending = await changes.pendingOfKinds(tx, { tenantId: ctx.tenant.id, ...target }, kinds)
    return changes.closeChanges(
      tx,
      ctx.tenant.id,
      pending.map((c) => c.id),
      'WITHDRAWN',
      `withdrawn by ${ctx.actor.label}`,
      this.clock.now(),
    )
  }

  /** Supersedes every pending change after `instant` (a cancel at that instant ends the resource first). */
  async supersedeAfter(
    tx: Executor,
    ctx: Ctx,
    target: Omit<Target, 'tenantId'>,
    instant: Date,
    outcome: string,
    exceptKinds: string[] = [],
  ): Promise<ScheduledChange[]> {
    const later = (await changes.pendingAfter(tx, { tenantId: ctx.tenant.id, ...target }, instant)).filter(
      (c) => !exceptKinds.includes(c.kind),
    )
    return changes.closeChanges(
      tx,
      ctx.tenant.id,
      later.map((c) => c.id),
      'SUPERSEDED',
      outcome,
      this.clock.now(),
    )
  }

  /** Supersedes the pending changes of these kinds, whatever their instant. */
  async supersedeKinds(
    tx: Executor,
    ctx: Ctx,
    target: Omit<Target, 'tenantId'>,
    kinds: string[],
    outcome: string,
  ): Promise<ScheduledChange[]> {
    const pending = await changes.pendingOfKinds(tx, { tenantId: ctx.tenant.id, ...target }, kinds)
    return changes.closeChanges(
      tx,
      ctx.tenant.id,
      pending.map((c) => c.id),
      'SUPERSEDED',
      outcome,
      this.clock.now(),
    )
  }

  history(ex: Executor, target: Target): Promise<ScheduledChange[]> {
    return changes.changesOfTarget(ex, target)
  }
}
