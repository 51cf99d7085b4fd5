import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { TopupService, TopupView } from '../../../services/topups/topup.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { SubscriptionParams } from '../subscriptions/subscriptions.schemas.js'
import { ApplyTopupBody, Topup, TopupListQuery, TopupOption, TopupPage, TopupParams } from './topups.schemas.js'

const tags = ['top-ups']
const ref = (id: string) => parseEntityRef(id, 'subscriptionId')

export async function topupRoutes(app: App, { topups }: { topups: TopupService }): Promise<void> {
  app.get(
    '/subscriptions/:subscriptionId/topup-options',
    {
      schema: {
        operationId: 'getTopupOptions',
        tags,
        summary: 'Top-ups that can be applied to the subscription now',
        description:
          'AVAILABLE top-up offerings that fit the subscription’s plan; none unless the subscription is ACTIVATED.',
        params: SubscriptionParams,
        response: { 200: Type.Object({ items: Type.Array(TopupOption) }), ...problemResponses(403, 404) },
      },
    },
    async (req) => ({ items: await topups.options(req.ctx, ref(req.params.subscriptionId)) }),
  )

  app.post(
    '/subscriptions/:subscriptionId/topups',
    {
      schema: {
        operationId: 'applyTopup',
        tags,
        summary: 'Apply a top-up',
        description:
          'Applies a top-up offering to an ACTIVATED subscription at once and emits `subscription.topup.applied`.',
        params: SubscriptionParams,
        body: ApplyTopupBody,
        response: { 201: Type.Object({ topup: Topup }), ...problemResponses(403, 404, 422) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        201,
        (topup: TopupView) => ({ topup }),
        () => topups.apply(req.ctx, ref(req.params.subscriptionId), req.body),
      ),
  )

  app.get(
    '/subscriptions/:subscriptionId/topups',
    {
      schema: {
        operationId: 'listTopups',
        tags,
        summary: 'Top-ups applied to the subscription',
        params: SubscriptionParams,
        querystring: TopupListQuery,
        response: { 200: TopupPage, ...problemResponses(403, 404) },
      },
    },
    async (req) => topups.list(req.ctx, ref(req.params.subscriptionId), pageRequest(req.query)),
  )

  app.get(
    '/subscriptions/:subscriptionId/topups/:topupId',
    {
      schema: {
        operationId: 'getTopup',
        tags,
        summary: 'Get a top-up of the subscription',
        params: TopupParams,
        response: { 200: Topup, ...problemResponses(403, 404) },
      },
    },
    async (req) => topups.get(req.ctx, ref(req.params.subscriptionId), req.params.topupId),
  )
}
