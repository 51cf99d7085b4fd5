import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LineReader, cliEnv, startCli } from '../helpers/cli.js'
import { withDatabase } from '../helpers/global-setup.js'
import { Receiver } from '../helpers/webhooks.js'
import { eventually, serverDatabase } from './support/database.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Two API processes (`serve --no-worker`, one port each) and two worker processes (`worker
 * --processes 2`) on one PostgreSQL database: 50 scheduled plan changes fall due in one test-clock
 * advance through API A while the workers poll, and each is applied once; every webhook is
 * delivered once and, per stream, in order; API B sees A's advance within the auth cache's TTL
 * (OPENLINE_AUTH_CACHE_TTL_MS, the documented bound). Last, `serve --processes 2` serves and all
 * its processes stop cleanly on SIGTERM.
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL)
if (!onPostgres)
  console.log(
    'many-processes test skipped: it needs PostgreSQL (TEST_DATABASE_URL); embedded PGlite is one process only.',
  )

const SUBSCRIPTIONS = 50
const AUTH_CACHE_TTL_MS = 1000

/** Behind PgBouncer (OPENLINE_POOLER=transaction, TEST_DATABASE_ADMIN_URL): the servers listen directly. */
function behindPooler(url: string): Record<string, string> {
  const direct = process.env.TEST_DATABASE_ADMIN_URL
  if (process.env.OPENLINE_POOLER !== 'transaction' || !direct) return {}
  return {
    OPENLINE_POOLER: 'transaction',
    OPENLINE_LISTEN_DATABASE_URL: withDatabase(direct, new URL(url).pathname.slice(1)),
  }
}

class Proc {
  readonly child: ChildProcessWithoutNullStreams
  readonly stderr: LineReader
  readonly stdout: LineReader
  readonly exited: Promise<number | null>
  base = ''
  key = ''

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = startCli(args, env)
    this.stderr = new LineReader(this.child.stderr)
    this.stdout = new LineReader(this.child.stdout)
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)))
  }

  async banner(): Promise<this> {
    const apiLine = await this.stderr.waitFor((l) => l.includes('API:'), 120_000)
    this.base = apiLine.replace(/^\s*API:\s*/, '').trim()
    const keyLine = await this.stderr.waitFor((l) => l.includes('Demo API key'), 10_000)
    this.key = keyLine.split(': ').at(-1)?.trim() as string
    return this
  }

  async call(method: string, path: string, body?: Json): Promise<{ status: number; body: Json }> {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        'x-api-key': this.key,
        ...(body && { 'content-type': 'application/json', 'x-idempotency-key': randomUUID() }),
      },
      ...(body && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} }
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM')
    return this.exited
  }
}

describe.skipIf(!onPostgres)('two API processes and two workers on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof serverDatabase>>
  let receiver: Receiver
  let env: NodeJS.ProcessEnv
  let a: Proc
  let b: Proc
  let workers: Proc

  beforeAll(async () => {
    database = await serverDatabase()
    receiver = await Receiver.start()
    const dataDir = join(mkdtempSync(join(tmpdir(), 'openline-procs-')), 'data')
    env = cliEnv({
      DATABASE_URL: database.url,
      OPENLINE_DATA_DIR: dataDir,
      OPENLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      OPENLINE_AUTH_CACHE_TTL_MS: String(AUTH_CACHE_TTL_MS),
      OPENLINE_WORKER_POLL_MS: '100',
      OPENLINE_WEBHOOK_POLL_MS: '200',
      OPENLINE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...behindPooler(database.url),
    })
    a = await new Proc(['serve', '--no-worker', '--demo'], env).banner()
    // B finds the demo key A saved in the shared data directory.
    b = await new Proc(['serve', '--no-worker', '--no-migrate', '--demo'], env).banner()
    expect(b.key).toBe(a.key)
    workers = new Proc(['worker', '--processes', '2'], { ...env, LOG_LEVEL: 'info' })
    await workers.stdout.waitFor((l) => l.includes('workers started'), 120_000)
  }, 180_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), workers?.stop()])
    await receiver?.close()
    await database?.drop()
  })

  it('applies each scheduled change once, delivers each webhook once and in order, and shares the clock', async () => {
    const endpoint = await a.call('POST', '/webhook-endpoints', { url: receiver.url, eventTypes: ['subscription.*'] })
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201)
    const customer = await a.call('POST', '/customers', { customerType: 'CONSUMER', name: 'Many Processes' })
    expect(customer.status).toBe(201)
    const ids: string[] = []
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      // Half through each API process: both write to the one database.
      const api = i % 2 === 0 ? a : b
      const sub = await api.call('POST', '/subscriptions', {
        productOfferingId: 'mobile-plan-plus',
        customerId: customer.body.customerId,
        subscriber: { name: `Line ${i}` },
        msisdn: `+1888777${String(i).padStart(4, '0')}`,
      })
      expect(sub.status, JSON.stringify(sub.body)).toBe(201)
      const id = sub.body.subscriptionId as string
      ids.push(id)
      const change = await api.call('PUT', `/subscriptions/${id}/product-offering-change`, {
        productOfferingId: 'mobile-plan-basic',
      })
      expect(change.status, JSON.stringify(change.body)).toBe(200)
    }

    const before = await b.call('GET', '/test-clock')
    const advanced = await a.call('POST', '/test-clock/advance', { by: 'P1M' })
    expect(advanced.status, JSON.stringify(advanced.body)).toBe(200)
    const target = new Date(advanced.body.now as string).getTime()
    expect(target).toBeGreaterThan(new Date(before.body.now as string).getTime())

    // B sees A's advance within the auth cache's TTL (plus a margin for a busy machine).
    const t0 = Date.now()
    const seen = await eventually(
      async () => new Date((await b.call('GET', '/test-clock')).body.now as string).getTime() >= target,
      AUTH_CACHE_TTL_MS + 2000,
      50,
    )
    expect(seen, 'API B did not see the advance in time').toBe(true)
    console.log(`API B saw the advance after ${Date.now() - t0} ms (TTL ${AUTH_CACHE_TTL_MS} ms)`)

    // Every plan change applied, once: the subscription is on the new plan, and one job ran per change.
    const applied = await eventually(async () => {
      const plans = await Promise.all(ids.map((id) => b.call('GET', `/subscriptions/${id}`)))
      return plans.every((p) => p.body.productOfferingId === 'mobile-plan-basic')
    }, 30_000)
    expect(applied).toBe(true)
    const changes = await database.client.query<{ target_id: string; status: string }>(
      `SELECT target_id, status FROM scheduled_change WHERE target_type = 'subscription'`,
    )
    expect(changes.rows).toHaveLength(SUBSCRIPTIONS)
    expect(changes.rows.every((r) => r.status === 'APPLIED')).toBe(true)
    // Applying it twice would emit its events twice: every subscription got the same number, from the system.
    const applications = await database.client.query<{ stream_id: string; n: string }>(
      `SELECT stream_id, count(*) AS n FROM event
        WHERE stream_type = 'subscription' AND actor_type = 'system' GROUP BY stream_id`,
    )
    expect(applications.rows).toHaveLength(SUBSCRIPTIONS)
    const perSubscription = new Set(applications.rows.map((r) => Number(r.n)))
    expect(perSubscription.size, `system events per subscription: ${[...perSubscription].join(', ')}`).toBe(1)

    // Every subscription.* event delivered once, and each stream's in its sequence order.
    const events = await database.client.query<{ id: string; stream_id: string; sequence: string }>(
      `SELECT id, stream_id, sequence FROM event WHERE type LIKE 'subscription.%' ORDER BY stream_id, sequence`,
    )
    expect(events.rows.length).toBeGreaterThanOrEqual(SUBSCRIPTIONS * 3)
    const delivered = await eventually(async () => receiver.received.length >= events.rows.length, 60_000)
    expect(delivered, `${receiver.received.length} of ${events.rows.length} delivered`).toBe(true)
    const receivedIds = receiver.received.map((r) => r.json.eventId as string)
    expect(new Set(receivedIds).size).toBe(receivedIds.length)
    expect(new Set(receivedIds)).toEqual(new Set(events.rows.map((e) => e.id)))
    const sequenceOf = new Map(events.rows.map((e) => [e.id, { stream: e.stream_id, sequence: Number(e.sequence) }]))
    const last = new Map<string, number>()
    for (const id of receivedIds) {
      const { stream, sequence } = sequenceOf.get(id) as { stream: string; sequence: number }
      expect(sequence, `stream ${stream} out of order`).toBeGreaterThan(last.get(stream) ?? -1)
      last.set(stream, sequence)
    }
  }, 300_000)

  it('stops every worker process cleanly on SIGTERM', async () => {
    expect(await workers.stop()).toBe(0)
  })

  it('serve --processes 2 serves on one port and stops all its processes cleanly on SIGTERM', async () => {
    const cluster = await new Proc(['serve', '--processes', '2', '--no-migrate', '--demo'], env).banner()
    const answers = await Promise.all(Array.from({ length: 10 }, () => cluster.call('GET', '/test-clock')))
    expect(answers.every((r) => r.status === 200)).toBe(true)
    expect(await cluster.stop()).toBe(0)
  }, 120_000)
})
