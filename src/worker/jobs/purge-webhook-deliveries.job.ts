import type { Clock } from '../../domain/shared/clock.js'
import type { Executor } from '../../persistence/database.js'
import { deleteFinishedDeliveries } from '../../persistence/repositories/webhook.repository.js'
import type { JobHandler } from '../runner.js'

export const PURGE_WEBHOOK_DELIVERIES = 'webhooks.purge'

/**
 * Succeeded and failed deliveries, with their attempts, are kept `retentionDays`
 * (OPENLINE_WEBHOOK_RETENTION_DAYS, default 30) after they finished, then deleted. Pending and
 * paused ones stay: they have not been delivered yet. The events themselves stay in the outbox.
 */
export const purgeWebhookDeliveries =
  (db: Executor, clock: Clock, retentionDays: number): JobHandler =>
  async (_job, log) => {
    const deleted = await deleteFinishedDeliveries(db, new Date(clock.now().getTime() - retentionDays * 86_400_000))
    if (deleted > 0) log.info({ deleted }, 'purged finished webhook deliveries')
  }
