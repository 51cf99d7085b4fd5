import type { FastifyInstance } from 'fastify'
import type pg from 'pg'
import type { Fixture } from '../scenarios/scenario.js'

/** One side's figures for a one-shot scenario: a bounded batch of work, timed until it is all done. */
export interface OneShotSide {
  /** How many items (changes applied, deliveries received) were done, of how many asked. */
  count: number
  asked: number
  seconds: number
  perSecond: number
  /** Per item, from enqueue to done (the webhook deliveries), when measured. */
  p50Ms?: number
  p99Ms?: number
}

export interface OneShotResult {
  openline: OneShotSide
  baseline: OneShotSide
}

export interface OneShotContext {
  fixture: Fixture
  /** A pool on the bench database, for seeding and for watching the work get done. */
  pool: pg.Pool
  openlineUrl: string
  baselineUrl: string
  timeoutMs: number
  log(line: string): void
}

/**
 * A timed one-shot scenario: Openline's worker doing a batch of work against the bare server's
 * twin doing the same work (a route of its own in baseline-server.ts), each timed from the moment
 * the work is there until it is all done. Not autocannon: the worker is not driven by requests.
 */
export interface OneShot {
  name: string
  /** What each side does, in words, for the report. */
  roundTrips: string
  /** `count` items: the size of the batch (BENCH_SCHEDULED_CHANGES, BENCH_WEBHOOK_DELIVERIES). */
  run(ctx: OneShotContext, count: number): Promise<OneShotResult>
  baselineRoute(app: FastifyInstance, deps: { pool: pg.Pool; tenantId: string }): void
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0)

/** Polls `done` every `everyMs` until it answers true or `timeoutMs` passes (then throws). */
export async function waitUntil(done: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const started = performance.now()
  while (!(await done())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not done within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

export const side = (count: number, asked: number, seconds: number, latencies?: number[]): OneShotSide => {
  const sorted = latencies ? [...latencies].sort((a, b) => a - b) : undefined
  return {
    count,
    asked,
    seconds: Math.round(seconds * 1000) / 1000,
    perSecond: Math.round(count / Math.max(seconds, 1e-6)),
    ...(sorted && { p50Ms: Math.round(percentile(sorted, 50)), p99Ms: Math.round(percentile(sorted, 99)) }),
  }
}
