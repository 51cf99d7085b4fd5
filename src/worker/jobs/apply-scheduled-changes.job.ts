import type { ScheduledChangeRunner } from '../../services/scheduled-change-runner.js'
import type { JobHandler } from '../runner.js'

export { APPLY_SCHEDULED_CHANGES } from '../../services/scheduling.service.js'

/** Applies every due change of the job's target (safe to run twice; see ScheduledChangeRunner.applyDue). */
export const applyScheduledChanges =
  (runner: ScheduledChangeRunner): JobHandler =>
  async (job, log) => {
    const { targetType, targetId } = job.payload as { targetType: string; targetId: string }
    const applied = await runner.applyDue(job.tenantId, targetType, targetId)
    if (applied > 0) log.debug({ targetType, targetId, applied }, 'applied scheduled changes')
  }
