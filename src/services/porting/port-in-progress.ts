import type { PortingAnswer } from '../../domain/porting/port-in.js'
import { applyAnswer, awaitsCorrection, isLive } from '../../domain/porting/port-in.js'
import type { Clock } from '../../domain/shared/clock.js'
import type { Executor } from '../../persistence/database.js'
import type { PortInRow } from '../../persistence/repositories/port-in.repository.js'
import * as ports from '../../persistence/repositories/port-in.repository.js'
import type { SubscriptionRow } from '../../persistence/repositories/subscription.repository.js'
import type { RequestContext } from '../context.js'
import { systemContext } from '../context.js'
import type { NumberPoolService } from '../inventory/number-pool.service.js'
import type { JobQueue } from '../job-queue.service.js'
import { ProviderError } from '../provisioning/network-provider.js'
import type { JobAttempt } from '../provisioning/provisioning-jobs.js'
import type { SubscriptionLifecycle } from '../subscriptions/subscription-lifecycle.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { TenantService } from '../tenant.service.js'
import type { PortInRecords } from './port-in-records.js'
import type { PortInRequest, PortingProvider } from './porting-provider.js'
import { PORT_IN_CANCEL, PORT_IN_CHECK, PORT_IN_SUBMIT, enqueueCheck } from './porting-jobs.js'
import type { PortingProviders } from './porting-providers.js'

const TIMELINE_KIND: Record<PortingAnswer['status'], string> = {
  IN_PROGRESS: 'port_in_submitted',
  SCHEDULED: 'port_in_scheduled',
  COMPLETED: 'port_in_completed',
  REJECTED: 'port_in_rejected',
  FAILED: 'port_in_failed',
}

/**
 * Port-ins, the jobs' side: they call the tenant's porting provider with no transaction open, then
 * record its answer in a short transaction of their own, under the subscription's and the
 * port-in's row locks (in that order, as requests take them) and only if the port-in is still as
 * it was when asked (so a job that runs twice, or late, or about details since corrected, changes
 * nothing). Progress is driven by check jobs at the instants the provider names, on the tenant's
 * clock. A provider that keeps failing, or refuses the request, fails the port-in.
 */
