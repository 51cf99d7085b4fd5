import type { Provisioning, ProvisioningOperation } from '../../domain/addons/addon.js'
import { awaits, isAttached, startOperation } from '../../domain/addons/addon.js'
import type { Clock } from '../../domain/shared/clock.js'
import type { Executor } from '../../persistence/database.js'
import { isUniqueViolation } from '../../persistence/errors.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import { ADDON_EVENTS } from '../addons/addon-kinds.js'
import type { AddonLifecycle } from '../addons/addon-lifecycle.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import { systemContext } from '../context.js'
import type { JobQueue } from '../job-queue.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { TenantService } from '../tenant.service.js'
import type { TimelineService } from '../timeline.service.js'
import { enqueueProvisioning } from './addon-provisioner.js'
import type { AddonProvisioningRequest, NetworkProvider, ProvisioningResult } from './network-provider.js'
import { ProviderError } from './network-provider.js'
import type { NetworkProviders } from './network-providers.js'
import type { JobAttempt } from './provisioning-jobs.js'
import { ADDON_PROVISION_CHECK, PROVISIONING_MAX_ATTEMPTS, ProvisioningGaveUp } from './provisioning-jobs.js'

/** What a provisioning job works with: the tenant's system context and provider (null: none). */
interface JobScope {
  ctx: RequestContext
  provider: NetworkProvider | null
}

/**
 * The provisioning jobs: they call the tenant's network provider with no transaction open, then
 * record the answer on the add-on in a short transaction of their own, under its row lock and only
 * if the add-on still waits for that answer (so a job that runs twice, or late, changes nothing).
 * Failures are recorded (`attempts`, `lastError`) and retried with the runner's backoff; a
 * permanent one, or the last try, makes the operation FAILED, visibly, with an event.
 */
