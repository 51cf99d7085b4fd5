import type { ProvisioningService } from '../../services/provisioning/provisioning.service.js'
import type { JobHandler } from '../runner.js'

export { ADDON_DEPROVISION, ADDON_PROVISION, ADDON_PROVISION_CHECK } from '../../services/provisioning/provisioning-jobs.js'

type Payload = { subscriptionAddonId: string; operationId?: string; productOfferingId?: string }

/** Asks the tenant's network provider for an add-on's package (ProvisioningService.provision). */
export const provisionAddon =
  (provisioning: ProvisioningService): JobHandler =>
  async (job) => {
    const { subscriptionAddonId } = job.payload as Payload
    await provisioning.provision(job.tenantId, subscriptionAddonId, { attempt: job.attempts, maxAttempts: job.maxAttempts })
  }

/** Checks on a provisioning the provider answered IN_PROGRESS. */
export const checkAddonProvisioning =
  (provisioning: ProvisioningService): JobHandler =>
  async (job) => {
    const { subscriptionAddonId, operationId, productOfferingId } = job.payload as Required<Payload>
    await provisioning.check(job.tenantId, subscriptionAddonId, operationId, productOfferingId, { attempt: job.attempts, maxAttempts: job.maxAttempts })
  }

/** Asks the provider to remove an add-on's package. */
export const deprovisionAddon =
  (provisioning: ProvisioningService): JobHandler =>
  async (job) => {
    const { subscriptionAddonId } = job.payload as Payload
    await provisioning.deprovision(job.tenantId, subscriptionAddonId, { attempt: job.attempts, maxAttempts: job.maxAttempts })
  }
