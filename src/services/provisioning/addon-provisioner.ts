import type { Offering } from '../../domain/catalog/offering.js'
import { startOperation } from '../../domain/addons/addon.js'
import type { Executor } from '../../persistence/database.js'
import type { AddonRow } from '../../persistence/repositories/addon.repository.js'
import * as addons from '../../persistence/repositories/addon.repository.js'
import type { AddonProvisioner } from '../addons/addon-lifecycle.js'
import type { RequestContext } from '../context.js'
import type { JobQueue } from '../job-queue.service.js'
import type { NetworkProviders } from './network-providers.js'
import { ADDON_DEPROVISION, ADDON_PROVISION, PROVISIONING_MAX_ATTEMPTS } from './provisioning-jobs.js'

/**
 * The add-on lifecycle's provisioner for tenants with a network provider. Inside the caller's
 * transaction it only records what the provider must do on the add-on (`provisioning`) and queues
 * the job that will ask it (ProvisioningService), so the request never waits on the network.
 */
export class QueuedAddonProvisioner implements AddonProvisioner {
  constructor(
    private readonly providers: NetworkProviders,
    private readonly queue: JobQueue,
  ) {}

  provides(ctx: RequestContext): boolean {
    return this.providers.configured(ctx.tenant)
  }

  async provision(tx: Executor, ctx: RequestContext, addon: AddonRow, _offering: Offering): Promise<boolean> {
    if (!this.providers.configured(ctx.tenant)) return false
    const current = (await addons.lockAddonById(tx, ctx.tenant.id, addon.id)) ?? addon
    const now = ctx.clock.now()
    const p = current.provisioning
    if (p?.operation === 'DEPROVISION' && p.state === 'PENDING') {
      // An offering change: the old package goes first, the new one is provisioned after it.
      await addons.updateAddon(tx, ctx.tenant.id, addon.id, {
        provisioning: { ...p, reprovision: true, updatedAt: now.toISOString() },
      })
      return true
    }
    await addons.updateAddon(tx, ctx.tenant.id, addon.id, { provisioning: startOperation('PROVISION', now, null) })
    await enqueueProvisioning(this.queue, tx, ctx, addon.id, 'PROVISION')
    return true
  }

  async deprovision(tx: Executor, ctx: RequestContext, addon: AddonRow): Promise<void> {
    const current = (await addons.lockAddonById(tx, ctx.tenant.id, addon.id)) ?? addon
    const now = ctx.clock.now()
    const p = current.provisioning
    if (p?.operation === 'DEPROVISION' && p.state === 'PENDING') {
      // Already removing the package (the first half of an offering change): stop there.
      await addons.updateAddon(tx, ctx.tenant.id, addon.id, {
        provisioning: { ...p, reprovision: false, updatedAt: now.toISOString() },
      })
      await enqueueProvisioning(this.queue, tx, ctx, addon.id, 'DEPROVISION')
      return
    }
    // `addon` is the add-on as it was: after an offering change, the old offering is the one to remove.
    await addons.updateAddon(tx, ctx.tenant.id, addon.id, {
      provisioning: startOperation('DEPROVISION', now, current.provisioning, {
        productOfferingId: addon.productOfferingId,
      }),
    })
    await enqueueProvisioning(this.queue, tx, ctx, addon.id, 'DEPROVISION')
  }
}

/** Queues the job of an operation, due now on the tenant's clock; one live job per add-on and operation. */
export function enqueueProvisioning(
  queue: JobQueue,
  tx: Executor,
  ctx: RequestContext,
  addonId: string,
  operation: 'PROVISION' | 'DEPROVISION',
): Promise<boolean> {
  const kind = operation === 'PROVISION' ? ADDON_PROVISION : ADDON_DEPROVISION
  return queue.enqueue(tx, {
    tenantId: ctx.tenant.id,
    kind,
    payload: { subscriptionAddonId: addonId },
    runAt: ctx.clock.now(),
    dedupeKey: `${kind}:${addonId}`,
    maxAttempts: PROVISIONING_MAX_ATTEMPTS,
  })
}
