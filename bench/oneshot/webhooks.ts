import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type pg from 'pg'
import { Webhook } from 'standardwebhooks'
import { api } from '../fixture.js'
import type { OneShot } from './oneshot.js'
import { side, waitUntil } from './oneshot.js'

const CONCURRENCY = 16 // Openline's OPENLINE_WEBHOOK_CONCURRENCY default: the bare loop sends as many at once.

/** A receiver on 127.0.0.1: records when each delivery arrived (per path) and checks its signature with `secrets[path]`. */
async function receiver(secrets: Record<string, string>) {
  const received = new Map<string, number[]>()
  let badSignatures = 0
  const verifiers = new Map<string, Webhook>()
  const verifier = (path: string): Webhook | undefined => {
    const secret = secrets[path]
    if (secret && !verifiers.has(path)) verifiers.set(path, new Webhook(secret))
    return verifiers.get(path)
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const at = Date.now()
      const path = req.url ?? ''
      try {
        verifier(path)?.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>)
      } catch {
        badSignatures++
      }
      const times = received.get(path) ?? []
      times.push(at)
      received.set(path, times)
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    times: (path: string) => received.get(path) ?? [],
    badSignatures: () => badSignatures,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** Deliveries of the newest `count` events to `endpointId`, in stream order, as Openline's fan-out writes them. */
async function seed(
  pool: pg.Pool,
  tenantId: string,
  endpointId: string,
  status: string,
  count: number,
): Promise<number> {
  const { rowCount } = await pool.query(
    `INSERT INTO webhook_delivery (tenant_id, id, endpoint_id, event_id, event_type, resource_type, resource_id, stream_key,
       status, next_attempt_at, created_at, updated_at)
     SELECT e.tenant_id, gen_random_uuid(), $2, e.id, e.type, e.resource_type, e.resource_id,
       e.stream_type || ':' || e.stream_id, $3, now(), now(), now()
     FROM (SELECT * FROM event WHERE tenant_id = $1 ORDER BY id DESC LIMIT $4) e
     ORDER BY e.stream_type, e.stream_id, e.sequence`,
    [tenantId, endpointId, status, count],
  )
  return rowCount ?? 0
}

// The bare loop's statements: claim a batch (with its events), then per delivery its outcome and attempt.
const CLAIM = `WITH c AS (
    UPDATE webhook_delivery SET status = 'pending', lease_owner = 'bare', lease_until = now() + interval '5 minutes', updated_at = now()
    WHERE tenant_id = $1 AND id IN (
      SELECT id FROM webhook_delivery WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'paused'
      ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
    RETURNING id, event_id, attempts
  ) SELECT c.id, c.attempts, e.id AS event_id, e.type, e.occurred_at, e.data, e.resource_type, e.resource_id, e.sequence
    FROM c JOIN event e ON e.tenant_id = $1 AND e.id = c.event_id`
const SETTLE = `UPDATE webhook_delivery SET status = 'succeeded', attempts = attempts + 1, last_attempt_at = $3, completed_at = $3,
    lease_until = NULL, lease_owner = NULL, updated_at = $3 WHERE tenant_id = $1 AND id = $2 AND lease_owner = 'bare'`
const ATTEMPT = `INSERT INTO webhook_attempt (tenant_id, id, delivery_id, at, duration_ms, status_code, response_body, error)
    VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, '', NULL)`

interface Claimed {
  id: string
  event_id: string
  type: string
  occurred_at: Date
  data: Record<string, unknown>
  resource_type: string
  resource_id: string
  sequence: string
}

/**
 * Webhook delivery: `count` deliveries of recent events (seeded in one INSERT each side) to a
 * receiver in the bench on 127.0.0.1. Openline: its dispatcher (the `openline` process) is woken
 * by NOTIFY as a fan-out would; bare: POST /bench/webhooks/deliver, a loop that claims 16 at a
 * time, signs each (Standard Webhooks, as signing.ts), POSTs it and records the outcome and the
 * attempt in a transaction. Timed from the seed to the last receipt; latency is seed to receipt.
 */
export const webhookDeliveries: OneShot = {
  name: 'webhook deliveries to 127.0.0.1',
  roundTrips:
    'both: claim a batch of 16 under a lease (with its events), sign, POST, then per delivery BEGIN, outcome UPDATE, attempt INSERT, COMMIT',
  async run({ fixture, pool, openlineUrl, baselineUrl, timeoutMs, log }, count) {
    const { tenantId, apiKey } = fixture
    const endpoint = async (url: string, enabled: boolean) => {
      const created = await api<{ endpoint: { webhookEndpointId: string }; secret: string }>(
        openlineUrl,
        apiKey,
        'POST',
        '/webhook-endpoints',
        { url, enabled, description: 'bench receiver' },
      )
      return { webhookEndpointId: created.endpoint.webhookEndpointId, secret: created.secret }
    }
    const secrets: Record<string, string> = {}
    const rx = await receiver(secrets)
    try {
      const mine = await endpoint(rx.url('/openline'), true)
      // Disabled, so Openline's dispatcher leaves its deliveries (paused) to the bare loop.
      const bare = await endpoint(rx.url('/baseline'), false)
      secrets['/openline'] = mine.secret
      secrets['/baseline'] = bare.secret

      const bareCount = await seed(pool, tenantId, bare.webhookEndpointId, 'paused', count)
      const started = Date.now()
      const seeded = await seed(pool, tenantId, mine.webhookEndpointId, 'pending', count)
      if (seeded === 0 || bareCount === 0) throw new Error('no events to deliver: run a scenario that makes some first')
      await pool.query(`NOTIFY openline_webhooks`)
      await waitUntil(async () => rx.times('/openline').length >= seeded, timeoutMs, 20)
      const openlineTimes = rx.times('/openline').map((t) => t - started)
      const openline = side(seeded, count, Math.max(...openlineTimes) / 1000, openlineTimes)
      log(`webhooks: Openline delivered ${seeded} in ${openline.seconds} s`)

      const bareStarted = Date.now()
      const response = await fetch(`${baselineUrl}/bench/webhooks/deliver`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endpointId: bare.webhookEndpointId, url: rx.url('/baseline'), secret: bare.secret }),
      })
      if (!response.ok) throw new Error(`bare webhook loop answered ${response.status}: ${await response.text()}`)
      await waitUntil(async () => rx.times('/baseline').length >= bareCount, timeoutMs, 20)
      const bareTimes = rx.times('/baseline').map((t) => t - bareStarted)
      const baseline = side(bareCount, count, Math.max(...bareTimes) / 1000, bareTimes)
      log(`webhooks: bare delivered ${bareCount} in ${baseline.seconds} s; bad signatures: ${rx.badSignatures()}`)
      if (rx.badSignatures() > 0) throw new Error(`${rx.badSignatures()} deliveries failed signature checks`)
      return { openline, baseline }
    } finally {
      await rx.close()
    }
  },
  baselineRoute(app, { pool, tenantId }) {
    app.post<{ Body: { endpointId: string; url: string; secret: string } }>('/bench/webhooks/deliver', async (req) => {
      const { endpointId, url, secret } = req.body
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
      let delivered = 0
      for (let round = 0; round < 1_000_000; round++) {
        const { rows } = await pool.query<Claimed>(CLAIM, [tenantId, endpointId, CONCURRENCY])
        if (rows.length === 0) break
        await Promise.all(
          rows.map(async (row) => {
            const body = JSON.stringify({
              eventId: row.event_id,
              type: row.type,
              occurredAt: row.occurred_at.toISOString(),
              data: row.data,
              resource: { type: row.resource_type, id: row.resource_id },
              sequence: Number(row.sequence),
            })
            const timestamp = Math.floor(Date.now() / 1000)
            const signature = createHmac('sha256', key).update(`${row.event_id}.${timestamp}.${body}`).digest('base64')
            const sentAt = Date.now()
            const answer = await fetch(url, {
              method: 'POST',
              headers: {
                'webhook-id': row.event_id,
                'webhook-timestamp': String(timestamp),
                'webhook-signature': `v1,${signature}`,
                'content-type': 'application/json',
              },
              body,
            })
            await answer.arrayBuffer()
            const now = new Date()
            const client = await pool.connect()
            try {
              await client.query('begin')
              await client.query(SETTLE, [tenantId, row.id, now])
              await client.query(ATTEMPT, [tenantId, row.id, now, now.getTime() - sentAt, answer.status])
              await client.query('commit')
            } finally {
              client.release()
            }
            delivered++
          }),
        )
      }
      return { delivered }
    })
  },
}
