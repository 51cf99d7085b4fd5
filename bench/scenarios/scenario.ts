import type { Request } from 'autocannon'
import type { FastifyInstance } from 'fastify'
import type pg from 'pg'

/** What the harness made before the runs, with Openline's own CLI: one tenant and one admin key. */
export interface Fixture {
  tenantId: string
  apiKeyId: string
  apiKey: string
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
  request(fixture: Fixture): Request
  baselineRoute(app: FastifyInstance, deps: { pool: pg.Pool; tenantId: string }): void
}
