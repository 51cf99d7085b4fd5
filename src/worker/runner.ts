import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../domain/shared/clock.js'
import type { Executor } from '../persistence/database.js'
import type { JobRow } from '../persistence/repositories/job.repository.js'
import * as jobs from '../persistence/repositories/job.repository.js'
import type { JobQueue } from '../services/job-queue.service.js'

export type Logger = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>

/** A job handler is a thin adapter that calls a service method. It must be safe to run twice. */
export type JobHandler = (job: JobRow, log: Logger) => Promise<void>

/** A handler throws this to stop retrying: the job fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError'
}

export interface RecurringJob {
  kind: string
  everyMs: number
}

export interface WorkerOptions {
  db: Executor
  clock: Clock
  queue: JobQueue
  handlers: Record<string, JobHandler>
  recurring?: RecurringJob[]
  logger: Logger
  workerId: string
  batchSize?: number
  pollIntervalMs?: number
  /** How long a claimed job is held before another worker may take it over. */
  leaseMs?: number
}

/** Retry delay after the n-th failed attempt: 5 s, 10 s, 20 s … capped at one hour. */
export const backoffMs = (attempt: number): number => Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 3_600_000)

/**
 * The claim → run → complete loop. Any number of workers may run at once (in `serve` processes or
 * alone as `openline worker`): each job is claimed by exactly one of them. `runOnce()` lets tests
 * drive it step by step on a fake clock.
 */
export class Worker {
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  private readonly batchSize: number
  private readonly pollIntervalMs: number
  private readonly leaseMs: number
  /** The last tenant served: the next claim starts after it, so every tenant gets its turn. */
  private lastTenantId: string | undefined

  constructor(private readonly options: WorkerOptions) {
    this.batchSize = options.batchSize ?? 10
    this.pollIntervalMs = options.pollIntervalMs ?? 1000
    this.leaseMs = options.leaseMs ?? 5 * 60_000
  }

  /**
   * Claims one batch of due jobs, tenant by tenant and fairly (see `claimDueJobs`), and runs them in
   * order. Returns how many ran.
   */
  async runOnce(filter: { tenantId?: string; kinds?: string[] } = {}): Promise<number> {
    const { db, clock, workerId } = this.options
    const claimed = await jobs.claimDueJobs(db, {
      now: clock.now(),
      workerId,
      leaseMs: this.leaseMs,
      limit: this.batchSize,
      after: this.lastTenantId,
      ...filter,
    })
    if (claimed.lastTenantId) this.lastTenantId = claimed.lastTenantId
    for (const job of claimed) await this.run(job)
    return claimed.length
  }

  /** Runs batches until nothing is due. */
  async drain(filter: { tenantId?: string; kinds?: string[] } = {}): Promise<number> {
    let total = 0
    for (let ran = await this.runOnce(filter); ran > 0; ran = await this.runOnce(filter)) total += ran
    return total
  }

  /** Makes sure each recurring job has a live instance. */
  async ensureRecurring(delayed = false): Promise<void> {
    for (const recurring of this.options.recurring ?? []) {
      await this.options.queue.enqueue(this.options.db, {
        kind: recurring.kind,
        dedupeKey: recurring.kind,
        runAt: new Date(this.options.clock.now().getTime() + (delayed ? recurring.everyMs : 0)),
      })
    }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.poll()
  }

  /** Stops claiming; resolves once the job in hand has finished. */
  async stop(): Promise<void> {
    this.running = false
    this.wake?.()
    await this.loop
  }

  private async poll(): Promise<void> {
    const log = this.options.logger
    try {
      await this.ensureRecurring()
    } catch (error) {
      log.error({ err: error }, 'worker could not schedule recurring jobs')
    }
    while (this.running) {
      let ran = 0
      try {
        ran = await this.runOnce()
      } catch (error) {
        log.error({ err: error }, 'worker could not claim jobs')
      }
      if (ran === 0 && this.running) await this.idle()
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }

  private async run(job: JobRow): Promise<void> {
    const { db, clock, workerId, handlers } = this.options
    const log = this.options.logger.child({
      jobId: job.id,
      kind: job.kind,
      tenantId: job.tenantId,
      attempt: job.attempts,
    })
    const handler = handlers[job.kind]
    try {
      if (!handler) throw new PermanentJobError(`No handler for job kind '${job.kind}'.`)
      await handler(job, log)
      await jobs.markSucceeded(db, job, workerId, clock.now())
      if (this.options.recurring?.some((r) => r.kind === job.kind)) await this.ensureRecurring(true)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const retry = !(error instanceof PermanentJobError) && job.attempts < job.maxAttempts
      const now = clock.now()
      const retryAt = retry ? new Date(Math.max(now.getTime(), job.runAt.getTime()) + backoffMs(job.attempts)) : null
      log[retry ? 'warn' : 'error']({ err: error, retryAt }, retry ? 'job failed; will retry' : 'job failed for good')
      await jobs.markFailed(db, job, workerId, { error: message, retryAt, now })
    }
  }
}
