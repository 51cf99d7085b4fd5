import { pageRequest } from '../../../domain/shared/paging.js'
import { EVENT_TYPES } from '../../../domain/webhooks/event-types.js'
import type { WebhookDeliveryService } from '../../../services/webhooks/webhook-delivery.service.js'
import type { EndpointWithSecret, WebhookEndpointService } from '../../../services/webhooks/webhook-endpoint.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  CreateWebhookEndpointBody,
  ReplayBody,
  ReplayResponse,
  RotateSecretBody,
  TestWebhookBody,
  UpdateWebhookEndpointBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryParams,
  WebhookDeliveryQuery,
  WebhookDeliveryWithAttempts,
  WebhookEndpoint,
  WebhookEndpointListQuery,
  WebhookEndpointPage,
  WebhookEndpointParams,
  WebhookEndpointWithSecret,
  WebhookEventTypes,
  toEndpointWithSecret,
  toWebhookDelivery,
  toWebhookDeliveryWithAttempts,
  toWebhookEndpoint,
} from './webhooks.schemas.js'

const admin = { scope: 'admin' } as const
const tags = ['webhooks']
/** A secret is never stored with the idempotent response: a replay shows where it was. */
const secretReplay = {
  replayAs: (created: EndpointWithSecret) => ({ ...toEndpointWithSecret(created), secret: 'whsec_…' }),
}

