import type { Clock } from '../domain/shared/clock.js'
import { newId } from '../domain/shared/ids.js'
import type { Executor } from '../persistence/database.js'
import type { JobRow } from '../persistence/repositories/job.repository.js'
import * as jobs from '../persistence/repositories/job.repository.js'
import { SYSTEM_TENANT_ID } from '../persistence/schema/index.js'

export interface EnqueueInput {
  /** The tenant the job works for; omit for system jobs. */
  tenantId?: string
  kind: string
  payload?: Record<string, unknown>
  /** When it becomes due, on the tenant's clock. Default: now. */
  runAt?: Date
  /** While a job with this key is queued or running, enqueueing it again does nothing. */
  dedupeKey?: string
  maxAttempts?: number
}

export const DEFAULT_MAX_ATTEMPTS = 10

/** Puts work on the job table, inside the caller's transaction so it commits with the change that asked for it. */
export class JobQueue {
  constructor(private readonly clock: Clock) {}

  async enqueue(tx: Executor, input: EnqueueInput): Promise<boolean> {
    const now = this.clock.now()
    return jobs.insertJob(tx, {
      tenantId: input.tenantId ?? SYSTEM_TENANT_ID,
      id: newId(),
      kind: input.kind,
      payload: input.payload ?? {},
      dedupeKey: input.dedupeKey ?? null,
      state: 'queued',
      runAt: input.runAt ?? now,
      attempts: 0,
      maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    })
  }

  find(ex: Executor, tenantId: string, id: string): Promise<JobRow | undefined> {
    return jobs.findJob(ex, tenantId, id)
  }
}
