import type { Clock } from '../../domain/shared/clock.js'
import type { Executor } from '../../persistence/database.js'
import { deleteFinishedDeliveries, deleteOldEvents } from '../../persistence/repositories/webhook.repository.js'
import type { JobHandler } from '../runner.js'

export const PURGE_WEBHOOK_DELIVERIES = 'webhooks.purge'

/**
 * Succeeded and failed deliveries, with their attempts, are kept `retentionDays`
 * (OPENLINE_WEBHOOK_RETENTION_DAYS, default 30) after they finished, then deleted. Pending and
 * paused ones stay: they have not been delivered yet. Events are kept as long, then deleted too,
 * unless a delivery still holds them (GET /events and replays reach back that far).
 */
export const purgeWebhookDeliveries =
  (db: Executor, clock: Clock, retentionDays: number): JobHandler =>
  async (_job, log) => {
    const before = new Date(clock.now().getTime() - retentionDays * 86_400_000)
    const deleted = await deleteFinishedDeliveries(db, before)
    if (deleted > 0) log.info({ deleted }, 'purged finished webhook deliveries')
    const events = await deleteOldEvents(db, before)
    if (events > 0) log.info({ events }, 'purged events past their retention')
  }
