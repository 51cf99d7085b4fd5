import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { Scope } from '../domain/access/scopes.js'
import type { Claim } from '../services/idempotency.service.js'
import type { RequestContext } from '../services/context.js'

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/** How a route authenticates: an X-Api-Key (default), nothing (health, docs), the V2 facade's own scheme, or a portal session. */
export type RouteAuth = 'api_key' | 'none' | 'v2' | 'portal'

export interface IdempotencyState {
  claim: Claim
  /** Set by `respond()`: renders a service result to the exact bytes the route will send. */
  render?: { status: number; toBody: (result: unknown) => string }
  /** The bytes stored in the effect's transaction; the route sends exactly these. */
  payload?: string
  recorded: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
    /** The scope the route needs; default `read` for GET, `write` otherwise. */
    scope?: Scope
    /** False on write routes that are safe to repeat by nature and skip idempotency keys. */
    idempotent?: boolean
    /** Set on the writes `Prefer: dry-run` previews (plugins/dry-run.ts). */
    dryRun?: boolean
  }
  interface FastifyRequest {
    /** Set on every authenticated request. */
    ctx: RequestContext
    idempotency: IdempotencyState | null
    /** The request asked for `Prefer: dry-run` on a route that previews: nothing it does is kept. */
    dryRun: boolean
  }
}
