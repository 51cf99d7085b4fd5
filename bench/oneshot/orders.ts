import type pg from 'pg'
import { v7 as uuidv7 } from 'uuid'
import { api, inParallel } from '../fixture.js'
import { COMPLETE_CLAIM, INSERT_CLAIM, sha256 } from '../scenarios/create-api-key.js'
import type { OneShot } from './oneshot.js'
import { side, waitUntil } from './oneshot.js'

const CONCURRENCY = 8 // orders in flight at once, on each side
const WORKER_BATCH = 10 // OPENLINE_WORKER_BATCH_SIZE's default
const WORKER_IDLE_MS = 1000 // OPENLINE_WORKER_POLL_MS's default: how long an idle worker waits
/** The bare side's job kind: queued with run_at = infinity, so Openline's worker never claims it. */
const BARE_JOB = 'bench.bare-fulfil-order'

/** The bare side's stock: numbers of type BENCH and PHYSICAL SIMs, which Openline's orders (CELL, eSIM) never take. */
export const BARE_NUMBER_TYPE = 'BENCH'

const line = {
  type: 'SUBSCRIPTION',
  productOfferingId: 'bench-plan',
  subscriber: { name: 'Bench Ordered' },
  sim: { esim: true },
}

const completedOf = async (
  pool: pg.Pool,
  tenantId: string,
  ids: string[],
): Promise<{ done: number; failed: number }> => {
  const { rows } = await pool.query<{ done: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS done, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
     FROM sales_order WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
    [tenantId, ids],
  )
  return rows[0] ?? { done: 0, failed: 0 }
}

/**
 * An order end to end: `count` orders, 8 at a time, each created (POST /orders for the bench
 * customer), given a line (POST …/line-items: a new subscription on the bench plan, a number from
 * the pool, any eSIM) and submitted (POST …/submit), every write with a fresh idempotency key; the
 * clock runs from the first create until the worker has completed them all. The bare side gets
 * the same three requests (its routes below) and its own worker loop in the bare server.
 */
