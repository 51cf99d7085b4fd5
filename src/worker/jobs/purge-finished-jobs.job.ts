import type { Clock } from '../../domain/shared/clock.js'
import type { Executor } from '../../persistence/database.js'
import { deleteFinishedBefore } from '../../persistence/repositories/job.repository.js'
import type { JobHandler } from '../runner.js'

export const PURGE_FINISHED_JOBS = 'jobs.purge'
const KEEP_SUCCEEDED_MS = 7 * 24 * 60 * 60 * 1000

/** Succeeded jobs are kept a week for inspection, then deleted; failed ones stay until retried. */
export const purgeFinishedJobs =
  (db: Executor, clock: Clock): JobHandler =>
  async (_job, log) => {
    const deleted = await deleteFinishedBefore(db, new Date(clock.now().getTime() - KEEP_SUCCEEDED_MS))
    if (deleted > 0) log.info({ deleted }, 'purged finished jobs')
  }
