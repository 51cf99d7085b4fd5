import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { namedStatements, useNamedStatements } from '../../src/persistence/compiled.js'
import type { Executor } from '../../src/persistence/database.js'
import { queryRows } from '../../src/persistence/database.js'
import * as keys from '../../src/persistence/repositories/api-key.repository.js'
import * as events from '../../src/persistence/repositories/event.repository.js'
import * as idempotency from '../../src/persistence/repositories/idempotency.repository.js'
import { onPostgres } from '../helpers/database.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/**
 * The compiled statements (src/persistence/compiled.ts) answer the same whether they run named
 * (prepared statements on PostgreSQL) or plain (OPENLINE_PREPARED_STATEMENTS=false), on the pool
 * and inside a transaction, on PGlite and on PostgreSQL.
 */
let t: TestApp
let tenant: TestTenant
const wasNamed = namedStatements()

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
})
afterAll(async () => {
  useNamedStatements(wasNamed)
  await t.close()
})

const at = new Date('2025-01-15T10:00:00.123Z')

/** Every compiled statement once, with a run of its own (its idempotency key, its events' stream). */
async function exercise(ex: Executor, run: string) {
  const tenantId = tenant.tenant.id
  const claim = {
    tenantId,
    key: `compiled-${run}`,
    state: 'in_progress' as const,
    method: 'POST',
    route: '/things',
    paramsHash: 'p',
    bodyHash: 'b',
    claimToken: uuidv7(),
    lockedUntil: at,
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    createdAt: at,
    completedAt: null,
    expiresAt: new Date(at.getTime() + 86_400_000),
  }
  const stream = { type: 'thing', id: run }
  const event = (sequence: number) => ({
    tenantId,
    id: uuidv7(),
    type: 'thing.updated',
    resourceType: 'thing',
    resourceId: run,
    streamType: stream.type,
    streamId: stream.id,
    sequence,
    occurredAt: at,
    data: { n: sequence, nested: { at: at.toISOString() } },
    requestId: null,
    actorType: 'api_key',
    actorId: 'k',
    actorLabel: 'test',
    createdAt: at,
  })
  const response = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', now: at }
  const answers = {
    withTenant: await keys.findApiKeyWithTenant(ex, tenantId, tenant.keyId),
    byId: await keys.findApiKey(ex, tenantId, tenant.keyId),
    otherTenant: await keys.findApiKey(ex, randomUUID(), tenant.keyId),
    claimed: await idempotency.insertClaim(ex, claim),
    claimedAgain: await idempotency.insertClaim(ex, { ...claim, claimToken: uuidv7() }),
    completed: await idempotency.complete(ex, claim, response),
    completedAgain: await idempotency.complete(ex, claim, response),
    stored: await idempotency.find(ex, tenantId, claim.key),
    events: await (async () => {
      await events.insertEvents(ex, [event(1)])
      await events.insertEvents(ex, [event(2), event(3), event(4)])
      return queryRows<Record<string, unknown>>(
        ex,
        sql`select sequence, occurred_at, data, request_id from event where tenant_id = ${tenantId} and stream_id = ${run} order by sequence`,
      )
    })(),
  }
  // What differs by run only: the run's own key and claim token.
  return { ...answers, stored: { ...answers.stored, key: undefined, claimToken: undefined } }
}

/** Names of the connection's prepared statements that are ours. */
async function prepared(ex: Executor): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    ex,
    sql`select name from pg_prepared_statements where name like 'ol\_%' order by name`,
  )
  return rows.map((r) => r.name)
}

describe('compiled statements', () => {
  it('answer the same named and plain, on the pool and in a transaction', async () => {
    const db = t.database.db
    const run = randomUUID()
    useNamedStatements(false)
    const plainPool = await exercise(db, `${run}-plain-pool`)
    const plainTx = await db.transaction(async (tx) => {
      const answers = await exercise(tx, `${run}-plain-tx`)
      if (onPostgres()) expect(await prepared(tx)).not.toContain('ol_api_key_by_id')
      return answers
    })
    useNamedStatements(true)
    const namedPool = await exercise(db, `${run}-named-pool`)
    const namedTx = await db.transaction(async (tx) => {
      const answers = await exercise(tx, `${run}-named-tx`)
      // On PostgreSQL they are prepared on the connection under their names; PGlite has no names.
      if (onPostgres())
        expect(await prepared(tx)).toEqual(
          expect.arrayContaining([
            'ol_api_key_by_id',
            'ol_api_key_with_tenant',
            'ol_event_insert_1',
            'ol_event_insert_3',
            'ol_idempotency_claim',
            'ol_idempotency_complete',
          ]),
        )
      return answers
    })

    expect(plainPool.withTenant?.key.id).toBe(tenant.keyId)
    expect(plainPool.withTenant?.tenant.id).toBe(tenant.tenant.id)
    expect(plainPool.byId).toEqual(plainPool.withTenant?.key)
    expect(plainPool.otherTenant).toBeUndefined()
    expect(plainPool).toMatchObject({ claimed: true, claimedAgain: false, completed: true, completedAgain: false })
    expect(plainPool.stored).toMatchObject({
      state: 'completed',
      responseStatus: 201,
      responseHeaders: { 'content-type': 'application/json' },
      completedAt: at,
      lockedUntil: null,
    })
    expect(plainPool.events.map((e) => Number(e.sequence))).toEqual([1, 2, 3, 4])
    expect(plainTx).toEqual(plainPool)
    expect(namedPool).toEqual(plainPool)
    expect(namedTx).toEqual(plainPool)
  })
})
