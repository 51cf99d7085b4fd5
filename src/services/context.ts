import type { Scope } from '../domain/access/scopes.js'
import type { Tenant } from '../domain/access/tenant.js'
import type { Clock } from '../domain/shared/clock.js'
import { offsetClock } from '../domain/shared/clock.js'
import type { Executor } from '../persistence/database.js'

/** Who asked: an API key, a V2 bearer token, a portal operator (id, e-mail as label), or the system itself (worker jobs, CLI). */
export interface Actor {
  type: 'api_key' | 'token' | 'operator' | 'system'
  id: string
  /** The key's label, the token's audience, the operator's e-mail, or the job kind. */
  label: string
  /** The end user behind a token (V2 `creation_user`), when known. */
  user?: string
  scopes: readonly Scope[]
}

/**
 * Records the response of an idempotent request inside the transaction that made its effect, so
 * the two commit together (set by the HTTP idempotency plugin when `X-Idempotency-Key` is sent).
 */
export interface IdempotencyRecorder {
  recordInTransaction(tx: Executor, result: unknown): Promise<void>
}

/** What every service call carries: the tenant, the actor, the tenant's clock and the request id. */
export interface RequestContext {
  tenant: Tenant
  actor: Actor
  requestId: string
  /** The tenant's clock: real time, or a sandbox tenant's test clock running ahead of it. */
  clock: Clock
  idempotency?: IdempotencyRecorder
}

export function tenantClock(base: Clock, tenant: Pick<Tenant, 'clockOffsetMs'>): Clock {
  return offsetClock(base, tenant.clockOffsetMs)
}

/** A context for work the system does on a tenant's behalf (jobs, CLI commands). */
export function systemContext(
  tenant: Tenant,
  base: Clock,
  label: string,
  requestId = `system:${label}`,
): RequestContext {
  return {
    tenant,
    actor: { type: 'system', id: 'system', label, scopes: ['read', 'write', 'admin'] },
    requestId,
    clock: tenantClock(base, tenant),
  }
}
