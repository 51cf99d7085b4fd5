import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { AddonView } from '../../../services/addons/addon-view.js'
import type { ProvisioningRetryService } from '../../../services/provisioning/provisioning-retry.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { AddonParams, SubscriptionAddon } from './addons.schemas.js'

const asAddon = (view: AddonView) => view

/** The operator's side of provisioning an add-on through the tenant's network provider. */
export async function provisioningRoutes(app: App, { retry }: { retry: ProvisioningRetryService }): Promise<void> {
  app.post(
    '/subscriptions/:subscriptionId/addons/:subscriptionAddonId/provisioning/retry',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'retrySubscriptionAddonProvisioning',
        tags: ['subscription-addons'],
        summary: 'Retry the failed provisioning of an add-on',
        description:
          'For an add-on whose `provisioning.state` is FAILED (the provider refused, or every retry failed): starts the operation (`PROVISION` or `DEPROVISION`) over from attempt 1, in the background. ' +
          'Fix the cause first (the offering’s metadata, the provider’s side). Answers the add-on with `provisioning.state` PENDING; 409 `addon.provisioning_not_failed` when it is not FAILED.',
        params: AddonParams,
        response: { 200: SubscriptionAddon, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asAddon, () =>
        retry.retry(
          req.ctx,
          parseEntityRef(req.params.subscriptionId, 'subscriptionId'),
          parseEntityRef(req.params.subscriptionAddonId, 'subscriptionAddonId'),
        ),
      ),
  )
}
