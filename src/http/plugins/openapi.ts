import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Problem } from '../problem.js'
import { nameSchemas } from './openapi-document.js'
import type { App } from '../types.js'

export const API_VERSION = '0.1.0'

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const IdempotencyKeyHeader = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  description:
    'Makes retries safe. The same key and request replays the stored response (with `Idempotent-Replayed: true`); the same key with a ' +
    'different request is a 409 `idempotency.key_reused`; while the first request runs, a 409 `idempotency.request_in_progress` ' +
    'with `Retry-After`. Keys expire after 24 hours. `GET /idempotency-keys/{key}` tells what Openline knows of a key.',
}

const PreferDryRunHeader = {
  type: 'string',
  enum: ['dry-run'],
  description:
    '`dry-run` previews the change: the operation runs for real in a transaction that is rolled back, and answers what it would ' +
    '(status and body, with `Preference-Applied: dry-run` and `Openline-Dry-Run: true`) having kept nothing: no row, event, webhook or job, ' +
    'and the idempotency key stays free. With a key already used for this request, the preview is its replay.',
}

/**
 * OpenAPI 3.1 generated from the route schemas (one schema validates, serialises and documents),
 * served at `/openapi.json`, with a browsable page at `/docs`. `openline openapi export` writes the
 * same document to openapi/openapi.json, which CI compares with the code.
 */
export async function installOpenApi(app: App): Promise<void> {
  app.addSchema(Problem)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Openline Connect API',
        version: API_VERSION,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        contact: { name: 'Openline', url: 'https://github.com/openline' },
        description: [
          'Openline implements the Connect API, the REST API a mobile operator uses to sell and run subscriptions.',
          '',
          '* **Authentication**: send your API key in the `X-Api-Key` header.',
          '* **Idempotency**: send `X-Idempotency-Key` (up to 256 characters) on every POST, PUT, PATCH and DELETE. ' +
            'The same key and request replays the stored response (with `Idempotent-Replayed: true`); the same key with a ' +
            'different request is a 409 `idempotency.key_reused`; keys expire after 24 hours.',
          '* **Dry-run**: `Prefer: dry-run` on a write of subscriptions, add-ons, top-ups, licenses or orders answers what the ' +
            'call would answer, with `Openline-Dry-Run: true`, and changes nothing. Other writes refuse it (400 `request.dry_run_unsupported`).',
          '* **Ids**: a path id may be the entity UUID or your own reference prefixed with `rid_`.',
          '* **Lists** page with `limit` and `cursor` (`pagination.nextCursor`); `offset` is accepted too.',
          '* **Errors** are RFC 9457 `application/problem+json` bodies with a stable `code` and the `requestId`.',
          '* **Unknown fields are refused**: a body field or query parameter an operation does not list is a 400 naming it ' +
            '(`/body/scheduleAt is not a known field (did you mean "scheduledAt"?)`); objects marked free-form (`metadata`) take any key.',
          '* **V2 add-ons API** (`/v2/orgs/{org}/…`, tag `v2-add-ons`): another operator’s API over the same add-ons, in snake_case, ' +
            'authenticated by `Authorization: Bearer <JWT>` (or an `X-Api-Key` of the org’s tenant), with errors as `{code, message, requestId, errors?}`.',
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          ApiKeyAuth: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description: 'Your API key (`ol_live_…` or `ol_sandbox_…`).',
          },
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'V2 add-ons API only. A JWT signed HS256 with the shared secret, or RS256/ES256 with a key of the configured JWKS; `exp` required. ' +
              '`aud` is the calling system, `sub` (or `email`) the user, `orgs` the orgs it may act on, and `scope` holds `add_ons:read` and/or `add_ons:write`.',
          },
        },
      },
      servers: [
        { url: '/', description: 'The server this document is served from (its `/openapi.json`).' },
        {
          url: 'http://127.0.0.1:3000',
          description: 'A local Openline with the default host and port (`openline serve`).',
        },
      ],
      security: [{ ApiKeyAuth: [] }],
      tags: [
        { name: 'tenant', description: 'Your tenant: time zone and settings (changing them needs the admin scope).' },
        { name: 'api-keys', description: 'API keys of your tenant (admin scope).' },
        { name: 'idempotency', description: 'Inspect idempotency keys while debugging retries.' },
        { name: 'events', description: 'The outbox: every state change, with the resource snapshot.' },
        {
          name: 'webhooks',
          description:
            'Webhook endpoints and their deliveries: every event pushed to your receivers, signed per Standard Webhooks 1.0, retried and in order per resource.',
        },
        {
          name: 'subscriptions',
          description:
            'Subscriptions: status machine, plan changes, cancellation and scheduled (pending) changes, with their timeline.',
        },
        {
          name: 'subscription-addons',
          description: 'Add-ons of a subscription: add, change and cancel, now or at a date.',
        },
        {
          name: 'orders',
          description: 'Orders: carts of line items (nine types) that are validated, priced, submitted and fulfilled.',
        },
        {
          name: 'top-ups',
          description:
            'Top-ups: one-off purchases applied at once to an active subscription, and the record of those applied.',
        },
        {
          name: 'licenses',
          description:
            'Licenses: services a customer holds, optionally assigned to a subscription; cancel and offering changes now or at a date, renewals on their own cycle.',
        },
        { name: 'sandbox', description: 'Test clocks for sandbox tenants: walk through months in seconds.' },
        {
          name: 'catalog',
          description:
            'Product offerings, their groups and promotions. Reading needs the read scope; writing, the admin scope.',
        },
        {
          name: 'customers',
          description:
            'Customers: the billable party, owner of subscribers and subscriptions, and the users who may act for it.',
        },
        { name: 'users', description: 'Users: people associated with customers, who may act for them.' },
        { name: 'subscribers', description: 'Subscribers: the people using subscriptions.' },
        {
          name: 'inventory',
          description:
            'Phone numbers (import, lease) and SIM cards (import, details, PUK). Importing and listing need the admin scope; PUKs need `sims:puk`.',
        },
        { name: 'operations', description: 'Health, readiness and metrics.' },
        {
          name: 'v2-add-ons',
          description:
            'The V2 add-ons API (another operator’s): the same add-ons as the Connect API, org-scoped, in snake_case, with bearer tokens.',
        },
      ],
    },
    // Every write operation documents the idempotency header its route honours, and the Prefer
    // header where it previews.
    transform: ({ schema, url, route }) => {
      const methods = [route.method].flat()
      if (!schema || schema.hide || !methods.some((m) => WRITE_METHODS.has(m))) return { schema, url }
      const added = {
        ...(route.config?.idempotent !== false && { 'x-idempotency-key': IdempotencyKeyHeader }),
        ...(route.config?.dryRun && { prefer: PreferDryRunHeader }),
      }
      if (Object.keys(added).length === 0) return { schema, url }
      const headers = (schema.headers ?? { type: 'object', properties: {} }) as {
        type: string
        properties: Record<string, unknown>
      }
      return { schema: { ...schema, headers: { ...headers, properties: { ...headers.properties, ...added } } }, url }
    },
    // Named schemas under components/schemas, problem+json errors, every response described.
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? (nameSchemas(documentObject.openapiObject as Record<string, unknown>) as typeof documentObject.openapiObject)
        : documentObject.swaggerObject,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'none' } }, async () => app.swagger())
}
