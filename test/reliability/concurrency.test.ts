import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/http/logger.js'
import { onPostgres } from '../helpers/database.js'
import { makeApiKey } from '../helpers/factories.js'
import { msisdns } from '../helpers/inventory.js'
import type { World } from '../helpers/subscriptions.js'
import { makeSubscription, subscriptionWorld } from '../helpers/subscriptions.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'
import { sizeFromEnv } from './support/random.js'
import { findSecrets } from './support/secrets.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Many identical requests at once through `app.inject` on the real container and database: one
 * effect per idempotency key, invariants of one subscription under racing writes, and number leases
 * racing for the last free number. PGlite runs queries one at a time, so it gets smaller sizes.
 * Sizes: RELIABILITY_KEYS (100 on PostgreSQL, 25 on PGlite) × RELIABILITY_COPIES (20), RELIABILITY_RACES (20).
 */
const KEYS = sizeFromEnv('RELIABILITY_KEYS', onPostgres() ? 100 : 25)
const COPIES = sizeFromEnv('RELIABILITY_COPIES', 20)
const RACES = sizeFromEnv('RELIABILITY_RACES', onPostgres() ? 20 : 10)
/** Keys sent at once (each with all its copies). */
const WAVE = 10

const logLines: string[] = []
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean))
    done()
  },
})

let t: TestApp
let world: World
const answers: LightMyRequestResponse[] = []
beforeAll(async () => {
  t = await createTestApp({ logger: createLogger('trace', logSink) })
  world = await subscriptionWorld(t)
})
afterAll(() => t.close())

const send = async (
  options: Parameters<TestApp['request']>[1],
  tenant: Parameters<TestApp['request']>[0] = world.tenant,
) => {
  const res = await t.request(tenant, options)
  answers.push(res)
  return res
}
const rows = async (query: ReturnType<typeof sql>): Promise<Json[]> =>
  ((await t.services.db.execute(query)) as unknown as { rows: Json[] }).rows
const inProgress = (res: LightMyRequestResponse) =>
  res.statusCode === 409 && res.json().code === 'idempotency.request_in_progress'

describe('idempotency under concurrency', () => {
  it(`${KEYS} keys × ${COPIES} identical requests at once: one customer per key, every other answer a replay or 409 in progress, then a replay`, async () => {
    const figures = { requests: 0, effects: 0, replays: 0, inProgress: 0, other: 0 }
    const tag = `conc-${Date.now()}`
    for (let wave = 0; wave < KEYS; wave += WAVE) {
      const keys = Array.from({ length: Math.min(WAVE, KEYS - wave) }, (_, i) => `${tag}-${wave + i}`)
      const results = await Promise.all(
        keys.map(async (key) => {
          const copies = await Promise.all(
            Array.from({ length: COPIES }, () =>
              send({
                method: 'POST',
                url: '/customers',
                headers: { 'x-idempotency-key': key },
                payload: { customerType: 'CONSUMER', name: key },
              }),
            ),
          )
          return { key, copies }
        }),
      )
      for (const { key, copies } of results) {
        figures.requests += copies.length
        const first = copies.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined)
        const replays = copies.filter((r) => r.headers['idempotent-replayed'] === 'true')
        const waiting = copies.filter(inProgress)
        figures.effects += first.length
        figures.replays += replays.length
        figures.inProgress += waiting.length
        figures.other += copies.length - first.length - replays.length - waiting.length
        expect(first, key).toHaveLength(1)
        // Once it has finished, the key answers a replay: the same status and body.
        const after = await send({
          method: 'POST',
          url: '/customers',
          headers: { 'x-idempotency-key': key },
          payload: { customerType: 'CONSUMER', name: key },
        })
        expect(after.headers['idempotent-replayed']).toBe('true')
        figures.requests++
        figures.replays++
        replays.push(after)
        for (const replay of replays) {
          expect(replay.statusCode).toBe(201)
          expect(replay.body).toBe(first[0]?.body)
        }
      }
    }
    const created = await rows(
      sql`select name, count(*)::int as n from customer where tenant_id = ${world.tenant.tenant.id} and name like ${`${tag}-%`} group by name`,
    )
    console.log(
      `concurrency suite, idempotency: ${KEYS} keys × ${COPIES} copies = ${figures.requests} requests; ${figures.effects} effects, ` +
        `${figures.replays} replays, ${figures.inProgress} answered 409 in progress, ${figures.other} other; ${created.length} customers written`,
    )
    expect(figures.other).toBe(0)
    expect(figures.effects).toBe(KEYS)
    expect(created).toHaveLength(KEYS)
    expect(created.every((r) => r.n === 1)).toBe(true)
  }, 600_000)

  it('the same key with another body, at once and afterwards, answers 409 idempotency.key_reused and writes once', async () => {
    const key = `reuse-${Date.now()}`
    const bodies = Array.from({ length: 10 }, (_, i) => ({ customerType: 'CONSUMER', name: `${key}-${i % 2}` }))
    const racing = await Promise.all(
      bodies.map((payload) =>
        send({ method: 'POST', url: '/customers', headers: { 'x-idempotency-key': key }, payload }),
      ),
    )
    const winners = racing.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined)
    expect(winners).toHaveLength(1)
    const winnerName = winners[0]?.json().name as string
    for (const [i, res] of racing.entries()) {
      if (res === winners[0]) continue
      if (bodies[i]?.name === winnerName) expect(res.statusCode === 201 || inProgress(res), res.body).toBe(true)
      else expect([409], res.body).toContain(res.statusCode)
      if (bodies[i]?.name !== winnerName && !inProgress(res)) expect(res.json().code).toBe('idempotency.key_reused')
    }
    const other = bodies.find((b) => b.name !== winnerName)
    const later = await send({
      method: 'POST',
      url: '/customers',
      headers: { 'x-idempotency-key': key },
      payload: other,
    })
    expect(later.statusCode).toBe(409)
    expect(later.json().code).toBe('idempotency.key_reused')
    const written = await rows(
      sql`select count(*)::int as n from customer where tenant_id = ${world.tenant.tenant.id} and name like ${`${key}-%`}`,
    )
    expect(written[0]?.n).toBe(1)
  })
})

