import { Type } from 'typebox'
import { DEFAULT_PAGE_LIMIT } from '../../../domain/shared/paging.js'
import { parseDateFilter } from '../../../domain/v2/dates.js'
import type { V2AddOn } from '../../../services/v2/v2-addon-view.js'
import type { V2AddonService } from '../../../services/v2/v2-addon.service.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  AddOnBody,
  AddOnParams,
  AddOnsQuery,
  AddOnsSet,
  DeactivationBody,
  SubscriptionParams,
} from './add-ons.schemas.js'
import { v2ErrorResponses } from './v2-errors.js'

const tags = ['v2-add-ons']
const security: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { ApiKeyAuth: [] }]
/**
 * V2 authentication (not the API-key hook). No X-Idempotency-Key: the V2 API's own idempotency is
 * the client-chosen add-on `id`.
 */
const config = { auth: 'v2', idempotent: false } as const
const COLLECTION = '/orgs/:org/subscriptions/:subscriptionId/add_ons'
const ref = (id: string) => ({ kind: 'id', id: id.toLowerCase() }) as const
const asAddOn = (addOn: V2AddOn) => addOn
const nothing = () => undefined

/** The V2 add-ons API (seed 003) under /v2: list, add, get and deactivate, on the Connect add-on domain. */
export async function v2AddonRoutes(app: App, { v2Addons }: { v2Addons: V2AddonService }): Promise<void> {
  app.get(
    COLLECTION,
    {
      config,
      schema: {
        operationId: 'listOrgSubscriptionAddOns',
        tags,
        security,
        summary: 'Add-ons associated to the subscription',
        description:
          'Every add-on of the subscription, whatever its status, oldest first. Needs `add_ons:read` (or `add_ons:write`).',
        params: SubscriptionParams,
        querystring: AddOnsQuery,
        response: { 200: AddOnsSet, ...v2ErrorResponses() },
      },
    },
    async (req) => {
      const { offset, limit, legacy_add_on_id, activation_date } = req.query
      const activationDate = parseDateFilter(activation_date, 'activation_date', req.ctx.tenant.timeZone)
      return v2Addons.list(req.ctx, ref(req.params.subscriptionId), {
        offset: offset ?? 0,
        limit: limit ?? DEFAULT_PAGE_LIMIT,
        ...(legacy_add_on_id !== undefined && { legacyAddOnId: legacy_add_on_id }),
        ...(activationDate && { activationDate }),
      })
    },
  )

  app.post(
    COLLECTION,
    {
      config,
      schema: {
        operationId: 'addOrgSubscriptionAddOn',
        tags,
        security,
        summary: 'Add AddOn to subscription',
        description:
          'Now, or from `activation_date` (REQUESTED until then). With a network provider the add-on is REQUESTED until the provider has provisioned it. ' +
          'Send your own `id` to make the add idempotent. Needs `add_ons:write`.',
        params: SubscriptionParams,
        body: AddOnBody,
        response: {
          201: Type.Ref('V2AddOn', { description: 'AddOn added to subscription.' }),
          ...v2ErrorResponses(409),
        },
      },
    },
    (req, reply) =>
      respond(req, reply, 201, asAddOn, () => v2Addons.add(req.ctx, ref(req.params.subscriptionId), req.body)),
  )

  app.get(
    `${COLLECTION}/:addonId`,
    {
      config,
      schema: {
        operationId: 'getOrgSubscriptionAddOn',
        tags,
        security,
        summary: 'Add-on associated to the subscription',
        params: AddOnParams,
        response: {
          200: Type.Ref('V2AddOn', { description: 'Add-on associated to the subscription found.' }),
          ...v2ErrorResponses(),
        },
      },
    },
    async (req) => v2Addons.get(req.ctx, ref(req.params.subscriptionId), ref(req.params.addonId)),
  )

  app.post(
    `${COLLECTION}/:addonId/deactivate`,
    {
      config,
      schema: {
        operationId: 'deactivateOrgSubscriptionAddOn',
        tags,
        security,
        summary: 'Deactivate subscription AddOn',
        description:
          'Accepted at once (202, no body); the worker ends the add-on now, or at `deactivation_date`. Until then the add-on shows the `deactivation_*` fields of the request. ' +
          'A REQUESTED add-on is withdrawn (CANCELLED). An add-on no longer attached: 409. Needs `add_ons:write`.',
        params: AddOnParams,
        body: DeactivationBody,
        response: { 202: Type.Null({ description: 'Deactivation process started.' }), ...v2ErrorResponses(409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 202, nothing, () =>
        v2Addons.deactivate(req.ctx, ref(req.params.subscriptionId), ref(req.params.addonId), req.body),
      ),
  )
}
