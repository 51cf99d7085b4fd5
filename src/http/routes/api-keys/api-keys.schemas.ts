import type { Static } from 'typebox'
import { Type } from 'typebox'
import { SCOPES } from '../../../domain/access/scopes.js'
import type { ApiKeyView, CreatedApiKey } from '../../../services/api-key.service.js'
import { DateTime, Nullable, PageOf, PageQuery } from '../../schemas/common.js'

export const ScopeSchema = Type.Enum(SCOPES, {
  description:
    'read: read the Connect API; write: change it; admin: manage keys, catalog, inventory and tenant settings; sims:puk: read SIM PUK codes.',
})

export const ApiKey = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    label: Type.String(),
    prefix: Type.String({ description: '`ol_live_` or `ol_sandbox_`.' }),
    hint: Type.String({ description: 'The last four characters of the key.' }),
    scopes: Type.Array(ScopeSchema),
    createdAt: DateTime(),
    lastUsedAt: Nullable(DateTime({ description: 'Recorded at most once a minute.' })),
    revokedAt: Nullable(DateTime()),
  },
  { title: 'ApiKey' },
)
export type ApiKey = Static<typeof ApiKey>

export const CreateApiKeyBody = Type.Object(
  {
    label: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'A name to tell keys apart (e.g. "crm-prod").' }),
    ),
    scopes: Type.Optional(
      Type.Array(ScopeSchema, { minItems: 1, uniqueItems: true, description: 'Default: every scope.' }),
    ),
  },
  { title: 'CreateApiKeyRequest' },
)
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>

export const CreatedApiKeyResponse = Type.Object(
  {
    apiKey: ApiKey,
    key: Type.String({ description: 'The secret key. Shown only in this response; store it now.' }),
  },
  { title: 'CreatedApiKeyResponse' },
)

export const ApiKeyParams = Type.Object({ apiKeyId: Type.String({ format: 'uuid' }) })
export const ApiKeyListQuery = Type.Object({ ...PageQuery })
export const ApiKeyPage = PageOf(ApiKey, 'ApiKeyPage')

export const toApiKey = (view: ApiKeyView): ApiKey => ({
  id: view.id,
  label: view.label,
  prefix: view.prefix,
  hint: view.hint,
  scopes: view.scopes,
  createdAt: view.createdAt.toISOString(),
  lastUsedAt: view.lastUsedAt?.toISOString() ?? null,
  revokedAt: view.revokedAt?.toISOString() ?? null,
})

export const toCreatedApiKey = (created: CreatedApiKey) => ({ apiKey: toApiKey(created.apiKey), key: created.key })
