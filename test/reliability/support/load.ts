import { randomUUID } from 'node:crypto'
import { pick } from './random.js'
import type { ServerProcess } from './server.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export type Kind = 'subscription' | 'addon' | 'order' | 'submit'

interface Request {
  kind: Kind
  key: string
  method: 'POST'
  path: string
  body: Json
  notBefore: number
}

export interface Answer {
  kind: Kind
  key: string
  path: string
  status: number
  body: Json
}

export interface LoadFigures {
  requests: number
  acknowledged: number
  rejected: number
  cut: number
  inProgress: number
  serverErrors: number
}

export const newFigures = (): LoadFigures => ({
  requests: 0,
  acknowledged: 0,
  rejected: 0,
  cut: 0,
  inProgress: 0,
  serverErrors: 0,
})

const ADDONS = ['addon-data-1gb', 'addon-data-5gb', 'addon-data-10gb', 'addon-roaming-eu-7d'] as const
const MAX_ATTEMPTS = 200

/**
 * One client of the crash suite: a loop of writes (subscription creates, add-on adds, order create
 * then submit), each with its own idempotency key. A request the server never answered (cut by a
 * kill) is sent again with the same key once a server listens; a 409 in progress is put aside and
 * sent again later. Every answer is kept: the checks compare them with what the database holds.
 */
export class LoadClient {
  readonly answers: Answer[] = []
  readonly serverErrorBodies: string[] = []
  private readonly pending: Request[] = []
  private readonly subscriptions: string[] = []
  private seq = 0

  constructor(
    private readonly server: ServerProcess,
    private readonly random: () => number,
    private readonly figures: LoadFigures,
    private readonly customerId: string,
    private readonly name: number,
  ) {}

  /** Sends writes until `stopped()` says so, then sends every request still unanswered until it is. */
  async run(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const due = this.pending.findIndex((r) => r.notBefore <= Date.now())
      if (due >= 0) await this.send(this.pending.splice(due, 1)[0] as Request)
      else await this.send(this.next())
    }
    while (this.pending.length > 0) {
      const request = this.pending.shift() as Request
      const wait = request.notBefore - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      await this.send(request)
    }
  }

  private next(): Request {
    const roll = this.random()
    if (this.subscriptions.length === 0 || roll < 0.3) {
      const msisdn = `+1888${this.name}${String(++this.seq).padStart(6, '0')}`
      return this.request('subscription', '/subscriptions', {
        productOfferingId: 'mobile-plan-plus',
        customerId: this.customerId,
        subscriber: { name: `Crash ${this.name}-${this.seq}` },
        msisdn,
      })
    }
    const subscriptionId = pick(this.random, this.subscriptions)
    if (roll < 0.65) {
      const productOfferingId = pick(this.random, ADDONS)
      return this.request('addon', `/subscriptions/${subscriptionId}/addons`, { productOfferingId })
    }
    return this.request('order', '/orders', {
      customer: { customerId: this.customerId },
      lineItems: [{ type: 'TOP_UP', lineItemId: 'topup', productOfferingId: 'topup-data-2gb', subscriptionId }],
    })
  }

  private request(kind: Kind, path: string, body: Json): Request {
    return { kind, key: randomUUID(), method: 'POST', path, body, notBefore: 0 }
  }

  private async send(request: Request): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await this.server.ready()
      this.figures.requests++
      let status: number
      let text: string
      const t0 = Date.now()
      try {
        const res = await fetch(this.server.base + request.path, {
          method: request.method,
          headers: {
            'x-api-key': this.server.key,
            'x-idempotency-key': request.key,
            'content-type': 'application/json',
          },
          body: JSON.stringify(request.body),
          signal: AbortSignal.timeout(30_000),
        })
        status = res.status
        text = await res.text()
      } catch {
        // Cut by a kill (or refused while the server restarts): no answer, so the same key again.
        this.figures.cut++
        if (process.env.RELIABILITY_DEBUG)
          console.log(`c${this.name} ${request.kind} ${request.key.slice(0, 8)} cut ${Date.now() - t0} ms`)
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      const body = parse(text)
      if (process.env.RELIABILITY_DEBUG)
        console.log(
          `c${this.name} ${request.kind} ${request.key.slice(0, 8)} ${status} ${Date.now() - t0} ms ${body.code ?? ''}`,
        )
      if (status >= 500) {
        this.figures.serverErrors++
        this.serverErrorBodies.push(`${request.method} ${request.path} → ${status} ${text}`)
        continue
      }
      if (status === 409 && body.code === 'idempotency.request_in_progress') {
        this.figures.inProgress++
        this.pending.push({ ...request, notBefore: Date.now() + 1000 })
        return
      }
      this.record(request, status, body)
      return
    }
    throw new Error(`${request.method} ${request.path} (key ${request.key}) got no answer in ${MAX_ATTEMPTS} attempts`)
  }

  private record(request: Request, status: number, body: Json): void {
    const ok = status >= 200 && status < 300
    if (ok) this.figures.acknowledged++
    else this.figures.rejected++
    this.answers.push({ kind: request.kind, key: request.key, path: request.path, status, body })
    if (!ok) return
    if (request.kind === 'subscription') this.subscriptions.push(body.subscriptionId as string)
    if (request.kind === 'order') {
      // The order's submit goes next, with a key of its own.
      this.pending.unshift({ ...this.request('submit', `/orders/${body.orderId}/submit`, {}) })
    }
  }
}

function parse(text: string): Json {
  try {
    return JSON.parse(text) as Json
  } catch {
    return { raw: text }
  }
}
