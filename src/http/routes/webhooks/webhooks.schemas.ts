import type { Static } from 'typebox'
import { Type } from 'typebox'
import type { WebhookDeliveryDetail, WebhookDeliveryView } from '../../../services/webhooks/webhook-delivery.service.js'
import type { EndpointWithSecret, WebhookEndpointView } from '../../../services/webhooks/webhook-endpoint.service.js'
import { DateTime, DateTimeInput, Nullable, PageOf, PageQuery } from '../../schemas/common.js'

const EventTypeList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  maxItems: 200,
  description:
    'The event types to receive: exact types (`order.submitted`) or `prefix.*` patterns (`order.*`). Omitted or null: every type. GET /webhook-event-types lists them.',
  examples: [['order.*', 'subscription.updated']],
})

const StringMap = (description: string) =>
  Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 1000 }), {
    maxProperties: 50,
    description,
  })

const EndpointHeaders = StringMap(
  "Extra headers sent with every delivery (e.g. an authorization token for your gateway). The webhook-*, content-type and user-agent headers are Openline's own.",
)
const EndpointMetadata = StringMap('Key-value pairs for your own use.')

export const WebhookEndpoint = Type.Object(
  {
    webhookEndpointId: Type.String({ format: 'uuid' }),
    url: Type.String({ format: 'uri' }),
    description: Nullable(Type.String()),
    eventTypes: Nullable(EventTypeList),
    enabled: Type.Boolean(),
    disabledReason: Nullable(
      Type.Union([Type.Literal('manual'), Type.Literal('gone'), Type.Literal('failing')], {
        description:
          'Why it is disabled: `manual` (you), `gone` (it answered 410), `failing` (no success for 5 days). Deliveries wait (paused) until it is enabled again.',
      }),
    ),
    headers: EndpointHeaders,
    metadata: EndpointMetadata,
    previousSecretExpiresAt: Nullable(
      DateTime({ description: 'After a rotation, the old secret also signs every delivery until then.' }),
    ),
    failingSince: Nullable(DateTime({ description: 'The first failed attempt since the last success.' })),
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'WebhookEndpoint' },
)
export type WebhookEndpoint = Static<typeof WebhookEndpoint>

export const WebhookEndpointWithSecret = Type.Object(
  {
    endpoint: WebhookEndpoint,
    secret: Type.String({
      description:
        'The signing secret, `whsec_` + base64 of 32 bytes, for `standardwebhooks` and other Standard Webhooks libraries. Shown only here: store it now.',
    }),
  },
  { title: 'WebhookEndpointWithSecret' },
)

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'An http(s) URL without credentials.' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    eventTypes: Type.Optional(Nullable(EventTypeList)),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    headers: Type.Optional(EndpointHeaders),
    metadata: Type.Optional(EndpointMetadata),
  },
  { title: 'CreateWebhookEndpointRequest' },
)
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    eventTypes: Type.Optional(Nullable(EventTypeList)),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false pauses deliveries; true sends what waited, in order, from now.' }),
    ),
    headers: Type.Optional(EndpointHeaders),
    metadata: Type.Optional(EndpointMetadata),
  },
  { title: 'UpdateWebhookEndpointRequest', minProperties: 1 },
)

export const RotateSecretBody = Type.Object(
  {
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86_400,
        default: 86_400,
        description: 'How long the old secret keeps signing beside the new one (0: stop at once).',
      }),
    ),
  },
  { title: 'RotateSecretRequest' },
)

export const TestWebhookBody = Type.Object(
  {
    type: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Send a sample of this event type instead of `webhook.test`.',
      }),
    ),
  },
  { title: 'TestWebhookRequest' },
)

export const ReplayBody = Type.Object(
  {
    since: DateTimeInput({ description: 'Events that occurred at or after this instant.' }),
    until: Type.Optional(DateTimeInput({ description: 'Events that occurred before this instant; default: now.' })),
    eventTypes: Type.Optional(EventTypeList),
  },
  { title: 'ReplayRequest' },
)

export const ReplayResponse = Type.Object(
  {
    webhookEndpointId: Type.String({ format: 'uuid' }),
    queued: Type.Integer({ description: 'Events queued again, in their original order, with their original ids.' }),
  },
  { title: 'ReplayResponse' },
)

export const WebhookEndpointParams = Type.Object({ webhookEndpointId: Type.String({ format: 'uuid' }) })
export const WebhookDeliveryParams = Type.Object({ webhookDeliveryId: Type.String({ format: 'uuid' }) })
export const WebhookEndpointListQuery = Type.Object({ ...PageQuery })
export const WebhookEndpointPage = PageOf(WebhookEndpoint, 'WebhookEndpointPage')

const DeliveryStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('paused')],
  {
    description:
      '`pending`: queued or waiting for a retry; `succeeded`: answered 2xx; `failed`: every retry failed; `paused`: the endpoint is disabled.',
  },
)

export const WebhookDelivery = Type.Object(
  {
    webhookDeliveryId: Type.String({ format: 'uuid' }),
    webhookEndpointId: Type.String({ format: 'uuid' }),
    eventId: Type.String({ format: 'uuid', description: 'Sent as `webhook-id`; the same on every retry and replay.' }),
    eventType: Type.String(),
    resource: Type.Object({ type: Type.String(), id: Type.String() }),
    status: DeliveryStatus,
    attempts: Type.Integer(),
    nextAttemptAt: Nullable(DateTime({ description: 'When a pending delivery goes out next.' })),
    lastAttemptAt: Nullable(DateTime()),
    completedAt: Nullable(DateTime()),
    createdAt: DateTime(),
  },
  { title: 'WebhookDelivery' },
)

export const WebhookAttempt = Type.Object(
  {
    at: DateTime(),
    durationMs: Type.Integer(),
    statusCode: Nullable(Type.Integer({ description: 'null when no answer came.' })),
    response: Nullable(Type.String({ description: 'The first 2 KiB of the answer.' })),
    error: Nullable(Type.String({ description: 'Why it failed: a status, a timeout, a refused connection …' })),
  },
  { title: 'WebhookAttempt' },
)

export const WebhookDeliveryWithAttempts = Type.Object(
  {
    ...WebhookDelivery.properties,
    attemptLog: Type.Array(WebhookAttempt),
  },
  { title: 'WebhookDeliveryWithAttempts' },
)

export const WebhookDeliveryQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(DeliveryStatus),
  eventType: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'Only these event types (repeat the parameter).' }),
  ),
  resourceType: Type.Optional(Type.String({ minLength: 1 })),
  resourceId: Type.Optional(Type.String({ minLength: 1 })),
})
export const WebhookDeliveryPage = PageOf(WebhookDelivery, 'WebhookDeliveryPage')

export const WebhookEventTypes = Type.Object(
  {
    items: Type.Array(Type.Object({ type: Type.String(), description: Type.String() })),
  },
  { title: 'WebhookEventTypes' },
)

export const toWebhookEndpoint = (view: WebhookEndpointView): WebhookEndpoint => {
  const { id, ...rest } = view
  return {
    webhookEndpointId: id,
    ...rest,
  }
}

export const toEndpointWithSecret = (created: EndpointWithSecret) => ({
  endpoint: toWebhookEndpoint(created.endpoint),
  secret: created.secret,
})

export const toWebhookDelivery = (view: WebhookDeliveryView) => {
  const { id, endpointId, ...rest } = view
  return { webhookDeliveryId: id, webhookEndpointId: endpointId, ...rest }
}

export const toWebhookDeliveryWithAttempts = (view: WebhookDeliveryDetail) => ({
  ...toWebhookDelivery(view),
  attemptLog: view.attemptLog,
})
