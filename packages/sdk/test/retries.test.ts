import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fingerprint } from '../../../src/domain/idempotency/fingerprint.js'
import type { Fetch } from '../src/index.js'
import { OpenlineConnectionError, OpenlineError, rid } from '../src/index.js'
import type { Sandbox } from './server.js'
import { startSandbox } from './server.js'

/** Idempotency keys and retries, against the real server: a retried write happens once. */
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())

interface Sent {
  method: string
  key: string | null
}

/** A fetch that records each request and lets `fault(n)` answer (or throw) instead of the server. */
function recording(fault: (attempt: number, request: Request) => Response | Error | undefined | 'drop') {
  const sent: Sent[] = []
  const answers: Response[] = []
  const fetch: Fetch = async (request) => {
    sent.push({ method: request.method, key: request.headers.get('x-idempotency-key') })
    const planned = fault(sent.length, request)
    if (planned instanceof Error) throw planned
    if (planned instanceof Response) return planned
    const response = await globalThis.fetch(request)
    answers.push(response)
    if (planned === 'drop') {
      // The server did the work, but the answer is lost on the way back.
      await response.body?.cancel()
      throw new TypeError('fetch failed: socket hang up')
    }
    return response
  }
  return { fetch, sent, answers }
}

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: `urn:openline:problem:${code}`, title: 'x', status, detail: 'x', code }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  })

