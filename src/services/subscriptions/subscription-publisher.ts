import type { Executor } from '../../persistence/database.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { RequestContext } from '../context.js'
import type { EmitInput, EventService } from '../event.service.js'
import { SUBSCRIPTION_TARGET } from './subscription-kinds.js'
import type { LoadedForView, SubscriptionView, SubscriptionViews } from './subscription-view.js'
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

  /**
   * The view is what the request answers; `occurredAt` is the change's instant (default: now);
   * `loaded` is what the caller read of the subscription in this transaction and still holds.
   */
  async publish(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    types: readonly EventType[],
    occurredAt?: Date,
    loaded: LoadedForView = {},
  ): Promise<SubscriptionView> {
    const { view, events } = await this.render(tx, ctx, row, types, occurredAt, loaded)
    await this.events.emit(tx, ctx, ...events)
    return view
  }

  /** The view and the events `publish` writes, for a caller that writes them in a batch with its own. */
  async render(
    tx: Executor,
    ctx: RequestContext,
    row: SubscriptionRow,
    types: readonly EventType[],
    occurredAt?: Date,
    loaded: LoadedForView = {},
  ): Promise<{ view: SubscriptionView; events: EmitInput[] }> {
    const view = await this.views.one(tx, ctx.tenant, row, ctx.clock.now(), loaded)
    const events = types.map((type) => ({
      type,
      resource: { type: SUBSCRIPTION_TARGET, id: row.id },
      data: view,
      ...(occurredAt && { occurredAt }),
    }))
    return { view, events }
  }
}
