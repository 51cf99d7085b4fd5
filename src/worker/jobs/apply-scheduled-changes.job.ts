import type { SchedulingService } from '../../services/scheduling.service.js'
import type { JobHandler } from '../runner.js'

export { APPLY_SCHEDULED_CHANGES } from '../../services/scheduling.service.js'

/** Applies every due change of the job's target (safe to run twice; see SchedulingService.applyDue). */
export const applyScheduledChanges =
  (scheduling: SchedulingService): JobHandler =>
  async (job, log) => {
    const { targetType, targetId } = job.payload as { targetType: string; targetId: string }
    const applied = await scheduling.applyDue(job.tenantId, targetType, targetId)
    if (applied > 0) log.debug({ targetType, targetId, applied }, 'applied scheduled changes')
  }
