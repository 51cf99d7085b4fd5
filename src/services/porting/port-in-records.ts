import { withoutSecrets } from '../../domain/porting/details.js'
import type { Tenant } from '../../domain/access/tenant.js'
import type { PortInEvent, PortingSummary } from '../../domain/porting/port-in.js'
import { failure, isLive } from '../../domain/porting/port-in.js'
import type { Executor } from '../../persistence/database.js'
import type { PortInPatch, PortInRow } from '../../persistence/repositories/port-in.repository.js'
import * as ports from '../../persistence/repositories/port-in.repository.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { JobQueue } from '../job-queue.service.js'
import type { SubscriptionListener } from '../subscriptions/subscription-lifecycle.js'
import type { SubscriptionPublisher } from '../subscriptions/subscription-publisher.js'
import type { SubscriptionView } from '../subscriptions/subscription-view.js'
import type { TimelineService } from '../timeline.service.js'
import { toPortingSummary, toPortingView } from './port-in-view.js'
import { enqueueCancel } from './porting-jobs.js'

/** The resource type of port-in events. */
export const PORT_IN_TARGET = 'port_in'

/** What every change to a port-in writes: the row, the subscription's timeline and the events. */
export class PortInRecords {
  constructor(
    private readonly events: EventService,
    private readonly timeline: TimelineService,
    private readonly publisher: SubscriptionPublisher,
    private readonly queue: JobQueue,
  ) {}

  /** Saves a change; a port-in that ends keeps no secrets. */
  save(tx: Executor, ctx: RequestContext, row: PortInRow, patch: PortInPatch): Promise<PortInRow> {
    const ended = patch.status === 'COMPLETED' || patch.status === 'FAILED'
    return ports.updatePortIn(tx, ctx.tenant.id, row.id, {
      ...patch,
      ...(ended && { details: withoutSecrets(patch.details ?? row.details) }),
      updatedAt: ctx.clock.now(),
    })
  }

  /** Ends a live port-in as FAILED, with the reason on its timeline and `subscription.portIn.failed` (the caller tells of the subscription). */
  async fail(tx: Executor, ctx: RequestContext, row: PortInRow, reason: string): Promise<PortInRow> {
    const failed = await this.save(tx, ctx, row, failure(reason, ctx.clock.now()))
    await this.note(tx, ctx, failed, 'port_in_failed', { reason })
    await this.publish(tx, ctx, failed, 'failed')
    return failed
  }

  /** A line on the subscription's timeline: where people look for what happened to a line. */
  note(
    tx: Executor,
    ctx: RequestContext,
    row: PortInRow,
    kind: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.timeline.record(tx, ctx, {
      subjectType: 'subscription',
      subjectId: row.subscriptionId,
      kind,
      details: { portInId: row.id, msisdn: row.msisdn, ...details },
    })
  }

  /** `subscription.portIn.<event>` with the Porting as `data`. */
  async publish(tx: Executor, ctx: RequestContext, row: PortInRow, event: PortInEvent | 'created'): Promise<void> {
    await this.events.emit(tx, ctx, {
      type: `subscription.portIn.${event}`,
      resource: { type: PORT_IN_TARGET, id: row.id },
      stream: { type: 'subscription', id: row.subscriptionId },
      data: toPortingView(row, ctx.tenant.timeZone),
    })
  }

  /** The subscription's `porting` (and maybe its number and status) changed: `subscription.updated`, whose view is answered. */
  subscriptionChanged(tx: Executor, ctx: RequestContext, subscription: SubscriptionRow): Promise<SubscriptionView> {
    return this.publisher.publish(tx, ctx, subscription, ['subscription.updated'])
  }

  /** A subscription that ends takes its live port-in with it: FAILED, and withdrawn at the provider. */
  subscriptionListener(): SubscriptionListener {
    return {
      ended: async (tx, ctx, subscription) => {
        const row = await ports.findPortInOfSubscription(tx, ctx.tenant.id, subscription.id, { lock: true })
        if (!row || !isLive(row.status)) return
        await this.fail(tx, ctx, row, 'The subscription was cancelled.')
        if (row.providerReference) await enqueueCancel(this.queue, tx, ctx, row.id, row.providerReference)
      },
    }
  }
}

/** The port-in summaries a page of subscriptions shows, by subscription id. */
export async function portInSummaries(
  ex: Executor,
  tenant: Tenant,
  subscriptionIds: string[],
): Promise<Map<string, PortingSummary>> {
  const rows = await ports.portInsOfSubscriptions(ex, tenant.id, subscriptionIds)
  return new Map(rows.map((row) => [row.subscriptionId, toPortingSummary(row, tenant.timeZone)]))
}