describe('idempotent retries', () => {
  it('retries a write whose answer was lost with the same key, and the server replays it: one customer', async () => {
    const reference = `lost-${randomUUID()}`
    const net = recording((n) => (n === 1 ? 'drop' : undefined))
    const client = sandbox.client({ fetch: net.fetch })
    const customer = await client.customers.create({
      customerType: 'CONSUMER',
      name: 'Lost Answer',
      referenceId: reference,
    })
    expect(net.sent).toHaveLength(2)
    expect(net.sent[0]?.key).toMatch(/^[0-9a-f-]{36}$/)
    expect(net.sent[1]?.key).toBe(net.sent[0]?.key)
    expect(net.answers[1]?.headers.get('idempotent-replayed')).toBe('true')
    expect(net.answers[0]?.status).toBe(201)
    const found = []
    for await (const c of client.customers.list({ filter: reference })) found.push(c.customerId)
    expect(found).toEqual([customer.customerId])
    expect((await client.customers.get(rid(reference))).customerId).toBe(customer.customerId)
  })

  it('waits Retry-After on 409 idempotency.request_in_progress, then retries with the same key', async () => {
    const key = randomUUID()
    const body = { customerType: 'CONSUMER' as const, name: 'In Progress' }
    // Another request holds the key: claimed the way the server claims it, not finished yet.
    const held = await sandbox.t.services.idempotency.claim(
      sandbox.tenantId,
      key,
      fingerprint({ method: 'POST', route: '/customers', params: {}, body }),
    )
    if (held.type !== 'claimed') throw new Error(`expected a claim, got ${held.type}`)
    const waits: number[] = []
    const net = recording(() => undefined)
    const client = sandbox.client({
      fetch: net.fetch,
      sleep: async (ms) => {
        waits.push(ms)
        // While the SDK waits, the other request gives the key up (it failed with a 5xx).
        await sandbox.t.services.idempotency.release(held.claim)
      },
    })
    const customer = await client.customers.create(body, { idempotencyKey: key })
    expect(customer.name).toBe('In Progress')
    expect(net.answers.map((r) => r.status)).toEqual([409, 201])
    expect(waits).toEqual([1000]) // the server's Retry-After: 1
    expect(net.sent.map((s) => s.key)).toEqual([key, key])
  })

  it('retries 5xx and 429 with a bounded, jittered exponential backoff', async () => {
    const waits: number[] = []
    const net = recording((n) =>
      n === 1 ? problem(503, 'service.unavailable') : n === 2 ? problem(500, 'internal') : undefined,
    )
    const client = sandbox.client({
      fetch: net.fetch,
      maxRetries: 3,
      retryDelayMs: { initial: 100, max: 150 },
      random: () => 1,
      sleep: async (ms) => void waits.push(ms),
    })
    await client.customers.create({ customerType: 'CONSUMER', name: 'Five Hundred' })
    expect(net.sent).toHaveLength(3)
    expect(new Set(net.sent.map((s) => s.key)).size).toBe(1)
    expect(waits).toEqual([100, 150]) // 100, then 200 capped at 150
    // With the least jitter, half of each.
    const low: number[] = []
    const again = sandbox.client({
      fetch: recording((n) => (n <= 2 ? problem(429, 'rate_limited') : undefined)).fetch,
      retryDelayMs: { initial: 100, max: 1000 },
      random: () => 0,
      sleep: async (ms) => void low.push(ms),
    })
    await again.get('/test-clock')
    expect(low).toEqual([50, 100])
    // Retry-After wins over the backoff.
    const told: number[] = []
    const polite = sandbox.client({
      fetch: recording((n) => (n === 1 ? problem(429, 'rate_limited', { 'retry-after': '2' }) : undefined)).fetch,
      sleep: async (ms) => void told.push(ms),
    })
    await polite.get('/test-clock')
    expect(told).toEqual([2000])
  })

  it('stops after maxRetries and throws the last answer', async () => {
    const net = recording(() => problem(503, 'service.unavailable'))
    const client = sandbox.client({ fetch: net.fetch, maxRetries: 2 })
    const error = await client.customers.create({ customerType: 'CONSUMER', name: 'Never' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenlineError)
    expect(error).toMatchObject({ status: 503, code: 'service.unavailable' })
    expect(net.sent).toHaveLength(3)
  })

  it('does not retry a 4xx, nor a 409 that is not an in-progress key', async () => {
    const reference = `twice-${randomUUID()}`
    const client = sandbox.client()
    await client.customers.create({ customerType: 'CONSUMER', name: 'Once', referenceId: reference })
    const net = recording(() => undefined)
    const counted = sandbox.client({ fetch: net.fetch })
    const error = await counted.customers
      .create({ customerType: 'CONSUMER', name: 'Twice', referenceId: reference })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 409, code: 'customer.reference_taken' })
    expect(net.sent).toHaveLength(1)
  })

  it('throws OpenlineConnectionError when the network never answers, after timeouts and retries', async () => {
    const hanging: Fetch = (request) =>
      new Promise((_resolve, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)))
    let attempts = 0
    const client = sandbox.client({
      fetch: (request) => {
        attempts++
        return hanging(request)
      },
      timeoutMs: 20,
      maxRetries: 1,
    })
    const error = await client.get('/test-clock').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenlineConnectionError)
    expect((error as OpenlineConnectionError).attempts).toBe(2)
    expect(attempts).toBe(2)
  })

  it('keeps the caller’s key, sends none on reads, and a new one for each write', async () => {
    const net = recording(() => undefined)
    const client = sandbox.client({ fetch: net.fetch })
    await client.get('/test-clock')
    await client.customers.create({ customerType: 'CONSUMER', name: 'A' })
    await client.customers.create({ customerType: 'CONSUMER', name: 'B' })
    await client.customers.create({ customerType: 'CONSUMER', name: 'C' }, { idempotencyKey: 'crm-signup-42' })
    const replay = await client.customers.create(
      { customerType: 'CONSUMER', name: 'C' },
      { idempotencyKey: 'crm-signup-42' },
    )
    expect(net.sent[0]).toEqual({ method: 'GET', key: null })
    expect(net.sent[1]?.key).not.toBe(net.sent[2]?.key)
    expect(net.sent.slice(3).map((s) => s.key)).toEqual(['crm-signup-42', 'crm-signup-42'])
    expect(net.answers[4]?.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.name).toBe('C')
  })

  it('does not retry when the caller aborts', async () => {
    let attempts = 0
    const client = sandbox.client({
      fetch: (request) => {
        attempts++
        return new Promise((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason)),
        )
      },
    })
    const controller = new AbortController()
    const call = client.get('/test-clock', { signal: controller.signal })
    controller.abort()
    await expect(call).rejects.toThrow()
    expect(attempts).toBe(1)
  })
})