describe('one subscription under racing writes', () => {
  it('never holds more add-ons than the maximum nor more than one pending change of a kind', async () => {
    const subscription = await makeSubscription(t, world)
    const id = subscription.subscriptionId as string
    const path = (p: string) => `/subscriptions/${id}/${p}`
    const writes = [
      ...Array.from({ length: 8 }, () => ({
        method: 'POST' as const,
        url: path('addons'),
        payload: { productOfferingId: 'addon-data-1gb' },
      })),
      ...Array.from({ length: 4 }, () => ({
        method: 'POST' as const,
        url: path('addons'),
        payload: { productOfferingId: 'addon-data-5gb' },
      })),
      ...Array.from({ length: 4 }, () => ({
        method: 'PUT' as const,
        url: path('product-offering-change'),
        payload: { productOfferingId: 'mobile-plan-basic' },
      })),
      ...Array.from({ length: 4 }, () => ({
        method: 'POST' as const,
        url: path('cancel'),
        payload: { schedule: { type: 'CancelAtDate', date: '2025-03-20' }, reason: 'NO_NEED' },
      })),
    ]
    const results = await Promise.all(writes.map((w) => send(w)))
    const statuses = results.map((r) => r.statusCode)
    const addons = await rows(
      sql`select product_offering_id as offering, count(*)::int as n from subscription_addon
          where tenant_id = ${world.tenant.tenant.id} and subscription_id = ${id} and status in ('ACTIVE', 'PENDING')
          group by product_offering_id`,
    )
    const pending = await rows(
      sql`select kind, count(*)::int as n from scheduled_change
          where tenant_id = ${world.tenant.tenant.id} and target_id = ${id} and status = 'PENDING' group by kind`,
    )
    console.log(
      `concurrency suite, one subscription: ${writes.length} racing writes answered ${JSON.stringify(count(statuses))}; ` +
        `live add-ons ${JSON.stringify(addons)}, pending changes ${JSON.stringify(pending)}`,
    )
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    for (const a of addons) expect(a.n, a.offering).toBeLessThanOrEqual(1)
    for (const p of pending) expect(p.n, p.kind).toBe(1)
    const after = (await send({ method: 'GET', url: `/subscriptions/${id}` })).json()
    expect(after.pendingStatus).toEqual({ status: 'CANCELLED', scheduledAt: '2025-03-20' })
  })
})

describe('number leases racing for the last free number', () => {
  it(`${RACES} times two leases for one free number: exactly one wins`, async () => {
    const tenant = await t.tenant()
    const outcomes: Record<string, number> = {}
    for (let race = 0; race < RACES; race++) {
      const [msisdn] = msisdns(1)
      const imported = await send(
        { method: 'POST', url: '/inventory/numbers/import', payload: { numbers: [{ msisdn, type: 'CELL' }] } },
        tenant,
      )
      expect(imported.statusCode, imported.body).toBe(200)
      const pair = await Promise.all(
        [0, 1].map(() =>
          send({ method: 'POST', url: '/inventory/lease-numbers', payload: { types: ['CELL'], count: 1 } }, tenant),
        ),
      )
      const won = pair.filter((r) => r.statusCode === 201)
      for (const r of pair) outcomes[r.statusCode] = (outcomes[r.statusCode] ?? 0) + 1
      expect(won, pair.map((r) => r.body).join('\n')).toHaveLength(1)
      expect(won[0]?.json().numbers.map((n: Json) => n.msisdn)).toEqual([msisdn])
      const lost = pair.find((r) => r.statusCode !== 201) as LightMyRequestResponse
      expect(lost.statusCode, lost.body).toBeLessThan(500)
      expect(lost.statusCode).toBeGreaterThanOrEqual(400)
    }
    console.log(`concurrency suite, number leases: ${RACES} races of two, answers ${JSON.stringify(outcomes)}`)
  })
})

describe('secrets under trace logging', () => {
  it('no API key shows up in the trace logs, the answers or /metrics', async () => {
    const extra = await makeApiKey(t.services, world.tenant.tenant)
    await send({ method: 'GET', url: '/customers' }, { headers: extra.headers })
    await send({ method: 'GET', url: '/customers', headers: { authorization: `Bearer ${extra.key}` } }, null)
    await send({ method: 'GET', url: '/customers', headers: { 'x-api-key': `${extra.key}0` } }, null)
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    const hits = findSecrets([...logLines, ...answers.map((a) => a.body), metrics.body], [world.tenant.key, extra.key])
    console.log(
      `concurrency suite, secrets: ${logLines.length} log lines at trace, ${answers.length} answers and /metrics scanned: ${hits.length} leaks`,
    )
    expect(logLines.length).toBeGreaterThan(1000)
    expect(hits).toEqual([])
  })
})

function count(values: number[]): Record<number, number> {
  const out: Record<number, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}
