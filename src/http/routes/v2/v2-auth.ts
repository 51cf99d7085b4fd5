import type { FastifyRequest } from 'fastify'
import type { Tenant } from '../../../domain/access/tenant.js'
import { v2OrgOf } from '../../../domain/access/tenant.js'
import type { Clock } from '../../../domain/shared/clock.js'
import { NotFoundError, UnauthenticatedError } from '../../../domain/shared/errors.js'
import type { Actor } from '../../../services/context.js'
import { tenantClock } from '../../../services/context.js'
import type { ApiKeyService } from '../../../services/api-key.service.js'
import type { TenantService } from '../../../services/tenant.service.js'
import type { V2TokenVerifier } from '../../../services/v2/token-verifier.js'
import { NOT_AVAILABLE } from '../../../domain/v2/add-on.js'
import { assertScope } from '../../plugins/auth.js'
import type { App } from '../../types.js'

export interface V2AuthDeps {
  tokens: V2TokenVerifier
  apiKeys: ApiKeyService
  tenants: TenantService
  clock: Clock
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i

/**
 * The V2 API's own authentication, for the routes of its plugin (`config.auth: 'v2'`, which the
 * API-key hook skips). `Authorization: Bearer <JWT>` (see V2TokenVerifier), or an `X-Api-Key` of
 * the org's tenant. Order: the credential (401), then the org (404 whether it does not exist or
 * the credential may not use it, so nobody learns which orgs exist), then the scope (403).
 */
export function installV2Auth(app: App, deps: V2AuthDeps): void {
  app.addHook('onRequest', async (req) => {
    if (req.is404 || req.routeOptions.config.auth !== 'v2') return
    const org = (req.params as { org?: string }).org ?? ''
    const { tenant, actor } =
      req.headers.authorization !== undefined ? await byToken(req, org, deps) : await byApiKey(req, org, deps)
    req.ctx = { tenant, actor, requestId: req.id, clock: tenantClock(deps.clock, tenant) }
    req.log = req.log.child({ tenantId: tenant.id, actor: `${actor.type}:${actor.id}` })
    assertScope(req, actor.scopes)
  })
}

async function byToken(req: FastifyRequest, org: string, deps: V2AuthDeps): Promise<{ tenant: Tenant; actor: Actor }> {
  const match = BEARER.exec(req.headers.authorization ?? '')
  if (!match)
    throw new UnauthenticatedError('auth.invalid_authorization', 'Send the token as `Authorization: Bearer <JWT>`.')
  const principal = await deps.tokens.verify(match[1] as string)
  const tenant = principal.orgs.includes(org) ? await deps.tenants.findByV2Org(org) : undefined
  if (!tenant) throw orgNotFound(org)
  const actor: Actor = {
    type: 'token',
    id: principal.user ?? NOT_AVAILABLE,
    label: principal.system,
    scopes: principal.scopes,
    ...(principal.user && { user: principal.user }),
  }
  return { tenant, actor }
}

async function byApiKey(req: FastifyRequest, org: string, deps: V2AuthDeps): Promise<{ tenant: Tenant; actor: Actor }> {
  const header = req.headers['x-api-key']
  if (header === undefined)
    throw new UnauthenticatedError(
      'auth.missing_credentials',
      'Send `Authorization: Bearer <JWT>`, or your API key in the X-Api-Key header.',
    )
  const { key, tenant } = await deps.apiKeys.authenticate(Array.isArray(header) ? header[0] : header)
  if (v2OrgOf(tenant) !== org) throw orgNotFound(org)
  return { tenant, actor: { type: 'api_key', id: key.id, label: key.label, scopes: key.scopes as Actor['scopes'] } }
}

const orgNotFound = (org: string) => new NotFoundError('org', org)