export const ordersEndToEnd: OneShot = {
  name: 'order end to end (create, line, submit, worker)',
  roundTrips:
    'Openline: its routes and its worker; bare: per request the idempotency claim and stored response around one statement (order, line, submit with its job), then a worker loop: claim, lock the order, take a number and a SIM, subscriber, subscription, complete, event, job done',
  async run({ fixture, pool, openlineUrl, baselineUrl, timeoutMs, log }, count) {
    const drive = async (url: string): Promise<{ ids: string[]; seconds: () => number }> => {
      const started = performance.now()
      const ids = await inParallel(Array.from({ length: count }), CONCURRENCY, async () => {
        const order = await api<{ orderId: string }>(url, fixture.apiKey, 'POST', '/orders', {
          customer: { customerId: fixture.customerId },
        })
        await api(url, fixture.apiKey, 'POST', `/orders/${order.orderId}/line-items`, line)
        await api(url, fixture.apiKey, 'POST', `/orders/${order.orderId}/submit`, {}, 200)
        return order.orderId
      })
      return { ids, seconds: () => (performance.now() - started) / 1000 }
    }
    const result = async (name: string, url: string) => {
      const { ids, seconds } = await drive(url)
      let state = { done: 0, failed: 0 }
      await waitUntil(
        async () => {
          state = await completedOf(pool, fixture.tenantId, ids)
          return state.done + state.failed >= ids.length
        },
        timeoutMs,
        50,
      )
      const took = seconds()
      log(`orders: ${name} completed ${state.done} of ${count} (${state.failed} failed) in ${took.toFixed(2)} s`)
      if (state.failed > 0) throw new Error(`${state.failed} ${name} orders failed`)
      return side(state.done, count, took)
    }
    return { openline: await result('Openline', openlineUrl), baseline: await result('bare', baselineUrl) }
  },
  baselineRoute(app, { pool, tenantId }) {
    /** The claim, then `work` and the stored response in one transaction: the idempotency record of the other twins. */
    const idempotent = async <T>(
      key: unknown,
      route: string,
      params: unknown,
      body: unknown,
      work: (client: pg.PoolClient, now: Date) => Promise<T>,
    ): Promise<T> => {
      if (typeof key !== 'string') throw new Error('X-Idempotency-Key is required')
      const now = new Date()
      const claimToken = uuidv7()
      const claim = [
        tenantId,
        key,
        'in_progress',
        'POST',
        route,
        sha256(JSON.stringify(params)),
        sha256(JSON.stringify(body ?? null)),
      ]
      const late = (ms: number) => new Date(now.getTime() + ms)
      const { rowCount } = await pool.query(INSERT_CLAIM, [
        ...claim,
        claimToken,
        late(60_000),
        null,
        null,
        null,
        now,
        null,
        late(86_400_000),
      ])
      if (rowCount !== 1) throw new Error('idempotency key in use')
      const client = await pool.connect()
      try {
        await client.query('begin')
        const answer = await work(client, now)
        const headers = JSON.stringify({ 'content-type': 'application/json; charset=utf-8' })
        const stored = JSON.stringify(answer)
        await client.query(COMPLETE_CLAIM, [
          'completed',
          null,
          200,
          headers,
          stored,
          now,
          tenantId,
          key,
          claimToken,
          'in_progress',
        ])
        await client.query('commit')
        return answer
      } catch (error) {
        await client.query('rollback').catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    }

    app.post<{ Body: { customer: { customerId: string } } }>('/orders', async (req, reply) => {
      const answer = await idempotent(
        req.headers['x-idempotency-key'],
        '/orders',
        {},
        req.body,
        async (client, now) => {
          const id = uuidv7()
          await client.query(
            `INSERT INTO sales_order (tenant_id, id, status, customer_id, metadata, expires_at, created_at, updated_at)
           VALUES ($1, $2, 'PENDING', $3, '{}', $4, $5, $5)`,
            [tenantId, id, req.body.customer.customerId, new Date(now.getTime() + 30 * 86_400_000), now],
          )
          return { orderId: id, status: 'PENDING' }
        },
      )
      return reply.code(201).send(answer)
    })

    app.post<{ Params: { orderId: string }; Body: Record<string, unknown> }>(
      '/orders/:orderId/line-items',
      async (req, reply) => {
        const route = '/orders/:orderId/line-items'
        const answer = await idempotent(
          req.headers['x-idempotency-key'],
          route,
          req.params,
          req.body,
          async (client, now) => {
            const { rows } = await client.query<{ line_item_id: string }>(
              `WITH o AS (UPDATE sales_order SET line_item_seq = line_item_seq + 1, updated_at = $3
             WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' RETURNING line_item_seq)
           INSERT INTO order_line_item (tenant_id, order_id, line_item_id, position, type, item, created_at, updated_at)
           SELECT $1, $2, 'line-' || o.line_item_seq, o.line_item_seq, $4, $5, $3, $3 FROM o RETURNING line_item_id`,
              [tenantId, req.params.orderId, now, req.body.type, JSON.stringify(req.body)],
            )
            if (!rows[0]) throw new Error('no such pending order')
            return { lineItemId: rows[0].line_item_id, ...req.body }
          },
        )
        return reply.code(201).send(answer)
      },
    )

    app.post<{ Params: { orderId: string } }>('/orders/:orderId/submit', async (req) => {
      const route = '/orders/:orderId/submit'
      const answer = await idempotent(
        req.headers['x-idempotency-key'],
        route,
        req.params,
        req.body,
        async (client, now) => {
          const { rowCount } = await client.query(
            `WITH o AS (UPDATE sales_order SET status = 'SUBMITTED', submitted_at = $3, updated_at = $3
             WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' RETURNING id)
           INSERT INTO job (tenant_id, id, kind, payload, dedupe_key, state, run_at, attempts, max_attempts, created_at, updated_at)
           SELECT $1, $4, $5, jsonb_build_object('orderId', o.id), $5 || ':' || o.id, 'queued', 'infinity', 0, 5, $3, $3 FROM o`,
            [tenantId, req.params.orderId, now, uuidv7(), BARE_JOB],
          )
          if (rowCount !== 1) throw new Error('no such pending order')
          return { orderId: req.params.orderId, status: 'SUBMITTED' }
        },
      )
      return answer
    })

    // The bare worker: claims up to 10 of its jobs, fulfils them one by one, idles 1 s when there are none.
    const fulfil = async (job: { id: string; order_id: string }) => {
      const client = await pool.connect()
      try {
        await client.query('begin')
        const now = new Date()
        const { rows: orders } = await client.query<{ customer_id: string }>(
          `SELECT customer_id FROM sales_order WHERE tenant_id = $1 AND id = $2 AND status = 'SUBMITTED' FOR UPDATE`,
          [tenantId, job.order_id],
        )
        const { rows: lines } = await client.query<{
          item: { productOfferingId: string; subscriber: { name: string } }
        }>(`SELECT item FROM order_line_item WHERE tenant_id = $1 AND order_id = $2 ORDER BY position`, [
          tenantId,
          job.order_id,
        ])
        const order = orders[0]
        const item = lines[0]?.item
        if (!order || !item) throw new Error(`order ${job.order_id} is not there to fulfil`)
        const subscriptionId = uuidv7()
        const subscriberId = uuidv7()
        const { rows: numbers } = await client.query<{ msisdn: string }>(
          `UPDATE phone_number SET status = 'ASSIGNED', subscription_id = $2, updated_at = $3
           WHERE (tenant_id, msisdn) = (SELECT tenant_id, msisdn FROM phone_number WHERE tenant_id = $1 AND status = 'AVAILABLE'
             AND type = '${BARE_NUMBER_TYPE}' ORDER BY grade, msisdn LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING msisdn`,
          [tenantId, subscriptionId, now],
        )
        const { rows: sims } = await client.query<{ iccid: string }>(
          `UPDATE sim SET status = 'IN_USE', subscription_id = $2, updated_at = $3
           WHERE (tenant_id, iccid) = (SELECT tenant_id, iccid FROM sim WHERE tenant_id = $1 AND status = 'AVAILABLE'
             AND type = 'PHYSICAL' ORDER BY iccid LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING iccid`,
          [tenantId, subscriptionId, now],
        )
        if (!numbers[0] || !sims[0]) throw new Error('the bare stock is empty')
        await client.query(
          `INSERT INTO subscriber (tenant_id, id, customer_id, name, metadata, created_at, updated_at) VALUES ($1, $2, $3, $4, '{}', $5, $5)`,
          [tenantId, subscriberId, order.customer_id, item.subscriber.name, now],
        )
        await client.query(
          `INSERT INTO subscription (tenant_id, id, status, type, msisdn, customer_id, subscriber_id, product_offering_id, sim,
             billing_anchor_at, activated_at, metadata, created_at, updated_at)
           VALUES ($1, $2, 'ACTIVATED', 'CELL', $3, $4, $5, $6, $7, $8, $8, '{}', $8, $8)`,
          [
            tenantId,
            subscriptionId,
            numbers[0].msisdn,
            order.customer_id,
            subscriberId,
            item.productOfferingId,
            JSON.stringify({ esim: false, iccid: sims[0].iccid }),
            now,
          ],
        )
        const created = { subscriptions: [subscriptionId], subscribers: [subscriberId] }
        await client.query(
          `UPDATE sales_order SET status = 'COMPLETED', completed_at = $3, created_entities = $4, updated_at = $3
           WHERE tenant_id = $1 AND id = $2`,
          [tenantId, job.order_id, now, JSON.stringify(created)],
        )
        await client.query(
          `WITH s AS (INSERT INTO event_stream (tenant_id, stream_type, stream_id, last_sequence) VALUES ($1, 'order', $2, 1)
             ON CONFLICT (tenant_id, stream_type, stream_id) DO UPDATE SET last_sequence = event_stream.last_sequence + 1 RETURNING last_sequence)
           INSERT INTO event (tenant_id, id, type, resource_type, resource_id, stream_type, stream_id, sequence, occurred_at, data,
             actor_type, actor_id, actor_label, created_at)
           SELECT $1, $3, 'order.completed', 'order', $2, 'order', $2, s.last_sequence, $4, $5, 'system', 'bench', 'bench', $4 FROM s`,
          [
            tenantId,
            job.order_id,
            uuidv7(),
            now,
            JSON.stringify({ orderId: job.order_id, status: 'COMPLETED', createdEntities: created }),
          ],
        )
        await client.query(
          `UPDATE job SET state = 'succeeded', locked_by = NULL, locked_until = NULL, updated_at = $3 WHERE tenant_id = $1 AND id = $2`,
          [tenantId, job.id, now],
        )
        await client.query('commit')
      } catch (error) {
        await client.query('rollback').catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    }
    const claim = () =>
      pool.query<{ id: string; order_id: string }>(
        `UPDATE job SET state = 'running', attempts = attempts + 1, locked_by = 'bare', locked_until = now() + interval '5 minutes', updated_at = now()
         WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM job WHERE tenant_id = $1 AND kind = $2 AND state = 'queued'
           ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, payload->>'orderId' AS order_id`,
        [tenantId, BARE_JOB, WORKER_BATCH],
      )
    let polling = false
    const poll = async () => {
      if (polling) return
      polling = true
      try {
        for (let rounds = 0; rounds < 100_000; rounds++) {
          const { rows } = await claim()
          if (rows.length === 0) break
          for (const job of rows) await fulfil(job)
        }
      } catch (error) {
        app.log.error(error)
      } finally {
        polling = false
      }
    }
    // Like Openline's worker: it looks every second when idle; a submit in this process does not wake it sooner.
    const timer = setInterval(() => void poll(), WORKER_IDLE_MS)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
}

/** Luhn check digit (ICCIDs): the bench's SIMs must pass the import's check. */
export const withLuhn = (digits: string): string => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 0) d *= 2
    sum += d > 9 ? d - 9 : d
  }
  return `${digits}${(10 - (sum % 10)) % 10}`
}

/** CSV files for `openline numbers import` and `openline sims import`: `count` of each per side. */
export function stockFiles(count: number): { numbers: string; sims: string } {
  const numbers = ['msisdn,type,grade']
  const sims = ['iccid,type,imsi,lpa']
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(6, '0')
    numbers.push(`+1888${n}0,CELL,1`, `+1888${n}1,${BARE_NUMBER_TYPE},1`)
    sims.push(
      `${withLuhn(`89015559${n}0000`)},ESIM,31001559${n}0,1$rsp.bench.openline.test$B${n}`,
      `${withLuhn(`89015559${n}0001`)},PHYSICAL,31001559${n}1,`,
    )
  }
  return { numbers: `${numbers.join('\n')}\n`, sims: `${sims.join('\n')}\n` }
}
