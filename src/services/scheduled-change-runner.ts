import type { Clock } from '../domain/shared/clock.js'
import { DomainError } from '../domain/shared/errors.js'
import type { Executor } from '../persistence/database.js'
import * as jobs from '../persistence/repositories/job.repository.js'
import * as changes from '../persistence/repositories/scheduled-change.repository.js'
import type { RequestContext } from './context.js'
import { systemContext } from './context.js'
import type { ChangeTarget, ScheduledChange } from './scheduling.service.js'
import { APPLY_SCHEDULED_CHANGES } from './scheduling.service.js'
import type { TenantService } from './tenant.service.js'

/** What one batch did: changes applied, targets it took, and whether it had to go one by one. */
export interface BatchResult {
  applied: number
  targets: number
  oneByOne: boolean
}

/** How long a target whose change threw is left out of batches, and how many are remembered. */
const SET_ASIDE_MS = 10 * 60_000
const SET_ASIDE_MAX = 10_000

/** Fails the batch's one transaction so that it can be redone one target at a time. */
class BatchRefused extends Error {}

/**
 * Applies due scheduled changes through the target of their resource type (subscription, add-on,
 * license). Exactly once: the target is locked, then its due rows are locked and each is moved out
 * of PENDING in the same transaction, so a second worker finds nothing to do. Apart from
 * SchedulingService because the targets themselves schedule changes: the targets come first, then
 * the runner that applies their changes.
 */
