import type { NumberPoolService } from '../../services/inventory/number-pool.service.js'
import type { JobHandler } from '../runner.js'

export { END_QUARANTINE, EXPIRE_LEASE } from '../../services/inventory/number-pool.service.js'

/** A number lease ran out: its unused numbers are AVAILABLE again (safe to run twice). */
export const expireLease =
  (pool: NumberPoolService): JobHandler =>
  async (job, log) => {
    const { leaseId } = job.payload as { leaseId: string }
    const released = await pool.expireLease(job.tenantId, leaseId)
    if (released > 0) log.debug({ leaseId, released }, 'released expired lease')
  }

/** A quarantined number's rest is over: AVAILABLE again (safe to run twice). */
export const endQuarantine =
  (pool: NumberPoolService): JobHandler =>
  async (job) => {
    await pool.endQuarantine(job.tenantId, (job.payload as { msisdn: string }).msisdn)
  }
