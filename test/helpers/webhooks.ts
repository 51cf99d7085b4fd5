import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterEach, expect } from 'vitest'
import { createDispatcher } from '../../src/container.js'
import type { WebhookDispatcher } from '../../src/services/webhooks/dispatcher.js'
import type { TestTenant } from './factories.js'
import { idem } from './factories.js'
import type { TestApp } from './test-app.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  json: Json
}

/** What the receiver answers: a status (and headers, body), or `hang` to never answer. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang'

/**
 * A webhook receiver on 127.0.0.1 only. It records every request and answers with `respond`
 * (200 by default); `verify(secret)` checks every received request with the `standardwebhooks`
 * reference library.
 */
export class Receiver {
  readonly received: Received[] = []
  respond: (request: Received) => Answer = () => ({ status: 200 })
  private readonly server: Server
  private readonly hanging = new Set<ServerResponse>()

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const request = { headers: req.headers, body, json: JSON.parse(body) as Json }
        this.received.push(request)
        const answer = this.respond(request)
        if (answer === 'hang') {
          this.hanging.add(res)
          return
        }
        res.writeHead(answer.status, answer.headers ?? {})
        res.end(answer.body ?? '')
      })
    })
  }

  static async start(): Promise<Receiver> {
    const receiver = new Receiver()
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve))
    return receiver
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`
  }

  /** Event types received, in order. */
  types(): string[] {
    return this.received.map((r) => r.json.type as string)
  }

  /** Every request verifies with one of the secrets (a receiver that knows any live secret). */
  verifyAll(...secrets: string[]): void {
    for (const request of this.received) {
      const ok = secrets.some((secret) => {
        try {
          new Webhook(secret).verify(request.body, request.headers as Record<string, string>)
          return true
        } catch {
          return false
        }
      })
      expect(ok, `delivery ${request.headers['webhook-id']} verifies`).toBe(true)
    }
  }

  clear(): void {
    this.received.length = 0
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** Registers an endpoint through the API and returns its body (with the secret). */
export async function createEndpoint(
  t: TestApp,
  tenant: TestTenant,
  payload: Json,
): Promise<{ endpoint: Json; secret: string }> {
  const res = await t.request(tenant, { method: 'POST', url: '/webhook-endpoints', payload, headers: idem() })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** A dispatcher of the test app's services, with a short timeout. */
export function testDispatcher(t: TestApp, options: Parameters<typeof createDispatcher>[1] = {}): WebhookDispatcher {
  return createDispatcher(t.services, { timeoutMs: 5_000, concurrency: 8, random: () => 0.5, ...options })
}

/** Receivers for one test file: `receiver()` starts one on 127.0.0.1; all are closed after each test. */
export function useReceivers(): () => Promise<Receiver> {
  const open: Receiver[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()))
  })
  return async () => {
    const r = await Receiver.start()
    open.push(r)
    return r
  }
}

/** Moves the tenant's test clock on by an ISO 8601 duration, through the API. */
export async function advanceClock(t: TestApp, tenant: TestTenant, by: string): Promise<void> {
  const res = await t.request(tenant, { method: 'POST', url: '/test-clock/advance', payload: { by } })
  expect(res.statusCode, res.body).toBe(200)
}
