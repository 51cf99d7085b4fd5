import type { Request } from 'autocannon'
import type { FastifyInstance } from 'fastify'
import type pg from 'pg'

export type Side = 'openline' | 'baseline' | 'openline-info'

/**
 * What the harness made before the runs: one tenant and one admin key (with Openline's own CLI),
 * then through Openline's API and in batched SQL (bench/fixture.ts) the data the heavier
 * scenarios need.
 */
export interface Fixture {
  tenantId: string
  apiKeyId: string
  apiKey: string
  /** The customer the subscriptions and orders are for. */
  customerId: string
  /** Subscriptions on the bench plan, a set of its own for each server (each adds add-ons to its own). */
  subscriptions: Record<Side, string[]>
  /** The cursor of `GET /customers` after the first `listDepth` customers (seeded in one INSERT). */
  deepCursor: string
  listDepth: number
}

/**
 * A benchmark scenario: one request, sent unchanged to Openline and to the bare server, and the bare
 * server's route for it, which makes exactly the database round trips Openline makes and nothing
 * else. Adding a scenario is one file here and one line in `index.ts`.
 */
export interface Scenario {
  name: string
  /** The database work each side does per request, in words, for the report. */
  roundTrips: string
  expectedStatus: number
  /** Called once per run, so per-run state (a counter for unique keys) starts afresh. */
  request(fixture: Fixture, side: Side): Request
  baselineRoute(app: FastifyInstance, deps: { pool: pg.Pool; tenantId: string }): void
}
