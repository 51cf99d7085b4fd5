/** The provisioning job kinds (handlers in worker/jobs/addon-provisioning.job.ts). */
export const ADDON_PROVISION = 'addon.provision'
export const ADDON_PROVISION_CHECK = 'addon.provision-check'
export const ADDON_DEPROVISION = 'addon.deprovision'

/** Tries per provider call before the operation is FAILED: 5 s, 10 s, 20 s, 40 s, 80 s apart (the runner's backoff). */
export const PROVISIONING_MAX_ATTEMPTS = 6

/** Where a job run stands, so the last try can give up visibly instead of failing silently. */
export interface JobAttempt {
  attempt: number
  maxAttempts: number
}

/** The operation is FAILED (recorded on the add-on): the job must not be retried. */
export class ProvisioningGaveUp extends Error {
  override name = 'ProvisioningGaveUp'
}
