import type { FastifyRequest } from 'fastify'
import type { Scope } from '../../domain/access/scopes.js'
import type { Clock } from '../../domain/shared/clock.js'
import { ForbiddenError } from '../../domain/shared/errors.js'
import type { ApiKeyService } from '../../services/api-key.service.js'
import { tenantClock } from '../../services/context.js'
import type { App } from '../types.js'

/** The scope a route needs: its own `config.scope`, else `read` for GET and `write` for the rest. */
export function requiredScope(req: FastifyRequest): Scope {
  return req.routeOptions.config.scope ?? (req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write')
}

export function assertScope(req: FastifyRequest, scopes: readonly Scope[]): void {
  const scope = requiredScope(req)
  if (!scopes.includes(scope)) {
    throw new ForbiddenError(
      'auth.missing_scope',
      `This operation needs the '${scope}' scope, which this credential does not have.`,
      { requiredScope: scope },
    )
  }
}

/**
 * Authenticates every API route by its `X-Api-Key` before the body is read, and builds the request
 * context the services receive. Routes with `config.auth: 'none'` (health, docs) are public; the V2
 * facade installs its own scheme.
 */
export function installApiKeyAuth(app: App, deps: { apiKeys: ApiKeyService; clock: Clock }): void {
  app.decorateRequest('ctx', null as never)
  app.addHook('onRequest', async (req) => {
    if (req.is404 || (req.routeOptions.config.auth ?? 'api_key') !== 'api_key') return
    const header = req.headers['x-api-key']
    const { key, tenant } = await deps.apiKeys.authenticate(Array.isArray(header) ? header[0] : header)
    req.ctx = {
      tenant,
      actor: { type: 'api_key', id: key.id, label: key.label, scopes: key.scopes as Scope[] },
      requestId: req.id,
      clock: tenantClock(deps.clock, tenant),
    }
    req.log = req.log.child({ tenantId: tenant.id, apiKeyId: key.id })
    assertScope(req, req.ctx.actor.scopes)
  })
}
