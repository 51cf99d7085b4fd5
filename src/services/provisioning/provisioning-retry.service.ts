import type { Provisioning } from '../../domain/addons/addon.js'
import { checkTransition } from '../../domain/addons/status.js'
import { ConflictError, NotFoundError } from '../../domain/shared/errors.js'
import { enforce } from '../../domain/shared/refusal.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { formatEntityRef } from '../../domain/shared/ids.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { AddonView, AddonViews } from '../addons/addon-view.js'
import type { RequestContext } from '../context.js'
import type { JobQueue } from '../job-queue.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { TimelineService } from '../timeline.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import { enqueueProvisioning } from './addon-provisioner.js'

/**
 * An operator's retry of a FAILED provisioning (after fixing what made it fail: the offering's
 * metadata, the provider's side, the tenant's settings): the operation starts over, from attempt 1.
 */
export class ProvisioningRetryService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly subscriptions: SubscriptionService,
    private readonly queue: JobQueue,
    private readonly timeline: TimelineService,
    private readonly views: AddonViews,
  ) {}

  async retry(ctx: RequestContext, subscriptionRef: EntityRef, addonRef: EntityRef): Promise<AddonView> {
    return this.uow.write(ctx, async (tx) => {
      const subscription = await this.subscriptions.require(tx, ctx, subscriptionRef)
      const found = await addons.findAddon(tx, ctx.tenant.id, subscription.id, addonRef)
      if (!found) throw new NotFoundError('subscription_addon', formatEntityRef(addonRef))
      const row = (await addons.lockAddonById(tx, ctx.tenant.id, found.id)) ?? found
      const p = row.provisioning
      if (p?.state !== 'FAILED') {
        throw new ConflictError(
          'addon.provisioning_not_failed',
          `Only a FAILED provisioning can be retried; this add-on's is ${p ? `${p.operation} ${p.state}` : 'not provisioned (the tenant has no provider)'}.`,
          {
            provisioning: p ? { state: p.state, operation: p.operation } : null,
          },
        )
      }
      if (p.operation === 'PROVISION') enforce(checkTransition(row.status, 'provision'))
      const now = ctx.clock.now()
      const provisioning: Provisioning = {
        ...p,
        state: 'PENDING',
        attempts: 0,
        lastError: null,
        updatedAt: now.toISOString(),
      }
      const updated = await addons.updateAddon(tx, ctx.tenant.id, row.id, { provisioning, updatedAt: now })
      await enqueueProvisioning(this.queue, tx, ctx, row.id, p.operation)
      await this.timeline.record(tx, ctx, {
        subjectType: 'subscription',
        subjectId: row.subscriptionId,
        kind: 'addon_provisioning_retried',
        details: {
          subscriptionAddonId: row.id,
          operation: p.operation,
          previousError: p.lastError,
          previousAttempts: p.attempts,
        },
      })
      return this.views.one(tx, ctx.tenant, updated)
    })
  }
}
