import { mapPage, pageRequest } from '../../../domain/shared/paging.js'
import type { ApiKeyService } from '../../../services/api-key.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import {
  ApiKey,
  ApiKeyListQuery,
  ApiKeyPage,
  ApiKeyParams,
  CreateApiKeyBody,
  CreatedApiKeyResponse,
  toApiKey,
  toCreatedApiKey,
} from './api-keys.schemas.js'

const admin = { scope: 'admin' } as const

/** The tenant's API keys, for a key with the admin scope. */
export async function apiKeyRoutes(app: App, { apiKeys }: { apiKeys: ApiKeyService }): Promise<void> {
  app.get(
    '/api-keys',
    {
      config: admin,
      schema: {
        operationId: 'listApiKeys',
        tags: ['api-keys'],
        summary: 'List API keys',
        querystring: ApiKeyListQuery,
        response: { 200: ApiKeyPage, ...problemResponses(403) },
      },
    },
    async (req) => mapPage(await apiKeys.list(req.ctx.tenant, pageRequest(req.query)), toApiKey),
  )

  app.get(
    '/api-keys/:apiKeyId',
    {
      config: admin,
      schema: {
        operationId: 'getApiKey',
        tags: ['api-keys'],
        summary: 'Get an API key',
        params: ApiKeyParams,
        response: { 200: ApiKey, ...problemResponses(403, 404) },
      },
    },
    async (req) => toApiKey(await apiKeys.get(req.ctx.tenant, req.params.apiKeyId)),
  )

  app.post(
    '/api-keys',
    {
      config: admin,
      schema: {
        operationId: 'createApiKey',
        tags: ['api-keys'],
        summary: 'Create an API key',
        description:
          'Creates a key for your tenant. The secret is in this response only; Openline stores its hash. ' +
          'A replay of this request (same X-Idempotency-Key) answers the same key without its secret: `key` then holds `<prefix>…<hint>`.',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeyResponse, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 201, toCreatedApiKey, () => apiKeys.create(req.ctx, req.ctx.tenant, req.body), {
        replayAs: (created) => ({
          ...toCreatedApiKey(created),
          key: `${created.apiKey.prefix}…${created.apiKey.hint}`,
        }),
      }),
  )

  app.delete(
    '/api-keys/:apiKeyId',
    {
      config: admin,
      schema: {
        operationId: 'revokeApiKey',
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        description: 'Revokes the key at once; requests with it answer 401 from then on.',
        params: ApiKeyParams,
        response: { 200: ApiKey, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, toApiKey, () => apiKeys.revoke(req.ctx, req.ctx.tenant, req.params.apiKeyId)),
  )
}