export class ProvisioningService {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly tenants: TenantService,
    private readonly catalog: CatalogService,
    private readonly subscriptions: SubscriptionService,
    private readonly providers: NetworkProviders,
    private readonly lifecycle: AddonLifecycle,
    private readonly queue: JobQueue,
    private readonly timeline: TimelineService,
  ) {}

  /** Job `addon.provision`: asks the provider for the add-on's package. */
  async provision(tenantId: string, addonId: string, job: JobAttempt): Promise<void> {
    const { ctx, provider } = await this.scope(tenantId, 'addon.provision')
    const row = await addons.findAddonById(this.db, tenantId, addonId)
    if (!row || !awaits(row, 'PROVISION')) return
    const attempts = (row.provisioning as Provisioning).attempts
    const offeringId = row.productOfferingId
    // The tenant dropped its provider meanwhile: nothing to ask, the add-on is active at once.
    if (!provider) return this.provisioned(ctx, addonId, offeringId, null, attempts)
    const attempt = attempts + 1
    try {
      await this.answered(
        ctx,
        addonId,
        offeringId,
        await provider.provisionAddon(await this.request(ctx, row, offeringId, attempt)),
        attempt,
      )
    } catch (error) {
      await this.failed(ctx, addonId, 'PROVISION', error, attempt, job)
    }
  }

  /** Job `addon.provision-check`: asks how an operation the provider started is going. */
  async check(
    tenantId: string,
    addonId: string,
    operationId: string,
    offeringId: string,
    job: JobAttempt,
  ): Promise<void> {
    const { ctx, provider } = await this.scope(tenantId, ADDON_PROVISION_CHECK)
    const row = await addons.findAddonById(this.db, tenantId, addonId)
    if (!row || !awaits(row, 'PROVISION')) return
    const attempts = (row.provisioning as Provisioning).attempts
    if (!provider) return this.provisioned(ctx, addonId, offeringId, null, attempts)
    try {
      await this.answered(ctx, addonId, offeringId, await provider.checkOperation(operationId), attempts)
    } catch (error) {
      await this.failed(ctx, addonId, 'PROVISION', error, attempts, job)
    }
  }

  /** Job `addon.deprovision`: asks the provider to remove the package; then, after an offering change, provisions the new one. */
  async deprovision(tenantId: string, addonId: string, job: JobAttempt): Promise<void> {
    const { ctx, provider } = await this.scope(tenantId, 'addon.deprovision')
    const row = await addons.findAddonById(this.db, tenantId, addonId)
    if (!row || !awaits(row, 'DEPROVISION')) return
    const p = row.provisioning as Provisioning
    const attempt = p.attempts + 1
    try {
      if (provider)
        await provider.deprovisionAddon(
          await this.request(ctx, row, p.productOfferingId ?? row.productOfferingId, attempt),
        )
      await this.db.transaction(async (tx) => {
        const locked = await addons.lockAddonById(tx, tenantId, addonId)
        if (!locked || !awaits(locked, 'DEPROVISION')) return
        const current = locked.provisioning as Provisioning
        if (current.reprovision && isAttached(locked.status)) {
          await this.save(tx, ctx, locked, startOperation('PROVISION', ctx.clock.now(), null))
          await enqueueProvisioning(this.queue, tx, ctx, addonId, 'PROVISION')
          return
        }
        const updated = await this.save(tx, ctx, locked, {
          ...current,
          state: 'DEPROVISIONED',
          attempts: attempt,
          lastError: null,
          reprovision: false,
        })
        await this.record(tx, ctx, updated, 'addon_deprovisioned', {
          providerPackageId: current.providerPackageId,
          attempts: attempt,
        })
        await this.lifecycle.publish(tx, ctx, updated, ADDON_EVENTS.deprovisioned, { withSubscription: false })
      })
    } catch (error) {
      await this.failed(ctx, addonId, 'DEPROVISION', error, attempt, job)
    }
  }

  /** Records a provider's answer to a provisioning call or check. */
  private async answered(
    ctx: RequestContext,
    addonId: string,
    offeringId: string,
    result: ProvisioningResult,
    attempts: number,
  ): Promise<void> {
    if (result.status === 'DONE') return this.provisioned(ctx, addonId, offeringId, result.packageId, attempts)
    await this.db.transaction(async (tx) => {
      const row = await addons.lockAddonById(tx, ctx.tenant.id, addonId)
      if (!row || !awaits(row, 'PROVISION')) return
      await this.save(tx, ctx, row, { ...(row.provisioning as Provisioning), attempts, lastError: null })
      const runAt = new Date(ctx.clock.now().getTime() + Math.max(0, result.checkAfterMs))
      await this.queue.enqueue(tx, {
        tenantId: ctx.tenant.id,
        kind: ADDON_PROVISION_CHECK,
        payload: { subscriptionAddonId: addonId, operationId: result.operationId, productOfferingId: offeringId },
        runAt,
        dedupeKey: `${ADDON_PROVISION_CHECK}:${addonId}:${result.operationId}:${runAt.toISOString()}`,
        maxAttempts: PROVISIONING_MAX_ATTEMPTS,
      })
    })
  }

  /**
   * The provider holds the package: the add-on waiting for it becomes ACTIVE (its package id its
   * reference). A package nobody waits for any more (the add-on ended, or moved to another
   * offering meanwhile) is deprovisioned.
   */
  private async provisioned(
    ctx: RequestContext,
    addonId: string,
    offeringId: string,
    packageId: string | null,
    attempts: number,
  ): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const row = await addons.lockAddonById(tx, ctx.tenant.id, addonId)
        if (!row) return
        const p = row.provisioning as Provisioning
        if (awaits(row, 'PROVISION') && row.productOfferingId === offeringId) {
          const wasPending = row.status === 'PENDING'
          const provisioning: Provisioning = {
            state: 'PENDING',
            operation: 'PROVISION',
            attempts,
            lastError: null,
            providerPackageId: null,
            updatedAt: p.updatedAt,
          }
          const updated = await this.lifecycle.completeProvisioning(tx, ctx, { ...row, provisioning }, packageId)
          await this.lifecycle.publish(tx, ctx, updated, wasPending ? ADDON_EVENTS.activated : ADDON_EVENTS.changed, {
            withSubscription: wasPending,
          })
          return
        }
        if (packageId === null || !p) return
        if (p.operation === 'DEPROVISION' && p.state === 'PENDING') {
          // The queued deprovision removes it.
          if (!p.providerPackageId) await this.save(tx, ctx, row, { ...p, providerPackageId: packageId })
          return
        }
        const changedMeanwhile = awaits(row, 'PROVISION')
        if (!changedMeanwhile && (p.state !== 'DEPROVISIONED' || isAttached(row.status))) return
        await this.save(tx, ctx, row, {
          ...startOperation('DEPROVISION', ctx.clock.now(), null, {
            productOfferingId: offeringId,
            reprovision: changedMeanwhile,
          }),
          providerPackageId: packageId,
        })
        await enqueueProvisioning(this.queue, tx, ctx, addonId, 'DEPROVISION')
      })
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      throw new ProviderError(
        `Another add-on of this tenant already has the reference '${packageId}', the package id the provider answered.`,
        { retryable: false },
      )
    }
  }

  /**
   * Records a failed call and retries it (rethrows) or, when permanent or the last try, makes the
   * operation FAILED (ProvisioningGaveUp: the job stops). When the add-on no longer waits for this operation, the failure no longer
   * matters and the job ends.
   */
  private async failed(
    ctx: RequestContext,
    addonId: string,
    operation: ProvisioningOperation,
    error: unknown,
    attempts: number,
    job: JobAttempt,
  ): Promise<void> {
    const retryable = !(error instanceof ProviderError) || error.retryable
    const giveUp = !retryable || job.attempt >= job.maxAttempts
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000)
    const waiting = await this.db.transaction(async (tx) => {
      const row = await addons.lockAddonById(tx, ctx.tenant.id, addonId)
      if (!row || !awaits(row, operation)) return false
      const updated = await this.save(tx, ctx, row, {
        ...(row.provisioning as Provisioning),
        attempts,
        lastError: message,
        ...(giveUp && { state: 'FAILED' as const }),
      })
      if (giveUp) {
        await this.record(tx, ctx, updated, 'addon_provisioning_failed', {
          operation,
          attempts,
          error: message,
          retryable,
        })
        await this.lifecycle.publish(tx, ctx, updated, ADDON_EVENTS.provisioningFailed, { withSubscription: false })
      }
      return true
    })
    if (!waiting) return
    if (giveUp) throw new ProvisioningGaveUp(message)
    throw error
  }

  private async request(
    ctx: RequestContext,
    row: AddonRow,
    offeringId: string,
    attempt: number,
  ): Promise<AddonProvisioningRequest> {
    const [subscription, offering] = await Promise.all([
      this.subscriptions.require(this.db, ctx, { kind: 'id', id: row.subscriptionId }),
      this.catalog.requireOffering(this.db, ctx.tenant.id, offeringId),
    ])
    return {
      tenantId: ctx.tenant.id,
      subscriptionId: subscription.id,
      msisdn: subscription.msisdn,
      subscriptionAddonId: row.id,
      productOfferingId: offering.id,
      offeringMetadata: offering.metadata,
      attempt,
      providerPackageId: row.provisioning?.providerPackageId ?? null,
    }
  }

  private async scope(tenantId: string, label: string): Promise<JobScope> {
    const tenant = await this.tenants.getById(tenantId)
    return { ctx: systemContext(tenant, this.clock, label), provider: this.providers.for(tenant) }
  }

  private save(tx: Executor, ctx: RequestContext, row: AddonRow, provisioning: Provisioning): Promise<AddonRow> {
    return addons.updateAddon(tx, ctx.tenant.id, row.id, {
      provisioning: { ...provisioning, updatedAt: ctx.clock.now().toISOString() },
      updatedAt: ctx.clock.now(),
    })
  }

  private record(
    tx: Executor,
    ctx: RequestContext,
    row: AddonRow,
    kind: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.timeline.record(tx, ctx, {
      subjectType: 'subscription',
      subjectId: row.subscriptionId,
      kind,
      details: { subscriptionAddonId: row.id, ...details },
    })
  }
}
