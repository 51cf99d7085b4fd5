import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { PortInService } from '../../../services/porting/port-in.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { Porting, UpdatePortingBody, UpdatePortingResponse } from './porting.schemas.js'
import { SubscriptionParams } from './subscriptions.schemas.js'

const tags = ['subscriptions']
const ref = (id: string) => parseEntityRef(id, 'subscriptionId')

/** A subscription's port-in: read it, and correct its details while the current operator has not agreed a date. */
export async function inPortingRoutes(app: App, { portIns }: { portIns: PortInService }): Promise<void> {
  app.get(
    '/subscriptions/:subscriptionId/in-porting',
    {
      schema: {
        operationId: 'getSubscriptionInPorting',
        tags,
        summary: 'Get the port-in of a subscription',
        description:
          'Status, details (the passcode masked) and dates of the number being ported in. 404 `porting.not_found` when the subscription has no port-in.',
        params: SubscriptionParams,
        response: { 200: Porting, ...problemResponses(403, 404) },
      },
    },
    async (req) => portIns.get(req.ctx, ref(req.params.subscriptionId)),
  )

  app.post(
    '/subscriptions/:subscriptionId/in-porting',
    {
      schema: {
        operationId: 'updateSubscriptionPortingDetails',
        tags,
        summary: 'Correct the porting details',
        description:
          'Only while the port-in is PENDING or IN_PROGRESS (else 409 `porting.not_editable`). The port-in is PENDING again and submitted anew with these details, which also answers a rejection. Incomplete or wrong details are a 400 `porting.invalid_details` naming each field.',
        params: SubscriptionParams,
        body: UpdatePortingBody,
        response: { 200: UpdatePortingResponse, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        200,
        (result) => result,
        () => portIns.correct(req.ctx, ref(req.params.subscriptionId), req.body.details),
      ),
  )
}
