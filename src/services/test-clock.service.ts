import type { Tenant } from '../domain/access/tenant.js'
import { addCalendar, toLocalDate } from '../domain/scheduling/calendar.js'
import type { Clock } from '../domain/shared/clock.js'
import { BusinessRuleError, ForbiddenError, InvalidInputError } from '../domain/shared/errors.js'
import type { Executor } from '../persistence/database.js'
import { nextQueuedRunAt } from '../persistence/repositories/job.repository.js'
import type { ScheduledChangeRow } from '../persistence/repositories/scheduled-change.repository.js'
import { changesInWindow } from '../persistence/repositories/scheduled-change.repository.js'
import type { RequestContext } from './context.js'
import type { TenantService } from './tenant.service.js'

export interface TestClockView {
  now: Date
  timeZone: string
  /** The tenant's current calendar date. */
  today: string
  /** How far the test clock runs ahead of real time. */
  offsetSeconds: number
}

export interface AdvanceResult extends TestClockView {
  /** Jobs that ran because they fell due (scheduled changes, expiries, retries …). */
  jobsRun: number
}

/** What an advance would do: the window it moves through and the scheduled changes due in it. */
export interface AdvancePlan {
  from: Date
  to: Date
  /** Pending scheduled changes effective in (from, to], in order (at most WINDOW_LIMIT). */
  due: ScheduledChangeRow[]
}

/** The most scheduled changes a window lists. */
export const WINDOW_LIMIT = 100

/** Safety net against a job that keeps re-scheduling itself inside the window. */
const MAX_STEPS = 10_000

/**
 * Sandbox test clocks: a sandbox tenant's time runs ahead of real time by an offset that only
 * grows. Advancing walks the clock to each due job's instant in turn and runs what fell due, so
 * changes apply in order and each sees the time it was meant for; the call returns once everything
 * due by the target has been applied.
 */
export class TestClockService {
  private readonly busy = new Map<string, Promise<unknown>>()

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly tenants: TenantService,
    private readonly runDueJobs: (tenantId: string) => Promise<number>,
  ) {}

  async get(ctx: RequestContext): Promise<TestClockView> {
    const tenant = await this.sandbox(ctx)
    return this.view(tenant)
  }

  async advance(ctx: RequestContext, input: { to?: string; by?: string }): Promise<AdvanceResult> {
    // One advance at a time per tenant in this process; the steps commit one by one.
    const previous = this.busy.get(ctx.tenant.id) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(() => this.advanceNow(ctx, input))
    this.busy.set(ctx.tenant.id, run)
    try {
      return await run
    } finally {
      if (this.busy.get(ctx.tenant.id) === run) this.busy.delete(ctx.tenant.id)
    }
  }

  /** Where an advance would take the clock (the same checks as `advance`) and what falls due on the way. */
  async plan(ctx: RequestContext, input: { to?: string; by?: string }): Promise<AdvancePlan> {
    const tenant = await this.sandbox(ctx)
    const from = this.tenantNow(tenant)
    const to = this.target(tenant, from, input)
    return { from, to, due: await this.changesIn(tenant, from, to, ['PENDING']) }
  }

  /** The scheduled changes effective in (from, to] that were applied or failed: what an advance did. */
  async appliedBetween(ctx: RequestContext, from: Date, to: Date): Promise<ScheduledChangeRow[]> {
    const tenant = await this.sandbox(ctx)
    return this.changesIn(tenant, from, to, ['APPLIED', 'FAILED'])
  }

  private changesIn(tenant: Tenant, after: Date, upTo: Date, statuses: ('PENDING' | 'APPLIED' | 'FAILED')[]) {
    return changesInWindow(this.db, tenant.id, { after, upTo }, statuses, WINDOW_LIMIT)
  }

  private async advanceNow(ctx: RequestContext, input: { to?: string; by?: string }): Promise<AdvanceResult> {
    let tenant = await this.sandbox(ctx)
    const now = this.tenantNow(tenant)
    const target = this.target(tenant, now, input)
    let jobsRun = 0
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = await nextQueuedRunAt(this.db, tenant.id, target)
      if (!next) break
      if (next > this.tenantNow(tenant)) tenant = await this.setTime(tenant, next)
      const ran = await this.runDueJobs(tenant.id)
      jobsRun += ran
      if (ran === 0 && next <= this.tenantNow(tenant)) break // due but held by another worker: it will apply it
    }
    tenant = await this.setTime(tenant, target)
    jobsRun += await this.runDueJobs(tenant.id)
    return { ...this.view(tenant), jobsRun }
  }

  private target(tenant: Tenant, now: Date, input: { to?: string; by?: string }): Date {
    if ((input.to === undefined) === (input.by === undefined)) {
      throw new InvalidInputError(
        'test_clock.invalid_advance',
        'Send exactly one of `to` (an instant) or `by` (an ISO 8601 duration such as P1M).',
        {},
        [{ path: '/body', message: 'must have exactly one of to, by' }],
      )
    }
    let target: Date
    if (input.to !== undefined) target = new Date(input.to)
    else {
      try {
        target = addCalendar(now, input.by as string, tenant.timeZone)
      } catch {
        throw new InvalidInputError(
          'test_clock.invalid_duration',
          `'${input.by}' is not an ISO 8601 duration (for example P1M, P7D, PT36H).`,
          {},
          [{ path: '/body/by', message: 'must be an ISO 8601 duration' }],
        )
      }
    }
    if (!(target.getTime() > now.getTime())) {
      throw new BusinessRuleError(
        'test_clock.not_forward',
        `Test clocks only move forward: ${target.toISOString()} is not after ${now.toISOString()}.`,
        {
          now: now.toISOString(),
          requested: target.toISOString(),
        },
      )
    }
    return target
  }

  private async sandbox(ctx: RequestContext): Promise<Tenant> {
    const tenant = await this.tenants.getById(ctx.tenant.id)
    if (!tenant.sandbox)
      throw new ForbiddenError(
        'test_clock.not_sandbox',
        'Test clocks exist only for sandbox tenants; a live tenant runs on real time.',
      )
    return tenant
  }

  private tenantNow(tenant: Tenant): Date {
    return new Date(this.clock.now().getTime() + tenant.clockOffsetMs)
  }

  private async setTime(tenant: Tenant, to: Date): Promise<Tenant> {
    const offset = Math.max(tenant.clockOffsetMs, to.getTime() - this.clock.now().getTime())
    return this.db.transaction((tx) => this.tenants.update(tx, tenant.id, { clockOffsetMs: offset }))
  }

  private view(tenant: Tenant): TestClockView {
    const now = this.tenantNow(tenant)
    return {
      now,
      timeZone: tenant.timeZone,
      today: toLocalDate(now, tenant.timeZone),
      offsetSeconds: Math.round(tenant.clockOffsetMs / 1000),
    }
  }
}
