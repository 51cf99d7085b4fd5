import { Counter, Gauge, Histogram } from 'prom-client'
import type { Metric } from 'prom-client'
import type { Clock } from '../../domain/shared/clock.js'
import type { Executor } from '../../persistence/database.js'
import { oldestPendingByEndpoint } from '../../persistence/repositories/webhook.repository.js'
import type { SendResult } from './sender.js'

/** What one attempt came to, as a bounded label: `success`, `gone` (410), `http_error` or `error` (no answer). */
export function outcomeOf(result: SendResult): 'success' | 'gone' | 'http_error' | 'error' {
  if (result.statusCode === undefined) return 'error'
  if (result.statusCode >= 200 && result.statusCode < 300) return 'success'
  return result.statusCode === 410 ? 'gone' : 'http_error'
}

/**
 * Webhook delivery metrics for `/metrics`: attempts by outcome, their duration, and per endpoint
 * the age of its oldest delivery still waiting (a stuck or failing receiver shows as a growing age).
 * Not registered anywhere by themselves: the HTTP app adds them to its registry.
 */
export class WebhookMetrics {
  readonly attempts = new Counter({
    name: 'webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts, by outcome (success, gone, http_error, error).',
    labelNames: ['outcome'] as const,
    registers: [],
  })

  readonly duration = new Histogram({
    name: 'webhook_delivery_attempt_duration_seconds',
    help: 'How long a webhook receiver took to answer (or to fail), by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [],
  })

  readonly oldestPending: Gauge<'tenant_id' | 'endpoint_id'>

  constructor(db: Executor, clock: Clock) {
    this.oldestPending = new Gauge({
      name: 'webhook_oldest_pending_delivery_age_seconds',
      help: 'Per endpoint, the age of its oldest webhook delivery not yet sent (none pending: absent).',
      labelNames: ['tenant_id', 'endpoint_id'] as const,
      registers: [],
      async collect() {
        this.reset()
        const now = clock.now().getTime()
        for (const row of await oldestPendingByEndpoint(db))
          this.set(
            { tenant_id: row.tenantId, endpoint_id: row.endpointId },
            Math.max(0, (now - row.createdAt.getTime()) / 1000),
          )
      },
    })
  }

  /** One attempt's outcome and duration. */
  observe(result: SendResult): void {
    const outcome = outcomeOf(result)
    this.attempts.inc({ outcome })
    this.duration.observe({ outcome }, result.durationMs / 1000)
  }

  all(): Metric[] {
    return [this.attempts, this.duration, this.oldestPending]
  }
}
