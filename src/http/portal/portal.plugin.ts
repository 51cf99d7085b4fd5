import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import view from '@fastify/view'
import { Eta } from 'eta'
import { fileURLToPath } from 'node:url'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../container.js'
import type { Role } from '../../domain/operators/roles.js'
import { roleAllows, SCOPES_OF_ROLE } from '../../domain/operators/roles.js'
import { ForbiddenError } from '../../domain/shared/errors.js'
import { tenantClock } from '../../services/context.js'
import type { PortalSession } from '../../services/portal/session.service.js'
import { toProblem } from '../plugins/error-handler.js'
import type { App } from '../types.js'
import { page } from './page.js'
import { developerRoutes } from './routes/developers/developers.routes.js'
import { assetRoutes } from './routes/assets.routes.js'
import { catalogRoutes } from './routes/catalog.routes.js'
import { customerRoutes } from './routes/customers.routes.js'
import { homeRoutes } from './routes/home.routes.js'
import { inventoryRoutes } from './routes/inventory.routes.js'
import { inventoryImportRoutes } from './routes/inventory-import.routes.js'
import { orderRoutes } from './routes/orders.routes.js'
import { searchRoutes } from './routes/search.routes.js'
import { signInRoutes } from './routes/sign-in.routes.js'
import { subscriptionRoutes } from './routes/subscription.routes.js'
import { subscriptionListRoutes } from './routes/subscriptions.routes.js'
import { tenantRoutes } from './routes/tenant.routes.js'
import { subscriptionActionRoutes } from './routes/subscription-actions.routes.js'
import { addonActionRoutes } from './routes/addon-actions.routes.js'
import { withdrawPendingRoutes } from './routes/withdraw-pending.routes.js'
import { testClockRoutes } from './routes/test-clock.routes.js'
import { assertCsrf, csrfToken, SESSION_COOKIE, setSecurityHeaders } from './security.js'

export const PORTAL_PREFIX = '/portal'
const VIEWS = fileURLToPath(new URL('./views/', import.meta.url))

export type PortalDeps = Pick<
  Services,
  | 'portalSessions'
  | 'portalOverview'
  | 'idempotency'
  | 'clock'
  | 'operators'
  | 'tenants'
  | 'subscriptions'
  | 'orders'
  | 'customers'
  | 'subscribers'
  | 'catalog'
  | 'numberPool'
  | 'sims'
  | 'apiKeys'
  | 'webhookEndpoints'
  | 'webhookDeliveries'
  | 'events'
  | 'inventoryImports'
  | 'failedJobs'
> &
  // The subscription page's actions, their previews (the API's dry-run) and the test clock.
  Pick<Services, 'database' | 'planChanges' | 'addons' | 'addonChanges' | 'esim' | 'testClock'>

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Portal: the least role a route needs (default: viewer for GET, operator for POST). */
    portalRole?: Role
    /** Portal: served without a session (sign-in, assets). */
    portalPublic?: boolean
  }
  interface FastifyRequest {
    /** The signed-in operator's session, on portal routes. */
    portal: PortalSession | null
  }
}

/**
 * The operator portal, served under `/portal` in its own Fastify context: HTML forms (parsed here
 * only, the API still takes JSON alone), a session cookie instead of an API key, CSRF tokens on
 * every POST, role checks, a strict CSP and HTML error pages. Its routes are hidden from the
 * OpenAPI document and skipped by the API's strict-schema hook (app.ts).
 *
 * To add a page: a `routes/<page>.routes.ts` registered below, a `views/<page>.eta` that starts
 * with `<% layout('layout', it) %>`, and (for the navigation) an entry in `NAV` (page.ts).
 */
export async function portalPlugin(app: App, options: PortalDeps & { prefix?: string }): Promise<void> {
  // The options carry the plugin's prefix; its own routes get the dependencies alone.
  const { prefix: _prefix, ...deps } = options
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, auth: 'portal', idempotent: false }
    route.schema = { ...route.schema, hide: true }
  })
  await app.register(formbody, { bodyLimit: 64 * 1024 })
  await app.register(cookie)
  await app.register(view, {
    engine: { eta: new Eta({ views: VIEWS, cache: true, autoEscape: true }) },
    root: VIEWS,
    viewExt: 'eta',
  })
  app.decorateRequest('portal', null)

  app.addHook('onRequest', async (req, reply) => {
    setSecurityHeaders(reply)
    if (req.routeOptions.config.portalPublic || req.is404) return
    const session = await deps.portalSessions.resolve(req.cookies[SESSION_COOKIE])
    if (!session) return signInFirst(req, reply)
    req.portal = session
    req.ctx = {
      tenant: session.tenant,
      actor: {
        type: 'operator',
        id: session.operator.id,
        label: session.operator.email,
        scopes: SCOPES_OF_ROLE[session.role],
      },
      requestId: req.id,
      clock: tenantClock(deps.clock, session.tenant),
    }
    req.log = req.log.child({ tenantId: session.tenant.id, operatorId: session.operator.id })
  })

  // After the body is parsed: every POST of a session carries its CSRF token; then the role.
  app.addHook('preHandler', async (req) => {
    const session = req.portal
    if (!session) return
    if (req.method === 'POST') assertCsrf(csrfToken(session), req.body)
    const needed = req.routeOptions.config.portalRole ?? (req.method === 'GET' ? 'viewer' : 'operator')
    if (!roleAllows(session.role, needed))
      throw new ForbiddenError(
        'portal.role_forbidden',
        `Your role in ${session.tenant.name} is ${session.role}; this needs ${needed}.`,
        { role: session.role, needed },
      )
  })

  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    const problem = toProblem(error, req)
    // A form sent twice while the first still runs, or with other values: say so, plainly.
    await page(req, reply, 'error', { title: problem.title, problem }, problem.status)
  })
  app.setNotFoundHandler(async (req, reply) => {
    setSecurityHeaders(reply)
    const session = await deps.portalSessions.resolve(req.cookies?.[SESSION_COOKIE])
    if (session) req.portal = session
    const path = req.url.split('?')[0] ?? req.url
    await page(
      req,
      reply,
      'error',
      {
        title: 'Not found',
        problem: { status: 404, title: 'Not Found', detail: `There is no page ${path}.`, code: 'route.not_found' },
      },
      404,
    )
  })

  await app.register(assetRoutes)
  await app.register(signInRoutes, deps)
  await app.register(tenantRoutes, deps)
  await app.register(homeRoutes, deps)
  await app.register(searchRoutes, deps)
  await app.register(subscriptionListRoutes, deps)
  await app.register(subscriptionRoutes, deps)
  await app.register(orderRoutes, deps)
  await app.register(customerRoutes, deps)
  await app.register(catalogRoutes, deps)
  await app.register(inventoryRoutes, deps)
  await app.register(subscriptionActionRoutes, deps)
  await app.register(addonActionRoutes, deps)
  await app.register(withdrawPendingRoutes, deps)
  await app.register(testClockRoutes, deps)
  await app.register(developerRoutes, deps)
  await app.register(inventoryImportRoutes, deps)
}

/** Signed out: a page view goes to the sign-in page and comes back after; htmx is told to do the same. */
async function signInFirst(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const next = req.method === 'GET' ? req.url : PORTAL_PREFIX
  const location = `${PORTAL_PREFIX}/sign-in?next=${encodeURIComponent(next)}`
  if (req.headers['hx-request'] === 'true') await reply.code(401).header('hx-redirect', location).send()
  else await reply.code(303).header('location', location).send()
}
