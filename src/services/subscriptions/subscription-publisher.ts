import type { Executor } from '../../persistence/database.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import { SUBSCRIPTION_TARGET } from './subscription-kinds.js'
import type { SubscriptionView, SubscriptionViews } from './subscription-view.js'
import type { EventType } from '../../domain/webhooks/event-types.js'

/**
 * Renders a subscription as it now is and writes its events. Apart from the lifecycle, so the
 * areas that follow a subscription (add-ons, port-ins) can tell integrators it changed without
 * depending on what follows them.
 */
export class SubscriptionPublisher {
  constructor(
    private readonly views: SubscriptionViews,
    private readonly events: EventService,
  ) {}

  /** The view is what the request answers; `occurredAt` is the change's instant (default: now). */
  async publish(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    types: readonly EventType[],
    occurredAt?: Date,
  ): Promise<SubscriptionView> {
    const view = await this.views.one(tx, ctx.tenant, row, ctx.clock.now())
    await this.events.emit(
      tx,
      ctx,
      ...types.map((type) => ({
        type,
        resource: { type: SUBSCRIPTION_TARGET, id: row.id },
        data: view,
        ...(occurredAt && { occurredAt }),
      })),
    )
    return view
  }
}
