import type { Services } from '../../container.js'
import type { JobHandler, RecurringJob } from '../runner.js'
import {
  ADDON_DEPROVISION,
  ADDON_PROVISION,
  ADDON_PROVISION_CHECK,
  checkAddonProvisioning,
  deprovisionAddon,
  provisionAddon,
} from './addon-provisioning.job.js'
import { APPLY_SCHEDULED_CHANGES, applyScheduledChanges } from './apply-scheduled-changes.job.js'
import { EXPIRE_ORDER, FULFIL_ORDER, expireOrder, fulfilOrder } from './orders.job.js'
import { END_QUARANTINE, EXPIRE_LEASE, endQuarantine, expireLease } from './inventory.job.js'
import {
  PORT_IN_CANCEL,
  PORT_IN_CHECK,
  PORT_IN_SUBMIT,
  cancelPortIn,
  checkPortIn,
  submitPortIn,
} from './porting.job.js'
import { PURGE_FINISHED_JOBS, purgeFinishedJobs } from './purge-finished-jobs.job.js'
import { PURGE_IDEMPOTENCY_KEYS, purgeIdempotencyKeys } from './purge-idempotency-keys.job.js'
import { PURGE_WEBHOOK_DELIVERIES, purgeWebhookDeliveries } from './purge-webhook-deliveries.job.js'

/** Every job kind and the handler that runs it. */
export function jobHandlers(services: Omit<Services, 'testClock'>): Record<string, JobHandler> {
  return {
    [PURGE_IDEMPOTENCY_KEYS]: purgeIdempotencyKeys(services.idempotency),
    [PURGE_FINISHED_JOBS]: purgeFinishedJobs(services.db, services.clock),
    [PURGE_WEBHOOK_DELIVERIES]: purgeWebhookDeliveries(
      services.db,
      services.clock,
      services.webhooks.config.retentionDays,
    ),
    [APPLY_SCHEDULED_CHANGES]: applyScheduledChanges(services.changeRunner),
    [FULFIL_ORDER]: fulfilOrder(services.orderFulfilment),
    [EXPIRE_ORDER]: expireOrder(services.orderFulfilment),
    [EXPIRE_LEASE]: expireLease(services.numberPool),
    [END_QUARANTINE]: endQuarantine(services.numberPool),
    [ADDON_PROVISION]: provisionAddon(services.provisioning),
    [ADDON_PROVISION_CHECK]: checkAddonProvisioning(services.provisioning),
    [ADDON_DEPROVISION]: deprovisionAddon(services.provisioning),
    [PORT_IN_SUBMIT]: submitPortIn(services.portInProgress),
    [PORT_IN_CHECK]: checkPortIn(services.portInProgress),
    [PORT_IN_CANCEL]: cancelPortIn(services.portInProgress),
  }
}

export const recurringJobs: RecurringJob[] = [
  { kind: PURGE_IDEMPOTENCY_KEYS, everyMs: 60 * 60 * 1000 },
  { kind: PURGE_FINISHED_JOBS, everyMs: 24 * 60 * 60 * 1000 },
  { kind: PURGE_WEBHOOK_DELIVERIES, everyMs: 24 * 60 * 60 * 1000 },
]
