import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { LicenseView } from '../../../services/licenses/license-view.js'
import type { LicenseService } from '../../../services/licenses/license.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { ChangeOption, TimelineItem } from '../subscriptions/subscriptions.schemas.js'
import {
  CancelLicenseBody,
  ChangeLicenseOfferingBody,
  CreateLicenseBody,
  License,
  LicenseListQuery,
  LicenseParams,
  LicensePage,
} from './licenses.schemas.js'

const same = (view: LicenseView) => view
const tags = ['licenses']
const ref = (id: string) => parseEntityRef(id, 'licenseId')

export async function licenseRoutes(app: App, { licenses }: { licenses: LicenseService }): Promise<void> {
  app.get(
    '/licenses',
    {
      schema: {
        operationId: 'listLicenses',
        tags,
        summary: 'List licenses',
        querystring: LicenseListQuery,
        response: { 200: LicensePage, ...problemResponses(403) },
      },
    },
    async (req) => {
      const q = req.query
      return licenses.list(
        req.ctx,
        {
          ...(q.customerId && { customerIds: q.customerId.map((id) => parseEntityRef(id, 'customerId', 'query')) }),
          ...(q.status && { statuses: q.status }),
          ...(q.type && { types: q.type }),
          ...(q.subscriptionId && { subscription: parseEntityRef(q.subscriptionId, 'subscriptionId', 'query') }),
        },
        pageRequest(q),
      )
    },
  )

  app.post(
    '/licenses',
    {
      schema: {
        operationId: 'createLicense',
        tags,
        summary: 'Create a license',
        description:
          'ACTIVE now, or PENDING until `activationDate`. Its billing cycle is anchored at activation and renews on it (`license.renewed`). Assigned to a subscription, it ends with it. ' +
          'Disabled (422 `license.creation_disabled`) for tenants whose billing manages licenses (setting `licensesManagedByBilling`): they come from orders.',
        body: CreateLicenseBody,
        response: { 201: License, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, same, () => licenses.create(req.ctx, req.body)),
  )

  app.get(
    '/licenses/:licenseId',
    {
      schema: {
        operationId: 'getLicense',
        tags,
        summary: 'Get a license',
        params: LicenseParams,
        response: { 200: License, ...problemResponses(403, 404) },
      },
    },
    async (req) => licenses.get(req.ctx, ref(req.params.licenseId)),
  )

  app.post(
    '/licenses/:licenseId/cancel',
    {
      schema: {
        operationId: 'cancelLicense',
        tags,
        summary: 'Cancel a license, now or from a day',
        description:
          'Without `scheduledAt`, now (`license.ended`); with it, at the start of that day (tenant time zone), shown as pendingStatus until then. A scheduled cancel supersedes every change after it, renewals included.',
        params: LicenseParams,
        body: CancelLicenseBody,
        response: { 200: License, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 200, same, () => licenses.cancel(req.ctx, ref(req.params.licenseId), req.body)),
  )

  app.put(
    '/licenses/:licenseId/product-offering-change',
    {
      schema: {
        operationId: 'changeLicenseProductOffering',
        tags,
        summary: 'Change the license’s offering',
        description:
          'Upgrades and lateral moves apply now, downgrades at the license’s next renewal (per the target offering’s change policy), never before `scheduledAt`. A scheduled change shows as pendingProductOffering.',
        params: LicenseParams,
        body: ChangeLicenseOfferingBody,
        response: { 200: License, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () => licenses.changeOffering(req.ctx, ref(req.params.licenseId), req.body)),
  )

  app.get(
    '/licenses/:licenseId/product-offering-options',
    {
      schema: {
        operationId: 'getLicenseChangeOptions',
        tags,
        summary: 'Offerings this license can change to, and when',
        params: LicenseParams,
        response: { 200: Type.Object({ items: Type.Array(ChangeOption) }), ...problemResponses(403, 404, 409) },
      },
    },
    async (req) => ({ items: await licenses.options(req.ctx, ref(req.params.licenseId)) }),
  )

  app.delete(
    '/licenses/:licenseId/pending-status',
    {
      schema: {
        operationId: 'withdrawLicensePendingStatus',
        tags,
        summary: 'Withdraw the pending cancellation',
        description:
          'Withdraws a scheduled cancel. 404 when there is none; a scheduled activation cannot be withdrawn (409 `license.activation_pending`: cancel the license instead).',
        params: LicenseParams,
        response: { 200: License, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () => licenses.withdrawPending(req.ctx, ref(req.params.licenseId), 'status')),
  )

  app.delete(
    '/licenses/:licenseId/pending-product-offering',
    {
      schema: {
        operationId: 'withdrawLicensePendingProductOffering',
        tags,
        summary: 'Withdraw the pending offering change',
        params: LicenseParams,
        response: { 200: License, ...problemResponses(403, 404) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, same, () =>
        licenses.withdrawPending(req.ctx, ref(req.params.licenseId), 'productOffering'),
      ),
  )

  app.get(
    '/licenses/:licenseId/timeline',
    {
      schema: {
        operationId: 'getLicenseTimeline',
        tags,
        summary: 'What happened to the license and what is scheduled',
        description:
          'Every change in effective order (creation, activation, offering changes, renewals, cancellation), scheduled ones too, and those withdrawn, superseded or failed.',
        params: LicenseParams,
        response: { 200: Type.Object({ items: Type.Array(TimelineItem) }), ...problemResponses(403, 404) },
      },
    },
    async (req) => ({ items: await licenses.timelineOf(req.ctx, ref(req.params.licenseId)) }),
  )
}
