import type { PortInProgress } from '../../services/porting/port-in-progress.js'
import type { JobHandler } from '../runner.js'

export { PORT_IN_CANCEL, PORT_IN_CHECK, PORT_IN_SUBMIT } from '../../services/porting/porting-jobs.js'

type Payload = { portInId: string; revision: number; reference: string }

/** Sends a port-in's details to the tenant's porting provider (PortInProgress.submit is safe to run twice). */
export const submitPortIn =
  (progress: PortInProgress): JobHandler =>
  async (job) => {
    const { portInId, revision } = job.payload as Payload
    await progress.submit(job.tenantId, portInId, revision, { attempt: job.attempts, maxAttempts: job.maxAttempts })
  }

/** Asks the provider how a port-in is going. */
export const checkPortIn =
  (progress: PortInProgress): JobHandler =>
  async (job) => {
    const { portInId, revision } = job.payload as Payload
    await progress.check(job.tenantId, portInId, revision, { attempt: job.attempts, maxAttempts: job.maxAttempts })
  }

/** Withdraws a port-in at the provider once its subscription ended. */
export const cancelPortIn =
  (progress: PortInProgress): JobHandler =>
  async (job) => {
    const { portInId, reference } = job.payload as Payload
    await progress.cancel(job.tenantId, portInId, reference)
  }
