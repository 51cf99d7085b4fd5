import { pageRequest } from '../../../domain/shared/paging.js'
import type { SubscriberView } from '../../../services/party-views.js'
import type { SubscriberService } from '../../../services/subscriber.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { Subscriber } from './party.schemas.js'
import { SubscriberListQuery, SubscriberPage, SubscriberParams, UpdateSubscriberBody } from './subscribers.schemas.js'

const asIs = (view: SubscriberView) => view
const tags = ['subscribers']

/** Subscribers (Connect API 2.6): the people using subscriptions. Subscriptions and orders create them. */
export async function subscriberRoutes(app: App, { subscribers }: { subscribers: SubscriberService }): Promise<void> {
  app.get(
    '/subscribers',
    {
      schema: {
        operationId: 'listSubscribers',
        tags,
        summary: 'List subscribers',
        description:
          'Oldest first. Filter by customers (`customerId[]`, UUID or `rid_`) and by subscriptions (`subscriptionId[]`); repeat a parameter for several values.',
        querystring: SubscriberListQuery,
        response: { 200: SubscriberPage, ...problemResponses(403) },
      },
    },
    async (req) =>
      subscribers.list(
        req.ctx.tenant.id,
        { customerIds: req.query.customerId, subscriptionIds: req.query.subscriptionId },
        pageRequest(req.query),
      ),
  )

  app.get(
    '/subscribers/:subscriberId',
    {
      schema: {
        operationId: 'getSubscriber',
        tags,
        summary: 'Get a subscriber',
        params: SubscriberParams,
        response: { 200: Subscriber, ...problemResponses(403, 404) },
      },
    },
    async (req) => subscribers.get(req.ctx.tenant.id, req.params.subscriberId),
  )

  app.put(
    '/subscribers/:subscriberId',
    {
      schema: {
        operationId: 'updateSubscriber',
        tags,
        summary: 'Update a subscriber',
        description:
          'Updates the name, e-mail, address or metadata: absent fields keep their value, `null` clears the e-mail or address. Emits `subscriber.updated`.',
        params: SubscriberParams,
        body: UpdateSubscriberBody,
        response: { 200: Subscriber, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asIs, () => subscribers.update(req.ctx, req.params.subscriberId, req.body)),
  )
}
