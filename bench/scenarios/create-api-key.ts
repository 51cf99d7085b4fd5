import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import type { Scenario } from './scenario.js'
import { transaction } from './transaction.js'

// Drizzle's statements for Openline's claim and write transactions, as it sends them (BENCH_TRACE=1).
export const INSERT_CLAIM =
  'insert into "idempotency_key" ("tenant_id", "key", "state", "method", "route", "params_hash", "body_hash", "claim_token", ' +
  '"locked_until", "response_status", "response_headers", "response_body", "created_at", "completed_at", "expires_at") ' +
  'values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) on conflict do nothing returning "key"'
const INSERT_API_KEY =
  'insert into "api_key" ("tenant_id", "id", "label", "secret_hash", "hint", "scopes", "created_at", "last_used_at", "revoked_at") ' +
  'values ($1, $2, $3, $4, $5, $6, $7, $8, $9)'
export const COMPLETE_CLAIM =
  'update "idempotency_key" set "state" = $1, "locked_until" = $2, "response_status" = $3, "response_headers" = $4, ' +
  '"response_body" = $5, "completed_at" = $6 where ("idempotency_key"."tenant_id" = $7 and "idempotency_key"."key" = $8 ' +
  'and "idempotency_key"."claim_token" = $9 and "idempotency_key"."state" = $10) returning "key"'

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
export const EMPTY_PARAMS_HASH = sha256('{}')
const SCOPES = ['read', 'write', 'admin']

/**
 * An idempotent create. Openline: the claim (INSERT … ON CONFLICT DO NOTHING into idempotency_key,
 * one statement on its own), then the write transaction (INSERT api_key, UPDATE idempotency_key with
 * the stored response). The bare server: the same statements, the same way, with only
 * the work the values need (ids, a random secret and its hash, a hash of the body).
 */
export const createApiKey: Scenario = {
  name: 'POST /api-keys (idempotent)',
  roundTrips: 'claim (INSERT … ON CONFLICT DO NOTHING, alone) + write transaction (BEGIN, INSERT, UPDATE, COMMIT)',
  expectedStatus: 201,
  request(fixture) {
    const run = randomUUID().slice(0, 8)
    let sent = 0
    return {
      method: 'POST',
      path: '/api-keys',
      headers: { 'x-api-key': fixture.apiKey, 'content-type': 'application/json' },
      // A fresh idempotency key and body for every request, so each one is a first attempt.
      setupRequest(request) {
        const key = `bench-${run}-${sent++}`
        request.headers = { ...request.headers, 'x-idempotency-key': key }
        request.body = JSON.stringify({ label: `bench ${key}` })
        return request
      },
    }
  },
  baselineRoute(app, { pool, tenantId }) {
    app.post<{ Body: { label?: string } }>('/api-keys', async (req, reply) => {
      const key = req.headers['x-idempotency-key']
      if (typeof key !== 'string') return reply.code(400).send({ error: 'X-Idempotency-Key is required' })
      const now = new Date()
      const claimToken = uuidv7()
      const claim = [
        tenantId,
        key,
        'in_progress',
        'POST',
        '/api-keys',
        EMPTY_PARAMS_HASH,
        sha256(JSON.stringify(req.body ?? null)),
        claimToken,
      ]
      const { rowCount } = await pool.query(INSERT_CLAIM, [
        ...claim,
        new Date(now.getTime() + 60_000),
        null,
        null,
        null,
        now,
        null,
        new Date(now.getTime() + 86_400_000),
      ])
      if (rowCount !== 1) return reply.code(409).send({ error: 'idempotency key in use' })

      const id = uuidv7()
      const secret = randomBytes(32)
      const secretKey = `ol_live_${secret.toString('base64url')}`
      const apiKey = {
        id,
        label: req.body?.label ?? 'default',
        prefix: 'ol_live_',
        hint: secretKey.slice(-4),
        scopes: SCOPES,
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
      }
      const stored = JSON.stringify({ apiKey, key: `ol_live_…${apiKey.hint}` })
      await transaction(pool, async (client) => {
        await client.query(INSERT_API_KEY, [
          tenantId,
          id,
          apiKey.label,
          sha256(secret),
          apiKey.hint,
          SCOPES,
          now,
          null,
          null,
        ])
        const { rowCount } = await client.query(COMPLETE_CLAIM, [
          'completed',
          null,
          201,
          JSON.stringify({ 'content-type': 'application/json; charset=utf-8' }),
          stored,
          now,
          tenantId,
          key,
          claimToken,
          'in_progress',
        ])
        if (rowCount !== 1) throw new Error('the idempotency claim was lost')
      })
      return reply.code(201).send({ apiKey, key: secretKey })
    })
  },
}
