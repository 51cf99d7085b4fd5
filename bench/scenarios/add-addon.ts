import { randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import { COMPLETE_CLAIM, INSERT_CLAIM, sha256 } from './create-api-key.js'
import type { Scenario } from './scenario.js'
import { transaction } from './transaction.js'

const LOCK_SUBSCRIPTION =
  'select "id", "status", "customer_id", "product_offering_id" from "subscription" ' +
  'where ("subscription"."tenant_id" = $1 and "subscription"."id" = $2) for update'
const INSERT_ADDON =
  'insert into "subscription_addon" ("tenant_id", "id", "subscription_id", "product_offering_id", "status", "added_at", ' +
  '"activated_at", "billing_anchor_at", "metadata", "created_at", "updated_at") values ($1, $2, $3, $4, $5, $6, $6, $6, $7, $6, $6)'
const INSERT_TIMELINE =
  'insert into "timeline_entry" ("tenant_id", "id", "subject_type", "subject_id", "kind", "effective_at", "actor_type", ' +
  '"actor_id", "actor_label", "details", "request_id", "created_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $6)'
// The event with its gap-free number: the stream upsert and the insert in one statement.
const INSERT_EVENT =
  'with s as (insert into "event_stream" ("tenant_id", "stream_type", "stream_id", "last_sequence") values ($1, $2, $3, 1) ' +
  'on conflict ("tenant_id", "stream_type", "stream_id") do update set "last_sequence" = "event_stream"."last_sequence" + 1 ' +
  'returning "last_sequence") insert into "event" ("tenant_id", "id", "type", "resource_type", "resource_id", "occurred_at", ' +
  '"data", "request_id", "actor_type", "actor_id", "actor_label", "created_at", "stream_type", "stream_id", "sequence") ' +
  'select $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $8, $2, $3, s."last_sequence" from s'

const ROUTE = '/subscriptions/:subscriptionId/addons'

/**
 * Adds a new add-on (the bench catalog's `bench-addon`, no per-subscription limit) with a fresh
 * idempotency key, rotating over the server's own subscriptions. The bare server makes the minimal
 * statements the issue names: the idempotency claim (alone), then BEGIN, the subscription lock,
 * the add-on, its timeline row, its event (the stream number and the row in one statement), the
 * stored response, COMMIT: 8. Openline's count is whatever BENCH_TRACE=1 shows (18 when written).
 */
export const addAddon: Scenario = {
  name: 'POST /subscriptions/{id}/addons (new)',
  roundTrips:
    'bare: claim + BEGIN, lock subscription, INSERT add-on, timeline row, event (with its stream number), stored response, COMMIT (8)',
  expectedStatus: 201,
  request(fixture, side) {
    const run = randomUUID().slice(0, 8)
    const subscriptions = fixture.subscriptions[side]
    let sent = 0
    return {
      method: 'POST',
      path: `/subscriptions/${subscriptions[0]}/addons`,
      headers: { 'x-api-key': fixture.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ productOfferingId: 'bench-addon' }),
      setupRequest(request) {
        const n = sent++
        request.path = `/subscriptions/${subscriptions[n % subscriptions.length]}/addons`
        request.headers = { ...request.headers, 'x-idempotency-key': `bench-addon-${run}-${n}` }
        return request
      },
    }
  },
  baselineRoute(app, { pool, tenantId }) {
    app.post<{ Params: { subscriptionId: string }; Body: { productOfferingId: string } }>(
      '/subscriptions/:subscriptionId/addons',
      async (req, reply) => {
        const key = req.headers['x-idempotency-key']
        if (typeof key !== 'string') return reply.code(400).send({ error: 'X-Idempotency-Key is required' })
        const now = new Date()
        const claimToken = uuidv7()
        const { subscriptionId } = req.params
        const { rowCount } = await pool.query(INSERT_CLAIM, [
          tenantId,
          key,
          'in_progress',
          'POST',
          ROUTE,
          sha256(JSON.stringify(req.params)),
          sha256(JSON.stringify(req.body)),
          claimToken,
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
        const requestId = randomUUID()
        const addon = {
          subscriptionAddonId: id,
          subscriptionId,
          productOfferingId: req.body.productOfferingId,
          status: 'ACTIVE',
          addedAt: now,
          activatedAt: now,
        }
        const answer = await transaction(pool, async (client) => {
          const { rows } = await client.query<{ id: string }>(LOCK_SUBSCRIPTION, [tenantId, subscriptionId])
          if (!rows[0]) return undefined
          await client.query(INSERT_ADDON, [tenantId, id, subscriptionId, addon.productOfferingId, 'ACTIVE', now, '{}'])
          await client.query(INSERT_TIMELINE, [
            tenantId,
            uuidv7(),
            'subscription_addon',
            id,
            'addon.added',
            now,
            'api_key',
            'bench',
            'bench',
            '{}',
            requestId,
          ])
          await client.query(INSERT_EVENT, [
            tenantId,
            'subscription',
            subscriptionId,
            uuidv7(),
            'subscription.addon.added',
            'subscription_addon',
            id,
            now,
            JSON.stringify(addon),
            requestId,
            'api_key',
            'bench',
            'bench',
          ])
          const stored = JSON.stringify(addon)
          const completed = await client.query(COMPLETE_CLAIM, [
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
          if (completed.rowCount !== 1) throw new Error('the idempotency claim was lost')
          return addon
        })
        if (!answer) return reply.code(404).send({ error: 'subscription not found' })
        return reply.code(201).send(answer)
      },
    )
  },
}
