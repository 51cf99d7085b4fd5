import type { Executor } from '../../persistence/database.js'
import { isUuid, REFERENCE_PREFIX } from '../../domain/shared/ids.js'
import * as subscriptions from '../../persistence/repositories/subscription.repository.js'
import type { SubscriptionLookup } from '../subscriber.service.js'

/** What the parties area asks of subscriptions (a subscriber's subscription ids), without reading their table itself. */
export const subscriptionLookup: SubscriptionLookup = {
  async subscriptionIdsBySubscriber(ex, tenantId, subscriberIds) {
    const map = new Map<string, string[]>()
    for (const row of await subscriptions.idsBySubscriber(ex, tenantId, subscriberIds))
      map.set(row.subscriberId, [...(map.get(row.subscriberId) ?? []), row.id])
    return map
  },
  subscriberIdsBySubscriptions(ex, tenantId, subscriptionIds) {
    const ids = subscriptionIds.filter(isUuid).map((id) => id.toLowerCase())
    const references = subscriptionIds
      .filter((id) => id.startsWith(REFERENCE_PREFIX))
      .map((id) => id.slice(REFERENCE_PREFIX.length))
    return subscriptions.subscriberIdsOf(ex, tenantId, { ids, references })
  },
}

/** Whether a subscription of the tenant that has not ended uses this number. */
export async function numberInUse(ex: Executor, tenantId: string, msisdn: string): Promise<boolean> {
  const live = await subscriptions.listSubscriptions(
    ex,
    tenantId,
    { msisdns: [msisdn], statuses: ['PENDING', 'ACTIVATED', 'BLOCKED', 'PAUSED'] },
    { limit: 1 },
  )
  return live.length > 0
}

/** What licenses show of the subscription they are assigned to: its `display`, by subscription id. */
export function subscriptionDisplays(
  ex: Executor,
  tenantId: string,
  ids: string[],
): Promise<Map<string, string | null>> {
  return subscriptions.displaysOf(ex, tenantId, ids)
}
