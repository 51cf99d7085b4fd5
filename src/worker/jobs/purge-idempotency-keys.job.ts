import type { IdempotencyService } from '../../services/idempotency.service.js'
import type { JobHandler } from '../runner.js'

export const PURGE_IDEMPOTENCY_KEYS = 'idempotency.purge'

/** Drops the stored responses of keys past their 24 hours (and, a week later, their tombstones). */
export const purgeIdempotencyKeys =
  (idempotency: IdempotencyService): JobHandler =>
  async (_job, log) => {
    const result = await idempotency.purgeExpired()
    if (result.expired + result.deleted > 0) log.info(result, 'purged idempotency keys')
  }