export class ScheduledChangeRunner {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly tenants: TenantService,
    private readonly targets: Readonly<Record<string, ChangeTarget>>,
    /** Targets taken in one batch (OPENLINE_WORKER_CHANGE_BATCH_SIZE). */
    readonly batchSize = 100,
  ) {}

  /**
   * Targets whose change threw (not a rule's refusal) when a refused batch was redone one by one,
   * and until when batches leave them out. Such a change stays pending for its own job, which
   * retries it with backoff; without this it would be the earliest due in every later batch of its
   * tenant and refuse each one, so the whole tenant would go one by one for as long as it throws.
   * In memory, per process: at worst another process's batch meets it once more.
   */
  private readonly setAside = new Map<string, number>()

  /**
   * The job: applies every due change of one target, in effective order, in one transaction. Safe to
   * run twice or from several workers at once. Returns how many changes it applied.
   */
  async applyDue(tenantId: string, targetType: string, targetId: string): Promise<number> {
    const handler = this.targets[targetType]
    if (!handler) throw new Error(`No change target for '${targetType}'.`)
    const ctx = await this.contextOf(tenantId)
    return this.db.transaction(async (tx) => {
      if ((await handler.lock(tx, tenantId, targetId)) === undefined) return 0
      const due = await changes.lockDueChanges(tx, { tenantId, targetType, targetId }, ctx.clock.now())
      return this.applyLocked(tx, ctx, due, true)
    })
  }

  /**
   * One batch of a tenant's due changes, across targets, in one transaction: up to `batchSize`
   * targets with due changes that no other worker holds (locked FOR UPDATE SKIP LOCKED, so two
   * workers take disjoint targets), all their due changes locked in one statement per type and
   * applied in effective order, and the waiting jobs of those changes completed in one statement.
   * Without savepoints: a change that fails (its rules or anything else) rolls the batch back, and
   * the batch is redone target by target (applyDue: the failing change is marked FAILED, a target
   * whose change throws something else is left to its own job, which retries it as before).
   */
  async applyDueBatch(tenantId: string): Promise<BatchResult> {
    const ctx = await this.contextOf(tenantId)
    const types = Object.keys(this.targets).filter((type) => this.targets[type]?.lockFree)
    let taken: { targetType: string; targetId: string }[] = []
    try {
      const applied = await this.db.transaction(async (tx) => {
        const now = ctx.clock.now()
        // Four times the batch as candidates: a second worker skips the first worker's and takes the next.
        const candidates = (await changes.dueTargets(tx, tenantId, types, now, this.batchSize * 4)).filter(
          (c) => !this.isSetAside(c.targetType, c.targetId),
        )
        const due: ScheduledChange[] = []
        taken = []
        for (const type of new Set(candidates.map((c) => c.targetType))) {
          const ids = candidates.filter((c) => c.targetType === type).map((c) => c.targetId)
          const target = this.targets[type] as Required<ChangeTarget>
          const locked = await target.lockFree(tx, tenantId, ids, this.batchSize - taken.length)
          taken.push(...locked.map((targetId) => ({ targetType: type, targetId })))
          due.push(...(await changes.lockDueOfTargets(tx, tenantId, type, locked, now)))
          if (taken.length >= this.batchSize) break
        }
        const applied = await this.applyLocked(tx, ctx, due, false)
        await jobs.completeQueued(tx, {
          tenantId,
          kind: APPLY_SCHEDULED_CHANGES,
          dedupeKeys: due.map((c) => `${c.targetType}:${c.targetId}:${c.effectiveAt.toISOString()}`),
          now: this.clock.now(),
        })
        return applied
      })
      return { applied, targets: taken.length, oneByOne: false }
    } catch (error) {
      if (!(error instanceof BatchRefused)) throw error
    }
    let applied = 0
    for (const { targetType, targetId } of taken) {
      try {
        applied += await this.applyDue(tenantId, targetType, targetId)
      } catch {
        // Left pending: the target's own job applies it one by one, and retries it as before.
        this.setAsideFor(targetType, targetId)
      }
    }
    return { applied, targets: taken.length, oneByOne: true }
  }

  private isSetAside(targetType: string, targetId: string): boolean {
    const until = this.setAside.get(`${targetType}:${targetId}`)
    if (until === undefined) return false
    if (until > this.clock.now().getTime()) return true
    this.setAside.delete(`${targetType}:${targetId}`)
    return false
  }

  private setAsideFor(targetType: string, targetId: string): void {
    if (this.setAside.size >= SET_ASIDE_MAX) this.setAside.clear()
    this.setAside.set(`${targetType}:${targetId}`, this.clock.now().getTime() + SET_ASIDE_MS)
  }

  private async contextOf(tenantId: string): Promise<RequestContext> {
    return systemContext(await this.tenants.getById(tenantId), this.clock, 'scheduler')
  }

  /**
   * Applies locked due changes in effective order (by target type's tie order on the same instant).
   * `savepoints`: each change in its own, a DomainError marking it FAILED while the rest apply;
   * without, any error refuses the whole batch (BatchRefused) for the caller to redo one by one.
   */
  private async applyLocked(
    tx: Executor,
    ctx: RequestContext,
    due: ScheduledChange[],
    savepoints: boolean,
  ): Promise<number> {
    const order = (c: ScheduledChange) => this.targets[c.targetType]?.order?.(c.kind) ?? 0
    due.sort(
      (a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime() || order(a) - order(b) || (a.id < b.id ? -1 : 1),
    )
    let applied = 0
    for (const change of due) {
      const handler = this.targets[change.targetType] as ChangeTarget
      // A change may have been superseded by one applied just before it in this loop.
      const [current] = await changes.closeChanges(tx, ctx.tenant.id, [change.id], 'APPLIED', null, this.clock.now())
      if (!current) continue
      const actor = {
        type: 'system' as const,
        id: change.actorId,
        label: change.actorLabel,
        ...(change.actorUser && { user: change.actorUser }),
        scopes: ctx.actor.scopes,
      }
      const actorCtx: RequestContext = { ...ctx, actor, requestId: change.requestId ?? ctx.requestId }
      if (!savepoints) {
        try {
          await handler.apply(tx, actorCtx, current)
        } catch (error) {
          throw new BatchRefused(error instanceof Error ? error.message : String(error), { cause: error })
        }
        applied++
        continue
      }
      try {
        await tx.transaction((savepoint) => handler.apply(savepoint, actorCtx, current))
        applied++
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        await changes.reopenAsFailed(tx, ctx.tenant.id, change.id, error.message, this.clock.now())
      }
    }
    return applied
  }
}
