import { ProvisioningGaveUp } from '../../services/provisioning/provisioning-jobs.js'
import type { JobAttempt } from '../../services/provisioning/provisioning-jobs.js'
import type { ProvisioningService } from '../../services/provisioning/provisioning.service.js'
import type { JobRow } from '../../persistence/repositories/job.repository.js'
import type { JobHandler } from '../runner.js'
import { PermanentJobError } from '../runner.js'

export {
  ADDON_DEPROVISION,
  ADDON_PROVISION,
  ADDON_PROVISION_CHECK,
} from '../../services/provisioning/provisioning-jobs.js'

type Payload = { subscriptionAddonId: string; operationId?: string; productOfferingId?: string }

/** Runs one provisioning step; an operation the service gave up on stops the job (no retry). */
async function step(job: JobRow, run: (attempt: JobAttempt) => Promise<void>): Promise<void> {
  try {
    await run({ attempt: job.attempts, maxAttempts: job.maxAttempts })
  } catch (error) {
    if (error instanceof ProvisioningGaveUp) throw new PermanentJobError(error.message)
    throw error
  }
}

/** Asks the tenant's network provider for an add-on's package (ProvisioningService.provision). */
export const provisionAddon =
  (provisioning: ProvisioningService): JobHandler =>
  async (job) => {
    const { subscriptionAddonId } = job.payload as Payload
    await step(job, (attempt) => provisioning.provision(job.tenantId, subscriptionAddonId, attempt))
  }

/** Checks on a provisioning the provider answered IN_PROGRESS. */
export const checkAddonProvisioning =
  (provisioning: ProvisioningService): JobHandler =>
  async (job) => {
    const { subscriptionAddonId, operationId, productOfferingId } = job.payload as Required<Payload>
    await step(job, (attempt) =>
      provisioning.check(job.tenantId, subscriptionAddonId, operationId, productOfferingId, attempt),
    )
  }

/** Asks the provider to remove an add-on's package. */
export const deprovisionAddon =
  (provisioning: ProvisioningService): JobHandler =>
  async (job) => {
    const { subscriptionAddonId } = job.payload as Payload
    await step(job, (attempt) => provisioning.deprovision(job.tenantId, subscriptionAddonId, attempt))
  }
