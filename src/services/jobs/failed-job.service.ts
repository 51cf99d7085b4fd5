import type { Clock } from '../../domain/shared/clock.js'
import { ConflictError, NotFoundError } from '../../domain/shared/errors.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { mapPage, readPage } from '../../domain/shared/paging.js'
import type { Executor } from '../../persistence/database.js'
import type { JobRow } from '../../persistence/repositories/job.repository.js'
import * as jobs from '../../persistence/repositories/job.repository.js'
import type { JobState } from '../../persistence/schema/index.js'
import type { RequestContext } from '../context.js'
import type { UnitOfWork } from '../unit-of-work.js'

export interface FailedJobView {
  id: string
  kind: string
  state: JobState
  /** What the job works on, from its payload's ids (`portInId 0193…`), else its dedupe key; null when neither. */
  subject: string | null
  attempts: number
  maxAttempts: number
  /** The error of its last attempt (cut at 2,000 characters when it was written). */
  lastError: string | null
  /** When it last changed: for a failed job, when its last attempt failed and it was given up on. */
  failedAt: Date
  createdAt: Date
}

/**
 * The tenant's background jobs that failed for good (every attempt used), and an operator's retry:
 * the job queued again, due now, with its attempts counted from nought.
 */
export class FailedJobService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async listFailed(tenantId: string, page: PageRequest): Promise<Page<FailedJobView>> {
    const result = await readPage(
      page,
      (window) => jobs.listFailedJobs(this.db, tenantId, window),
      (row) => row.id,
      () => jobs.countFailedJobs(this.db, tenantId),
    )
    return mapPage(result, toView)
  }

  /** One of the tenant's jobs, whatever its state, or 404 (none, or another tenant's). */
  async get(tenantId: string, id: string): Promise<FailedJobView> {
    const row = await jobs.findJob(this.db, tenantId, id)
    if (!row) throw new NotFoundError('job', id)
    return toView(row)
  }

  /**
   * Queues a failed job again, due now. Refused (409) when it is no longer failed, or when another
   * job with its dedupe key is queued or running (that one does the work).
   */
  retry(ctx: RequestContext, id: string): Promise<FailedJobView> {
    return this.uow.write(ctx, async (tx) => {
      const current = await jobs.findJob(tx, ctx.tenant.id, id)
      if (!current) throw new NotFoundError('job', id)
      if (current.state !== 'failed')
        throw new ConflictError('job.not_failed', `The job is ${current.state}; only a failed job can be retried.`, {
          state: current.state,
        })
      const live = current.dedupeKey ? await jobs.findLiveJobByDedupeKey(tx, ctx.tenant.id, current.dedupeKey) : null
      if (live)
        throw new ConflictError(
          'job.already_queued',
          `Another ${live.kind} job with the same key is ${live.state}; it does this work.`,
          { jobId: live.id, state: live.state },
        )
      const row = await jobs.requeue(tx, ctx.tenant.id, id, this.clock.now())
      if (!row)
        throw new ConflictError('job.not_failed', 'The job is no longer failed; only a failed job can be retried.')
      return toView(row)
    })
  }
}

/** The ids a payload names (`…Id` fields), as `name value` pairs: what the job is about. */
function subjectOf(row: JobRow): string | null {
  const ids = Object.entries(row.payload)
    .filter(([name, value]) => name.endsWith('Id') && typeof value === 'string')
    .map(([name, value]) => `${name} ${value as string}`)
  if (ids.length > 0) return ids.join(', ')
  return row.dedupeKey
}

const toView = (row: JobRow): FailedJobView => ({
  id: row.id,
  kind: row.kind,
  state: row.state,
  subject: subjectOf(row),
  attempts: row.attempts,
  maxAttempts: row.maxAttempts,
  lastError: row.lastError,
  failedAt: row.updatedAt,
  createdAt: row.createdAt,
})
