import type { ScheduledChangeRunner } from '../../services/scheduled-change-runner.js'
import type { JobHandler } from '../runner.js'

export { APPLY_SCHEDULED_CHANGES } from '../../services/scheduling.service.js'

/** At most this many batches per job run, so that one job does not hold its lease for long. */
const BATCHES_PER_JOB = 10

/**
 * Applies the tenant's due changes in batches (ScheduledChangeRunner.applyDueBatch: each batch also
 * completes the waiting jobs of what it applied), then whatever of the job's own target is still
 * due, one by one as before (a target that cannot take part in batches, or one a failing batch
 * left). Safe to run twice.
 */
export const applyScheduledChanges =
  (runner: ScheduledChangeRunner): JobHandler =>
  async (job, log) => {
    const { targetType, targetId } = job.payload as { targetType: string; targetId: string }
    let batched = 0
    for (let n = 0; n < BATCHES_PER_JOB; n++) {
      const batch = await runner.applyDueBatch(job.tenantId)
      batched += batch.applied
      if (batch.oneByOne) log.info({ targets: batch.targets }, 'a change failed in a batch; the batch went one by one')
      if (batch.oneByOne || batch.targets < runner.batchSize) break
    }
    const applied = await runner.applyDue(job.tenantId, targetType, targetId)
    if (applied + batched > 0) log.debug({ targetType, targetId, applied, batched }, 'applied scheduled changes')
  }
