import type { Executor } from '../../persistence/database.js'
import type { RequestContext } from '../context.js'
import type { JobQueue } from '../job-queue.service.js'

/** The porting job kinds (handlers in worker/jobs/porting.job.ts). */
export const PORT_IN_SUBMIT = 'port-in.submit'
export const PORT_IN_CHECK = 'port-in.check'
export const PORT_IN_CANCEL = 'port-in.cancel'

/** Tries per provider call (5 s, 10 s, 20 s, 40 s, 80 s apart) before the port-in is FAILED. */
export const PORTING_MAX_ATTEMPTS = 6

/** Queues the submission of a port-in's details (one job per revision), due now on the tenant's clock. */
export function enqueueSubmission(
  queue: JobQueue,
  tx: Executor,
  ctx: RequestContext,
  portInId: string,
  revision: number,
): Promise<boolean> {
  return queue.enqueue(tx, {
    tenantId: ctx.tenant.id,
    kind: PORT_IN_SUBMIT,
    payload: { portInId, revision },
    runAt: ctx.clock.now(),
    dedupeKey: `${PORT_IN_SUBMIT}:${portInId}:${revision}`,
    maxAttempts: PORTING_MAX_ATTEMPTS,
  })
}

/** Queues a check on a port-in the provider holds, `afterMs` from now on the tenant's clock. */
export function enqueueCheck(
  queue: JobQueue,
  tx: Executor,
  ctx: RequestContext,
  portInId: string,
  revision: number,
  afterMs: number,
): Promise<boolean> {
  const runAt = new Date(ctx.clock.now().getTime() + Math.max(0, afterMs))
  return queue.enqueue(tx, {
    tenantId: ctx.tenant.id,
    kind: PORT_IN_CHECK,
    payload: { portInId, revision },
    runAt,
    dedupeKey: `${PORT_IN_CHECK}:${portInId}:${revision}:${runAt.toISOString()}`,
    maxAttempts: PORTING_MAX_ATTEMPTS,
  })
}

/** Queues the withdrawal of a port-in at its provider (its subscription ended). */
export function enqueueCancel(
  queue: JobQueue,
  tx: Executor,
  ctx: RequestContext,
  portInId: string,
  reference: string,
): Promise<boolean> {
  return queue.enqueue(tx, {
    tenantId: ctx.tenant.id,
    kind: PORT_IN_CANCEL,
    payload: { portInId, reference },
    runAt: ctx.clock.now(),
    dedupeKey: `${PORT_IN_CANCEL}:${portInId}`,
  })
}
