import { Type } from 'typebox'
import { InvalidInputError } from '../../../domain/shared/errors.js'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { AddonChangeService } from '../../../services/addons/addon-change.service.js'
import type { AddonView } from '../../../services/addons/addon-view.js'
import type { AddonService } from '../../../services/addons/addon.service.js'
import type { SubscriptionView } from '../../../services/subscriptions/subscription-view.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { ChangeOption, Subscription, SubscriptionParams } from '../subscriptions/subscriptions.schemas.js'
import {
  AddAddonBody,
  AddonChangeOptionsQuery,
  AddonListQuery,
  AddonOption,
  AddonParams,
  CancelAddonBody,
  ChangeAddonBody,
  SubscriptionAddon,
} from './addons.schemas.js'

const tags = ['subscription-addons']
const subscription = (id: string) => parseEntityRef(id, 'subscriptionId')
const asAddon = (view: AddonView) => view
const asSubscription = (view: SubscriptionView) => view

/** Add-ons of a subscription: seeds 000 (add), 001 (change) and 002 (cancel), and the reference's section 2.3. */
export async function addonRoutes(
  app: App,
  { addons, changes }: { addons: AddonService; changes: AddonChangeService },
): Promise<void> {
  app.get(
    '/subscriptions/:subscriptionId/addons',
    {
      schema: {
        operationId: 'listSubscriptionAddons',
        tags,
        summary: 'List the add-ons of a subscription',
        description: 'Active and pending add-ons by default; `status[]` selects others.',
        params: SubscriptionParams,
        querystring: AddonListQuery,
        response: { 200: Type.Object({ items: Type.Array(SubscriptionAddon) }), ...problemResponses(403, 404) },
      },
    },
    async (req) => ({ items: await addons.list(req.ctx, subscription(req.params.subscriptionId), req.query.status) }),
  )

  app.post(
    '/subscriptions/:subscriptionId/addons',
    {
      schema: {
        operationId: 'addSubscriptionAddon',
        tags,
        summary: 'Add an add-on to a subscription',
        description:
          'Now, or from `scheduledAt` (the add-on is PENDING with `pendingStatus` until then). With a network provider the add-on stays PENDING until the provider has provisioned it. ' +
          'Refused with 422: not an add-on offering, archived, not fitting the plan, over the subscription’s limit, a cancelled subscription or one cancelled before that day.',
        params: SubscriptionParams,
        body: AddAddonBody,
        response: { 201: SubscriptionAddon, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 201, asAddon, () => addons.add(req.ctx, subscription(req.params.subscriptionId), req.body)),
  )

  app.get(
    '/subscriptions/:subscriptionId/addon-options',
    {
      schema: {
        operationId: 'listSubscriptionAddonOptions',
        tags,
        summary: 'Add-ons that can be added now',
        params: SubscriptionParams,
        response: { 200: Type.Object({ items: Type.Array(AddonOption) }), ...problemResponses(403, 404) },
      },
    },
    async (req) => ({ items: await addons.options(req.ctx, subscription(req.params.subscriptionId)) }),
  )

  app.get(
    '/subscriptions/:subscriptionId/addons/product-offering-options',
    {
      schema: {
        operationId: 'listSubscriptionAddonChangeOptions',
        tags,
        summary: 'What an attached add-on may change to, and when',
        params: SubscriptionParams,
        querystring: AddonChangeOptionsQuery,
        response: { 200: Type.Object({ items: Type.Array(ChangeOption) }), ...problemResponses(403, 404, 422) },
      },
    },
    async (req) => {
      const { currentProductOfferingId, subscriptionAddonId } = req.query
      if (!currentProductOfferingId && !subscriptionAddonId) {
        throw new InvalidInputError(
          'request.validation_failed',
          'Send currentProductOfferingId (or subscriptionAddonId).',
          {},
          [{ path: '/query/currentProductOfferingId', message: 'is required' }],
        )
      }
      return {
        items: await changes.options(req.ctx, subscription(req.params.subscriptionId), {
          ...(currentProductOfferingId && { currentProductOfferingId }),
          ...(subscriptionAddonId && { subscriptionAddonId }),
        }),
      }
    },
  )

  app.put(
    '/subscriptions/:subscriptionId/addons/product-offering-change',
    {
      schema: {
        operationId: 'changeSubscriptionAddonProductOffering',
        tags,
        summary: 'Change an add-on to a different product offering (upgrade or downgrade)',
        description:
          'When the change takes effect depends on the new offering, the add-on’s billing cycle and `scheduledAt`: upgrades and lateral moves now, downgrades at the next renewal of the add-on, never before `scheduledAt`. Answers the Subscription; the add-on shows `pendingProductOffering` until the change applies.',
        params: SubscriptionParams,
        body: ChangeAddonBody,
        response: { 200: Subscription, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asSubscription, () =>
        changes.change(req.ctx, subscription(req.params.subscriptionId), req.body),
      ),
  )

  app.post(
    '/subscriptions/:subscriptionId/addons/cancel',
    {
      schema: {
        operationId: 'cancelSubscriptionAddon',
        tags,
        summary: 'Cancel an add-on of a subscription',
        description:
          'Now, or from `scheduledAt` (`pendingStatus` until then). Cancelling a PENDING add-on withdraws it. Answers the Subscription.',
        params: SubscriptionParams,
        body: CancelAddonBody,
        response: { 200: Subscription, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asSubscription, () =>
        addons.cancel(req.ctx, subscription(req.params.subscriptionId), req.body),
      ),
  )

  app.get(
    '/subscriptions/:subscriptionId/addons/:subscriptionAddonId',
    {
      schema: {
        operationId: 'getSubscriptionAddon',
        tags,
        summary: 'Get an add-on of a subscription',
        params: AddonParams,
        response: { 200: SubscriptionAddon, ...problemResponses(403, 404) },
      },
    },
    async (req) =>
      addons.get(
        req.ctx,
        subscription(req.params.subscriptionId),
        parseEntityRef(req.params.subscriptionAddonId, 'subscriptionAddonId'),
      ),
  )
}
