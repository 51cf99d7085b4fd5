import type { Clock } from '../domain/shared/clock.js'
import { DomainError } from '../domain/shared/errors.js'
import type { Executor } from '../persistence/database.js'
import * as changes from '../persistence/repositories/scheduled-change.repository.js'
import type { RequestContext } from './context.js'
import { systemContext } from './context.js'
import type { ChangeTarget } from './scheduling.service.js'
import type { TenantService } from './tenant.service.js'

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
  ) {}

  /**
   * The job: applies every due change of one target, in effective order, in one transaction. Safe to
   * run twice or from several workers at once. Returns how many changes it applied.
   */
  async applyDue(tenantId: string, targetType: string, targetId: string): Promise<number> {
    const handler = this.targets[targetType]
    if (!handler) throw new Error(`No change target for '${targetType}'.`)
    const tenant = await this.tenants.getById(tenantId)
    const ctx = systemContext(tenant, this.clock, 'scheduler')
    return this.db.transaction(async (tx) => {
      if ((await handler.lock(tx, tenantId, targetId)) === undefined) return 0
      const due = await changes.lockDueChanges(tx, { tenantId, targetType, targetId }, ctx.clock.now())
      const order = handler.order ?? (() => 0)
      due.sort(
        (a, b) =>
          a.effectiveAt.getTime() - b.effectiveAt.getTime() || order(a.kind) - order(b.kind) || (a.id < b.id ? -1 : 1),
      )
      let applied = 0
      for (const change of due) {
        // A change may have been superseded by one applied just before it in this loop.
        const [current] = await changes.closeChanges(tx, tenantId, [change.id], 'APPLIED', null, this.clock.now())
        if (!current) continue
        const actor = {
          type: 'system' as const,
          id: change.actorId,
          label: change.actorLabel,
          ...(change.actorUser && { user: change.actorUser }),
          scopes: ctx.actor.scopes,
        }
        const actorCtx: RequestContext = { ...ctx, actor, requestId: change.requestId ?? ctx.requestId }
        try {
          await tx.transaction((savepoint) => handler.apply(savepoint, actorCtx, current))
          applied++
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
          await changes.reopenAsFailed(tx, tenantId, change.id, error.message, this.clock.now())
        }
      }
      return applied
    })
  }
}