export class PortInProgress {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly tenants: TenantService,
    private readonly subscriptions: SubscriptionService,
    private readonly lifecycle: SubscriptionLifecycle,
    private readonly numbers: Pick<NumberPoolService, 'releaseNumber'>,
    private readonly providers: PortingProviders,
    private readonly queue: JobQueue,
    private readonly records: PortInRecords,
  ) {}

  /** Job `port-in.submit`: sends the details of one revision. */
  async submit(tenantId: string, portInId: string, revision: number, job: JobAttempt): Promise<void> {
    const { ctx, provider } = await this.scope(tenantId, PORT_IN_SUBMIT)
    const row = await ports.findPortIn(this.db, tenantId, portInId)
    if (!row || row.status !== 'PENDING' || row.revision !== revision || awaitsCorrection(row)) return
    await this.ask(ctx, row, provider, job, (p) => p.submit(request(row)))
  }

  /** Job `port-in.check`: asks how the port-in the provider took is going. */
  async check(tenantId: string, portInId: string, revision: number, job: JobAttempt): Promise<void> {
    const { ctx, provider } = await this.scope(tenantId, PORT_IN_CHECK)
    const row = await ports.findPortIn(this.db, tenantId, portInId)
    if (!row || row.revision !== revision || !isLive(row.status) || row.status === 'PENDING' || !row.providerReference)
      return
    const reference = row.providerReference
    await this.ask(ctx, row, provider, job, (p) => p.check({ ...request(row), reference }))
  }

  /** Job `port-in.cancel`: withdraws a port-in at the provider (its subscription ended). */
  async cancel(tenantId: string, portInId: string, reference: string): Promise<void> {
    const { provider } = await this.scope(tenantId, PORT_IN_CANCEL)
    await provider?.cancel({ tenantId, portInId, reference })
  }

  /** Calls the provider; a failure is retried (rethrown) until it is permanent or the last try, then fails the port-in. */
  private async ask(
    ctx: RequestContext,
    seen: PortInRow,
    provider: PortingProvider | null,
    job: JobAttempt,
    call: (provider: PortingProvider) => Promise<PortingAnswer>,
  ): Promise<void> {
    let answer: PortingAnswer
    if (!provider)
      answer = {
        status: 'FAILED',
        reason: 'The tenant has no porting provider any more (tenant setting portingProvider).',
      }
    else {
      try {
        answer = await call(provider)
      } catch (error) {
        const retryable = !(error instanceof ProviderError) || error.retryable
        if (retryable && job.attempt < job.maxAttempts) throw error
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000)
        answer = { status: 'FAILED', reason: `The porting provider failed: ${message}` }
      }
    }
    await this.record(ctx, seen, answer)
  }

  /** Records an answer, if the port-in is still as it was when the provider was asked. */
  private async record(ctx: RequestContext, seen: PortInRow, answer: PortingAnswer): Promise<void> {
    await this.db.transaction(async (tx) => {
      const subscription = await this.subscriptions.require(tx, ctx, { kind: 'id', id: seen.subscriptionId }, true)
      const row = await ports.findPortIn(tx, ctx.tenant.id, seen.id, { lock: true })
      if (
        !row ||
        row.status !== seen.status ||
        row.revision !== seen.revision ||
        row.providerReference !== seen.providerReference
      )
        return
      const now = ctx.clock.now()
      const outcome = applyAnswer(row, answer, now)
      if (outcome.event === null && outcome.checkAfterMs !== null)
        return void (await enqueueCheck(this.queue, tx, ctx, row.id, row.revision, outcome.checkAfterMs))
      const updated = await this.records.save(tx, ctx, row, outcome.patch)
      await this.records.note(tx, ctx, updated, TIMELINE_KIND[answer.status], detailsOf(answer, updated))
      if (outcome.checkAfterMs !== null)
        await enqueueCheck(this.queue, tx, ctx, row.id, row.revision, outcome.checkAfterMs)
      const after =
        answer.status === 'COMPLETED' ? await this.takeNumber(tx, ctx, subscription, updated, now) : subscription
      if (outcome.event) await this.records.publish(tx, ctx, updated, outcome.event)
      await this.records.subscriptionChanged(tx, ctx, after)
    })
  }

  /**
   * The number is ours: it becomes the subscription's, the temporary number rests in quarantine,
   * and a subscription that waited for the port (no temporary number) is activated.
   */
  private async takeNumber(
    tx: Executor,
    ctx: RequestContext,
    subscription: SubscriptionRow,
    portIn: PortInRow,
    now: Date,
  ): Promise<SubscriptionRow> {
    const meta = { reason: 'port-in completed', details: { portInId: portIn.id } }
    let row = await this.lifecycle.changeNumber(tx, ctx, subscription, portIn.msisdn, now, meta)
    if (portIn.temporaryMsisdn) await this.numbers.releaseNumber(tx, ctx, portIn.temporaryMsisdn)
    else if (row.status === 'PENDING') row = await this.lifecycle.applyStatus(tx, ctx, row, 'activate', now, meta)
    return row
  }

  private async scope(
    tenantId: string,
    label: string,
  ): Promise<{ ctx: RequestContext; provider: PortingProvider | null }> {
    const tenant = await this.tenants.getById(tenantId)
    return { ctx: systemContext(tenant, this.clock, label), provider: this.providers.for(tenant) }
  }
}

function request(row: PortInRow): PortInRequest {
  return {
    tenantId: row.tenantId,
    portInId: row.id,
    subscriptionId: row.subscriptionId,
    msisdn: row.msisdn,
    country: row.country,
    details: row.details,
    revision: row.revision,
    reference: row.providerReference,
  }
}

function detailsOf(answer: PortingAnswer, row: PortInRow): Record<string, unknown> {
  switch (answer.status) {
    case 'IN_PROGRESS':
      return { providerReference: answer.reference, revision: row.revision }
    case 'SCHEDULED':
      return { scheduledAt: answer.scheduledAt.toISOString() }
    case 'COMPLETED':
      return { temporaryMsisdn: row.temporaryMsisdn }
    case 'REJECTED':
    case 'FAILED':
      return { reason: answer.reason, revision: row.revision }
  }
}
