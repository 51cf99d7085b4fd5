import type { Tenant } from '../../domain/access/tenant.js'
import type { Clock } from '../../domain/shared/clock.js'
import { systemClock } from '../../domain/shared/clock.js'
import { newId } from '../../domain/shared/ids.js'
import {
  DISABLE_AFTER_MS,
  PROBE_INTERVAL_MS,
  parseRetryAfter,
  retryDelayMs,
} from '../../domain/webhooks/retry-schedule.js'
import type { Database, Executor } from '../../persistence/database.js'
import type { ClaimedRow, WebhookDeliveryRow } from '../../persistence/repositories/webhook.repository.js'
import * as repo from '../../persistence/repositories/webhook.repository.js'
import type { Logger } from '../../worker/runner.js'
import { systemContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { TenantService } from '../tenant.service.js'
import type { SecretBox } from './secret-box.js'
import type { UrlPolicy } from './url-policy.js'
import type { SendResult, WebhookSender } from './sender.js'
import { USER_AGENT } from './sender.js'
import { envelopeOf, signatureHeader } from './signing.js'
import type { WebhookMetrics } from './webhook-metrics.js'
import { toEndpointView } from './webhook-endpoint.service.js'

export interface DispatcherOptions {
  db: Executor
  /** For LISTEN/NOTIFY; without it (or without `listen`) the dispatcher polls. */
  database?: Pick<Database, 'listen'>
  /** Leases and the tenants' clocks run on it (test clocks add their offset). */
  clock: Clock
  /** `webhook-timestamp` is always real wall-clock time, even for a tenant on a test clock. */
  wallClock?: Clock
  box: SecretBox
  /** Attempts by outcome and duration, for `/metrics`. */
  metrics?: WebhookMetrics
  sender: WebhookSender
  urlPolicy: UrlPolicy
  tenants: TenantService
  events: EventService
  logger: Logger
  owner: string
  concurrency: number
  pollIntervalMs: number
  /** How long a claimed delivery is held; past it, another dispatcher sends it again. */
  leaseMs: number
  random?: () => number
}

/** A delivery in hand, with the tenant's time at the claim. */
export interface ClaimedDelivery extends ClaimedRow {
  tenantNow: Date
  clockOffsetMs: number
}

/**
 * Sends webhook deliveries. Any number of dispatchers may run (in `serve` and `worker` processes):
 * each claims due deliveries of one tenant at a time under a lease (`FOR UPDATE SKIP LOCKED`),
 * commits the claim, then sends with no transaction open, a bounded number at once, and records
 * each outcome in a short transaction of its own. Per endpoint and stream only the oldest open
 * delivery is ever claimable, so a stream stays in order while others flow past it.
 */
export class WebhookDispatcher {
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  /** A notification came while a batch was out: look again before idling. */
  private notified = false
  private unlisten: (() => Promise<void>) | undefined
  private readonly wallClock: Clock
  private readonly random: () => number
  /** The last tenant served: the next due scan starts after it. */
  private lastTenantId: string | undefined

  constructor(private readonly options: DispatcherOptions) {
    this.wallClock = options.wallClock ?? systemClock
    this.random = options.random ?? Math.random
  }

  /** Claims one batch (up to `concurrency`) and sends it. Returns how many were sent. */
  async dispatchOnce(filter: { tenantId?: string } = {}): Promise<number> {
    const claimed = await this.claim(filter)
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)))
    return claimed.length
  }

  /** Dispatches until nothing is due (deliveries waiting on a retry time are left for later). */
  async drain(filter: { tenantId?: string } = {}): Promise<number> {
    let total = 0
    for (let sent = await this.dispatchOnce(filter); sent > 0; sent = await this.dispatchOnce(filter)) total += sent
    return total
  }

  /**
   * Claims up to `limit` due deliveries, one tenant at a time, and holds them under this
   * dispatcher's lease. Fair: the due scan starts after the last tenant served, and no tenant takes
   * more than its share of the batch while others wait; room they leave goes back to the busy ones.
   */
  async claim(filter: { tenantId?: string } = {}, limit = this.options.concurrency): Promise<ClaimedDelivery[]> {
    const { clock } = this.options
    const realNow = clock.now()
    const tenants = filter.tenantId
      ? [
          {
            tenantId: filter.tenantId,
            clockOffsetMs: (await this.options.tenants.getById(filter.tenantId)).clockOffsetMs,
          },
        ]
      : await repo.tenantsWithDueDeliveries(this.options.db, realNow, limit, this.lastTenantId)
    const share = Math.max(1, Math.ceil(limit / Math.max(1, tenants.length)))
    const claimed: ClaimedDelivery[] = []
    let open = tenants
    while (open.length > 0 && claimed.length < limit) {
      const full: typeof tenants = []
      for (const due of open) {
        const room = Math.min(share, limit - claimed.length)
        if (room <= 0) break
        const rows = await this.claimTenant(due.tenantId, due.clockOffsetMs, realNow, room)
        claimed.push(...rows)
        if (rows.length > 0) this.lastTenantId = due.tenantId
        if (rows.length === room) full.push(due)
      }
      open = full
    }
    return claimed
  }

  /** One tenant's claim: locks stay inside the tenant (one shard on Citus). */
  private async claimTenant(
    tenantId: string,
    clockOffsetMs: number,
    realNow: Date,
    limit: number,
  ): Promise<ClaimedDelivery[]> {
    const tenantNow = new Date(realNow.getTime() + clockOffsetMs)
    const rows = await this.options.db.transaction(async (tx) => {
      const candidates = await repo.lockClaimable(tx, { tenantId, now: tenantNow, realNow, limit })
      // A failing endpoint gets one probe at a time.
      const probed = new Set<string>()
      const ids = candidates
        .filter((c) => {
          if (!c.failing) return true
          if (probed.has(c.endpointId)) return false
          probed.add(c.endpointId)
          return true
        })
        .map((c) => c.id)
      return repo.leaseDeliveries(tx, {
        tenantId,
        ids,
        owner: this.options.owner,
        leaseUntil: new Date(realNow.getTime() + this.options.leaseMs),
        now: realNow,
      })
    })
    return rows.map((row) => ({ ...row, tenantNow, clockOffsetMs }))
  }

  /** Signs and sends one claimed delivery, then records what happened. */
  async deliver(claimed: ClaimedDelivery): Promise<void> {
    const { delivery, endpoint, event } = claimed
    const log = this.options.logger.child({
      endpointId: endpoint.id,
      eventId: event.id,
      deliveryId: delivery.id,
      attempt: delivery.attempts + 1,
    })
    const at = claimed.tenantNow
    let result: SendResult
    try {
      const body = JSON.stringify(envelopeOf(event))
      const timestamp = Math.floor(this.wallClock.now().getTime() / 1000)
      const secrets = [this.options.box.open(endpoint.secretCiphertext)]
      if (
        endpoint.previousSecretCiphertext &&
        endpoint.previousSecretExpiresAt &&
        endpoint.previousSecretExpiresAt > at
      )
        secrets.push(this.options.box.open(endpoint.previousSecretCiphertext))
      const headers = {
        ...endpoint.headers,
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, event.id, timestamp, body),
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
      }
      // A literal IP host never reaches `lookup`: check the URL itself before any byte goes out.
      this.options.urlPolicy.assertEndpointUrl(endpoint.url)
      result = await this.options.sender.send(endpoint.url, headers, body)
    } catch (error) {
      result = { error: error instanceof Error ? error.message : String(error), durationMs: 0 }
    }
    this.options.metrics?.observe(result)
    try {
      await this.record(claimed, at, result)
      const ok = isSuccess(result)
      log[ok ? 'debug' : 'info'](
        { statusCode: result.statusCode, durationMs: result.durationMs, error: result.error },
        ok ? 'webhook delivered' : 'webhook attempt failed',
      )
    } catch (error) {
      // The lease lapses and another dispatcher sends it again: at least once.
      log.error({ err: error }, 'could not record a webhook attempt')
    }
  }

  private async record(claimed: ClaimedDelivery, at: Date, result: SendResult): Promise<void> {
    const { delivery, endpoint } = claimed
    const { db, clock, owner } = this.options
    // The tenant's time now, after the wait on the receiver.
    const now = new Date(clock.now().getTime() + claimed.clockOffsetMs)
    // A failure may disable the endpoint, which writes an event as the tenant: read it before the
    // transaction opens (on PGlite's one connection a read beside an open transaction would wait on it).
    const tenant = isSuccess(result) ? undefined : await this.options.tenants.getById(delivery.tenantId)
    await db.transaction(async (tx) => {
      await repo.insertAttempt(tx, {
        tenantId: delivery.tenantId,
        id: newId(),
        deliveryId: delivery.id,
        at,
        durationMs: result.durationMs,
        statusCode: result.statusCode ?? null,
        responseBody: result.body ?? null,
        error: result.error ?? (isSuccess(result) ? null : `HTTP ${result.statusCode}`),
      })
      const base = { attempts: delivery.attempts + 1, lastAttemptAt: at, updatedAt: clock.now() }
      if (isSuccess(result)) {
        const mine = await repo.settleDelivery(tx, delivery, owner, { ...base, status: 'succeeded', completedAt: now })
        // The first success after failures releases the endpoint's backlog at once.
        if (mine && endpoint.failingSince && (await repo.markEndpointHealthy(tx, endpoint.tenantId, endpoint.id)))
          await repo.releaseBacklog(tx, endpoint.tenantId, endpoint.id, now)
        return
      }
      if (result.statusCode === 410) {
        // Gone: the receiver asks to stop. The delivery waits with the rest of the queue.
        if (await repo.settleDelivery(tx, delivery, owner, { ...base, status: 'paused' }))
          await this.disable(tx, tenant as Tenant, claimed, 'gone', now)
        return
      }
      const retryAfterMs = parseRetryAfter(result.retryAfter, now)
      if (
        !(await repo.settleDelivery(tx, delivery, owner, { ...base, ...this.nextTry(delivery, at, now, retryAfterMs) }))
      )
        return
      const failing = await repo.markEndpointFailing(tx, endpoint.tenantId, endpoint.id, {
        now,
        nextProbeAt: new Date(now.getTime() + Math.max(PROBE_INTERVAL_MS, retryAfterMs ?? 0)),
      })
      if (failing?.failingSince && now.getTime() - failing.failingSince.getTime() >= DISABLE_AFTER_MS)
        await this.disable(tx, tenant as Tenant, claimed, 'failing', now)
    })
  }

  /**
   * When a failed delivery is tried again. A delivery that was due takes the next step of the
   * schedule (or fails for good after the last); an early probe of a failing endpoint keeps its
   * place in the schedule. Nothing is retried before the receiver's `Retry-After`.
   */
  private nextTry(
    delivery: WebhookDeliveryRow,
    at: Date,
    now: Date,
    retryAfterMs: number | undefined,
  ): Partial<WebhookDeliveryRow> {
    const wasDue = delivery.nextAttemptAt.getTime() <= at.getTime()
    if (!wasDue) {
      return retryAfterMs === undefined
        ? {}
        : { nextAttemptAt: new Date(Math.max(delivery.nextAttemptAt.getTime(), now.getTime() + retryAfterMs)) }
    }
    const step = delivery.retryStep + 1
    const delay = retryDelayMs(step, this.random)
    if (delay === undefined) return { status: 'failed', completedAt: now, retryStep: step }
    return { retryStep: step, nextAttemptAt: new Date(now.getTime() + Math.max(delay, retryAfterMs ?? 0)) }
  }

  /** Disables the endpoint (once), pauses its queue and writes `webhook_endpoint.disabled`. */
  private async disable(
    tx: Executor,
    tenant: Tenant,
    claimed: ClaimedDelivery,
    reason: 'gone' | 'failing',
    now: Date,
  ): Promise<void> {
    const { endpoint } = claimed
    const disabled = await repo.disableEndpoint(tx, endpoint.tenantId, endpoint.id, {
      reason,
      now: this.options.clock.now(),
    })
    if (!disabled) return
    await repo.pauseDeliveries(tx, endpoint.tenantId, endpoint.id, this.options.clock.now())
    const ctx = systemContext(tenant, this.options.clock, 'webhook-dispatcher')
    await this.options.events.emit(tx, ctx, {
      type: 'webhook_endpoint.disabled',
      resource: { type: 'webhook_endpoint', id: endpoint.id },
      data: endpointSnapshot(toEndpointView(disabled)),
      occurredAt: now,
    })
    this.options.logger.warn({ endpointId: endpoint.id, reason }, 'webhook endpoint disabled')
  }

  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    const listen = this.options.database?.listen
    if (listen) {
      try {
        this.unlisten = await listen.call(this.options.database, repo.WEBHOOK_CHANNEL, () => this.notify())
      } catch (error) {
        this.options.logger.warn({ err: error }, 'webhook dispatcher cannot LISTEN; polling instead')
      }
    }
    this.loop = this.poll()
  }

  /** Stops claiming; resolves once the deliveries in hand are sent and recorded. */
  async stop(): Promise<void> {
    this.running = false
    this.wake?.()
    await this.loop
    await this.unlisten?.().catch(() => undefined)
    this.options.sender.close()
  }

  /**
   * The background loop: keeps up to `concurrency` sends in flight, claiming more as each one
   * finishes, so a receiver that hangs until its timeout holds one slot, not the whole dispatcher.
   */
  private async poll(): Promise<void> {
    const inFlight = new Set<Promise<void>>()
    while (this.running) {
      const room = this.options.concurrency - inFlight.size
      let claimed = 0
      if (room > 0) {
        try {
          const batch = await this.claim({}, room)
          claimed = batch.length
          for (const delivery of batch) {
            const sending: Promise<void> = this.deliver(delivery).finally(() => {
              inFlight.delete(sending)
              this.notify()
            })
            inFlight.add(sending)
          }
        } catch (error) {
          this.options.logger.error({ err: error }, 'webhook dispatcher could not claim deliveries')
        }
      }
      if ((claimed === 0 || inFlight.size >= this.options.concurrency) && this.running) await this.idle()
    }
    await Promise.all(inFlight)
  }

  private notify(): void {
    this.notified = true
    this.wake?.()
  }

  private idle(): Promise<void> {
    if (this.notified) {
      this.notified = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wake = undefined
        this.notified = false
        resolve()
      }
      const timer = setTimeout(done, this.options.pollIntervalMs)
      this.wake = done
    })
  }
}

/**
 * The endpoint in its API shape, without its headers: they may carry the receiver's credentials,
 * and other endpoints receive this event.
 */
const endpointSnapshot = ({ id, headers: _, ...view }: ReturnType<typeof toEndpointView>) => ({
  webhookEndpointId: id,
  ...view,
})

const isSuccess = (result: SendResult): boolean =>
  result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300