/** Webhook endpoints: the admin scope writes them, the read scope reads them and their deliveries. */
export async function webhookEndpointRoutes(
  app: App,
  { endpoints }: { endpoints: WebhookEndpointService },
): Promise<void> {
  app.get(
    '/webhook-event-types',
    {
      schema: {
        operationId: 'listWebhookEventTypes',
        tags,
        summary: 'List event types',
        description: 'Every event type Openline writes, for `eventTypes` of an endpoint.',
        response: { 200: WebhookEventTypes, ...problemResponses(403) },
      },
    },
    async () => ({ items: EVENT_TYPES.map((t) => ({ type: t.type, description: t.description })) }),
  )

  app.post(
    '/webhook-endpoints',
    {
      config: admin,
      schema: {
        operationId: 'createWebhookEndpoint',
        tags,
        summary: 'Register a webhook endpoint',
        description:
          'Every event of a matching type is delivered to `url`, signed per Standard Webhooks 1.0, retried on failure and in order per resource. ' +
          'The signing secret is in this response only (a replay of the request shows `whsec_…`); Openline stores it encrypted.',
        body: CreateWebhookEndpointBody,
        response: { 201: WebhookEndpointWithSecret, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 201, toEndpointWithSecret, () => endpoints.create(req.ctx, req.body), secretReplay),
  )

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        operationId: 'listWebhookEndpoints',
        tags,
        summary: 'List webhook endpoints',
        querystring: WebhookEndpointListQuery,
        response: { 200: WebhookEndpointPage, ...problemResponses(403) },
      },
    },
    async (req) => {
      const page = await endpoints.list(req.ctx.tenant.id, pageRequest(req.query))
      return { items: page.items.map(toWebhookEndpoint), pagination: page.pagination }
    },
  )

  app.get(
    '/webhook-endpoints/:webhookEndpointId',
    {
      schema: {
        operationId: 'getWebhookEndpoint',
        tags,
        summary: 'Get a webhook endpoint',
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpoint, ...problemResponses(403, 404) },
      },
    },
    async (req) => toWebhookEndpoint(await endpoints.get(req.ctx.tenant.id, req.params.webhookEndpointId)),
  )

  app.patch(
    '/webhook-endpoints/:webhookEndpointId',
    {
      config: admin,
      schema: {
        operationId: 'updateWebhookEndpoint',
        tags,
        summary: 'Change a webhook endpoint',
        description:
          'Absent fields keep their value. `enabled: false` pauses deliveries; `enabled: true` sends everything that waited, in order.',
        params: WebhookEndpointParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: WebhookEndpoint, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, toWebhookEndpoint, () =>
        endpoints.update(req.ctx, req.params.webhookEndpointId, req.body),
      ),
  )

  app.delete(
    '/webhook-endpoints/:webhookEndpointId',
    {
      config: admin,
      schema: {
        operationId: 'deleteWebhookEndpoint',
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'Deletes the endpoint with its deliveries and their attempts; nothing more is sent to it.',
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpoint, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, toWebhookEndpoint, () => endpoints.delete(req.ctx, req.params.webhookEndpointId)),
  )

  app.post(
    '/webhook-endpoints/:webhookEndpointId/rotate-secret',
    {
      config: admin,
      schema: {
        operationId: 'rotateWebhookEndpointSecret',
        tags,
        summary: "Rotate an endpoint's signing secret",
        description:
          'A new secret signs from now on. During `graceSeconds` (default one day) every delivery carries two signatures, one per secret.',
        params: WebhookEndpointParams,
        body: RotateSecretBody,
        response: { 200: WebhookEndpointWithSecret, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        200,
        toEndpointWithSecret,
        () => endpoints.rotateSecret(req.ctx, req.params.webhookEndpointId, req.body.graceSeconds),
        secretReplay,
      ),
  )
}

export async function webhookDeliveryRoutes(
  app: App,
  { deliveries }: { deliveries: WebhookDeliveryService },
): Promise<void> {
  app.post(
    '/webhook-endpoints/:webhookEndpointId/test',
    {
      config: admin,
      schema: {
        operationId: 'testWebhookEndpoint',
        tags,
        summary: 'Send a test event',
        description:
          'Sends a signed `webhook.test` event (or a sample of `type`: the data of your latest event of that type) to this endpoint only.',
        params: WebhookEndpointParams,
        body: TestWebhookBody,
        response: { 202: WebhookDelivery, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 202, toWebhookDelivery, () =>
        deliveries.test(req.ctx, req.params.webhookEndpointId, req.body.type),
      ),
  )

  app.get(
    '/webhook-endpoints/:webhookEndpointId/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        tags,
        summary: "List an endpoint's deliveries",
        description: 'Oldest first. Filter by status, event type and resource.',
        params: WebhookEndpointParams,
        querystring: WebhookDeliveryQuery,
        response: { 200: WebhookDeliveryPage, ...problemResponses(403, 404) },
      },
    },
    async (req) => {
      const { status, eventType, resourceType, resourceId } = req.query
      const page = await deliveries.list(
        req.ctx.tenant.id,
        {
          endpointId: req.params.webhookEndpointId,
          ...(status && { status }),
          ...(eventType && { eventTypes: eventType }),
          ...(resourceType && { resourceType }),
          ...(resourceId && { resourceId }),
        },
        pageRequest(req.query),
      )
      return { items: page.items.map(toWebhookDelivery), pagination: page.pagination }
    },
  )

  app.get(
    '/webhook-deliveries/:webhookDeliveryId',
    {
      schema: {
        operationId: 'getWebhookDelivery',
        tags,
        summary: 'Get a delivery with its attempts',
        params: WebhookDeliveryParams,
        response: { 200: WebhookDeliveryWithAttempts, ...problemResponses(403, 404) },
      },
    },
    async (req) => toWebhookDeliveryWithAttempts(await deliveries.get(req.ctx.tenant.id, req.params.webhookDeliveryId)),
  )

  app.post(
    '/webhook-deliveries/:webhookDeliveryId/retry',
    {
      config: admin,
      schema: {
        operationId: 'retryWebhookDelivery',
        tags,
        summary: 'Send a delivery again',
        description:
          'Queues a succeeded or failed delivery again, due now, with the same event id and a fresh retry schedule (409 while it is still pending or paused).',
        params: WebhookDeliveryParams,
        response: { 202: WebhookDeliveryWithAttempts, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 202, toWebhookDeliveryWithAttempts, () =>
        deliveries.retry(req.ctx, req.params.webhookDeliveryId),
      ),
  )

  app.post(
    '/webhook-endpoints/:webhookEndpointId/replay',
    {
      config: admin,
      schema: {
        operationId: 'replayWebhookEvents',
        tags,
        summary: 'Replay events to an endpoint',
        description:
          'Queues the events that occurred from `since` (to `until`) again for this endpoint: the same event ids, in their original order, only types it subscribes to.',
        params: WebhookEndpointParams,
        body: ReplayBody,
        response: { 202: ReplayResponse, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        202,
        (result: { endpointId: string; queued: number }) => ({
          webhookEndpointId: result.endpointId,
          queued: result.queued,
        }),
        () => deliveries.replay(req.ctx, req.params.webhookEndpointId, req.body),
      ),
  )
}
