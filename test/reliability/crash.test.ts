import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FULFIL_ORDER } from '../../src/services/orders/order.service.js'
import { eventually, serverDatabase } from './support/database.js'
import type { Answer } from './support/load.js'
import { LoadClient, newFigures } from './support/load.js'
import { seededRandom, sizeFromEnv } from './support/random.js'
import { findSecrets } from './support/secrets.js'
import { ServerProcess } from './support/server.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A real `openline serve` on PostgreSQL under a write load, killed with SIGKILL at seeded random
 * moments and started again; the clients send every unanswered request again with the same key.
 * Sizes: RELIABILITY_KILLS (20), RELIABILITY_CLIENTS (4), RELIABILITY_SEED (12).
 */
const KILLS = sizeFromEnv('RELIABILITY_KILLS', 20)
const CLIENTS = sizeFromEnv('RELIABILITY_CLIENTS', 4)
const SEED = sizeFromEnv('RELIABILITY_SEED', 12)
/** A job of a killed process is taken over after this; the default (5 minutes) would outlast the suite. */
const JOB_LEASE_MS = 3000
const PASSCODE = 'Zq7Pass91x'

const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
if (!onPostgres) {
  console.log('crash suite skipped: it needs PostgreSQL (TEST_DATABASE_URL); embedded PGlite is one process only.')
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const ok = (a: Answer) => a.status >= 200 && a.status < 300

describe.skipIf(!onPostgres)('openline serve killed with SIGKILL under write load', () => {
  let database: Awaited<ReturnType<typeof serverDatabase>>
  let server: ServerProcess
  const answerBodies: string[] = []
  const createdKeys: string[] = []

  const call = async (method: string, path: string, body?: Json, headers: Record<string, string> = {}) => {
    const res = await fetch(server.base + path, {
      method,
      headers: {
        'x-api-key': server.key,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    answerBodies.push(text)
    return { status: res.status, text, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json }
  }
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await database.client.query<{ n: string }>(sql, params)).rows[0]?.n)

  beforeAll(async () => {
    database = await serverDatabase()
    server = new ServerProcess({
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      OPENLINE_WORKER_POLL_MS: '100',
      OPENLINE_WORKER_LEASE_MS: String(JOB_LEASE_MS),
    })
    await server.start()
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    await database?.drop()
  })

  it('loses no acknowledged write, doubles none, and leaves no key in progress, no order or due job stuck', async () => {
    const random = seededRandom(SEED)
    const figures = newFigures()
    const clients: LoadClient[] = []
    for (let i = 1; i <= CLIENTS; i++) {
      const customer = await call('POST', '/customers', { customerType: 'CONSUMER', name: `Crash client ${i}` })
      expect(customer.status, customer.text).toBe(201)
      clients.push(new LoadClient(server, seededRandom(SEED * 1000 + i), figures, customer.body.customerId, i))
    }
    let stopped = false
    const running = Promise.all(clients.map((c) => c.run(() => stopped)))
    running.catch(() => undefined)
    const started = Date.now()
    for (let kill = 0; kill < KILLS; kill++) {
      await delay(500 + random() * 2000)
      await server.kill()
      await delay(random() * 200)
      await server.start()
    }
    await delay(500)
    stopped = true
    await running
    const loadSeconds = (Date.now() - started) / 1000

    const answers = clients.flatMap((c) => c.answers)
    // Each key got exactly one answer (a cut request was sent again until it got one).
    expect(new Set(answers.map((a) => a.key)).size).toBe(answers.length)
    const acked = (kind: Answer['kind']) => answers.filter((a) => a.kind === kind && ok(a))

    // Every acknowledged write is readable through the API.
    const lost: string[] = []
    for (const a of acked('subscription')) {
      const read = await call('GET', `/subscriptions/${a.body.subscriptionId}`)
      if (read.status !== 200 || read.body.msisdn !== a.body.msisdn) lost.push(`subscription ${a.body.subscriptionId}`)
    }
    for (const a of acked('addon')) {
      const read = await call('GET', `/subscriptions/${a.body.subscriptionId}/addons/${a.body.subscriptionAddonId}`)
      if (read.status !== 200) lost.push(`add-on ${a.body.subscriptionAddonId}`)
    }
    for (const a of acked('order')) {
      const read = await call('GET', `/orders/${a.body.orderId}`)
      if (read.status !== 200) lost.push(`order ${a.body.orderId}`)
    }

    // Nothing exists twice: one row per acknowledged create (every key was answered, none was 5xx).
    const rows = {
      subscription: await count(`SELECT count(*) AS n FROM subscription`),
      addon: await count(`SELECT count(*) AS n FROM subscription_addon`),
      order: await count(`SELECT count(*) AS n FROM sales_order`),
    }
    const duplicates =
      rows.subscription -
      acked('subscription').length +
      rows.addon -
      acked('addon').length +
      rows.order -
      acked('order').length
    const inProgressKeys = await count(`SELECT count(*) AS n FROM idempotency_key WHERE state = 'in_progress'`)

    // Every submitted order ends COMPLETED or FAILED, with one top-up per completed order.
    const settled = await eventually(
      async () =>
        (await count(`SELECT count(*) AS n FROM sales_order WHERE status IN ('SUBMITTED', 'PROCESSING')`)) === 0,
      90_000,
    )
    const orders = await database.client.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM sales_order GROUP BY status`,
    )
    const byStatus = Object.fromEntries(orders.rows.map((r) => [r.status, Number(r.n)]))
    const topups = await count(`SELECT count(*) AS n FROM subscription_topup`)
    // Every due job ran (none queued or held past its time).
    const jobsDone = await eventually(
      async () =>
        (await count(`SELECT count(*) AS n FROM job WHERE state IN ('queued', 'running') AND run_at <= now()`)) === 0,
      60_000,
    )

    const serverErrors = clients.flatMap((c) => c.serverErrorBodies)
    console.log(
      `crash suite: ${KILLS} kills (seed ${SEED}, ${CLIENTS} clients, ${server.starts} starts, ${loadSeconds.toFixed(0)} s of load); ` +
        `${figures.requests} requests, ${figures.acknowledged} acknowledged, ${figures.rejected} answered 4xx, ` +
        `${figures.cut} cut by a kill and sent again, ${figures.inProgress} answered 409 in progress; ` +
        `${acked('subscription').length} subscriptions, ${acked('addon').length} add-ons, ${acked('order').length} orders ` +
        `(${JSON.stringify(byStatus)}), ${topups} top-ups; lost writes ${lost.length}, duplicates ${duplicates}, ` +
        `5xx ${figures.serverErrors}, keys left in progress ${inProgressKeys}`,
    )
    expect(serverErrors).toEqual([])
    expect(lost).toEqual([])
    expect(rows).toEqual({
      subscription: acked('subscription').length,
      addon: acked('addon').length,
      order: acked('order').length,
    })
    expect(inProgressKeys).toBe(0)
    expect(settled).toBe(true)
    expect(acked('submit').length).toBe(acked('order').length)
    expect(topups).toBe(byStatus.COMPLETED ?? 0)
    expect(jobsDone).toBe(true)
    expect(acked('subscription').length).toBeGreaterThan(0)
    expect(figures.cut).toBeGreaterThan(0)
  }, 600_000)

  it('takes over the job of a process killed in the middle of fulfilling an order, and the order completes once', async () => {
    const customer = await call('POST', '/customers', { customerType: 'CONSUMER', name: 'Mid-job' })
    const subscription = await call('POST', '/subscriptions', {
      productOfferingId: 'mobile-plan-plus',
      customerId: customer.body.customerId,
      subscriber: { name: 'Mid Job' },
      msisdn: '+18889000001',
    })
    expect(subscription.status, subscription.text).toBe(201)
    const subscriptionId = subscription.body.subscriptionId as string
    const order = await call('POST', '/orders', {
      customer: { customerId: customer.body.customerId },
      lineItems: [{ type: 'TOP_UP', lineItemId: 'topup', productOfferingId: 'topup-data-2gb', subscriptionId }],
    })
    expect(order.status, order.text).toBe(201)
    const orderId = order.body.orderId as string

    // Hold the subscription's row: the fulfilment marks the order PROCESSING, then waits for it.
    const holder = database.client
    await holder.query('BEGIN')
    await holder.query(`SELECT 1 FROM subscription WHERE id = $1 FOR UPDATE`, [subscriptionId])
    const submitted = await call('POST', `/orders/${orderId}/submit`, {}, { 'x-idempotency-key': `submit-${orderId}` })
    expect(submitted.status, submitted.text).toBe(200)
    const status = () => call('GET', `/orders/${orderId}`).then((r) => r.body.status as string)
    const runningJob = `SELECT count(*) AS n FROM job WHERE kind = '${FULFIL_ORDER}' AND state = 'running' AND payload->>'orderId' = $1`
    const mid = await eventually(async () => (await status()) === 'PROCESSING', 60_000)
    expect(mid).toBe(true)
    const heldJob = await count(runningJob, [orderId])
    await server.kill()
    await holder.query('ROLLBACK')
    await server.start()

    const completed = await eventually(async () => (await status()) === 'COMPLETED', 60_000)
    const job = await database.client.query<{ state: string; attempts: number }>(
      `SELECT state, attempts FROM job WHERE kind = '${FULFIL_ORDER}' AND payload->>'orderId' = $1`,
      [orderId],
    )
    const topups = await count(`SELECT count(*) AS n FROM subscription_topup WHERE subscription_id = $1`, [
      subscriptionId,
    ])
    console.log(
      `crash suite, mid-job kill: job held when killed ${heldJob}, then ${JSON.stringify(job.rows)}; order ${await status()}, top-ups ${topups}`,
    )
    expect(heldJob).toBe(1)
    expect(completed).toBe(true)
    expect(job.rows).toEqual([{ state: 'succeeded', attempts: 2 }])
    expect(topups).toBe(1)
  }, 300_000)

  it('shows no API key, passcode or webhook secret in its trace logs, its answers or /metrics', async () => {
    const created = await call('POST', '/api-keys', { label: 'reliability' })
    expect(created.status, created.text).toBe(201)
    const secret = created.body.key as string
    createdKeys.push(secret)
    answerBodies.pop() // the one answer that shows the new key, by design
    // The new key at work, in a wrong header and as a wrong key.
    expect((await call('GET', '/api-keys', undefined, { 'x-api-key': secret })).status).toBe(200)
    await call('GET', '/api-keys', undefined, { authorization: `Bearer ${secret}` })
    expect((await call('GET', '/api-keys', undefined, { 'x-api-key': `${secret}x` })).status).toBe(401)
    // A port-in with a passcode, through an order.
    const customer = await call('POST', '/customers', { customerType: 'CONSUMER', name: 'Porting' })
    const order = await call('POST', '/orders', {
      customer: { customerId: customer.body.customerId },
      lineItems: [
        {
          type: 'SUBSCRIPTION',
          productOfferingId: 'mobile-plan-basic',
          subscriber: { name: 'Ada Lovelace' },
          sim: { esim: true },
          msisdn: '+15554441234',
          porting: {
            firstName: 'Ada',
            lastName: 'Lovelace',
            address: { street1: '1 Main St', city: 'San Francisco', state: 'CA', zip: '94105', country: 'US' },
            accountNumber: 'ACC-1234',
            passcode: PASSCODE,
          },
        },
      ],
    })
    expect(order.status, order.text).toBe(201)
    expect((await call('POST', `/orders/${order.body.orderId}/submit`, {})).status).toBe(200)
    await eventually(
      async () => (await call('GET', `/orders/${order.body.orderId}`)).body.status === 'COMPLETED',
      30_000,
    )
    const metrics = await fetch(`${server.base}/metrics`).then((r) => r.text())

    const secrets = [server.key, ...createdKeys, PASSCODE]
    const hits = findSecrets([...server.logs, ...answerBodies, metrics], secrets)
    console.log(
      `crash suite, secrets: ${server.logs.length} log lines at trace, ${answerBodies.length} answers and /metrics scanned for ${secrets.length} secrets: ${hits.length} leaks`,
    )
    expect(server.logs.length).toBeGreaterThan(100)
    expect(hits).toEqual([])
  }, 120_000)
})
