import type { Scenario } from './scenario.js'

/** Drizzle's statement for `findApiKey`, as Openline sends it (see BENCH_TRACE=1). */
const SELECT_API_KEY =
  'select "tenant_id", "id", "label", "secret_hash", "hint", "scopes", "created_at", "last_used_at", "revoked_at" ' +
  'from "api_key" where ("api_key"."tenant_id" = $1 and "api_key"."id" = $2)'

interface ApiKeyRow {
  id: string
  label: string
  hint: string
  scopes: string[]
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
}

/**
 * A read by id. Openline: one primary-key SELECT (its authentication is cached in-process after the
 * first request and `last_used_at` is written at most once a minute). The bare server: the same
 * SELECT, the row rendered as the same JSON, without auth, validation or response schemas.
 */
export const getApiKey: Scenario = {
  name: 'GET /api-keys/{id}',
  roundTrips: 'one primary-key SELECT on api_key',
  expectedStatus: 200,
  request: (fixture) => ({
    method: 'GET',
    path: `/api-keys/${fixture.apiKeyId}`,
    headers: { 'x-api-key': fixture.apiKey },
  }),
  baselineRoute(app, { pool, tenantId }) {
    app.get<{ Params: { apiKeyId: string } }>('/api-keys/:apiKeyId', async (req, reply) => {
      const { rows } = await pool.query<ApiKeyRow>(SELECT_API_KEY, [tenantId, req.params.apiKeyId])
      const row = rows[0]
      if (!row) return reply.code(404).send({ error: 'not found' })
      return {
        id: row.id,
        label: row.label,
        prefix: 'ol_live_',
        hint: row.hint,
        scopes: row.scopes,
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
        revokedAt: row.revoked_at,
      }
    })
  },
}
