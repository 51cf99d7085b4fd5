import type { FastifyRequest, RouteHandlerMethod } from 'fastify'
import { InvalidInputError } from '../../domain/shared/errors.js'
import type { Executor } from '../../persistence/database.js'
import { inRolledBackTransaction } from '../../persistence/dry-run.js'
import type { App } from '../types.js'

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The writes that can be previewed: those of subscriptions (with their add-ons, top-ups and
 * port-ins), licenses and orders, and the V2 add-on writes. Other writes (API keys, webhook
 * endpoints, inventory imports, tenant settings, the catalog, test clocks) refuse the preference.
 */
const PREVIEWABLE = [
  /^\/subscriptions(\/|$)/,
  /^\/licenses(\/|$)/,
  /^\/orders(\/|$)/,
  /^\/v2\/orgs\/:org\/subscriptions\/:subscriptionId\/add_ons(\/|$)/,
]

export const DRY_RUN_HEADERS = { 'preference-applied': 'dry-run', 'openline-dry-run': 'true' } as const

/** Whether a route is a write that `Prefer: dry-run` previews. */
export function previewable(method: string | string[], url: string): boolean {
  return [method].flat().some((m) => WRITE_METHODS.has(m)) && PREVIEWABLE.some((p) => p.test(url))
}

/** True when the request's Prefer header(s) hold the `dry-run` preference (RFC 7240; any value). */
export function prefersDryRun(req: Pick<FastifyRequest, 'headers'>): boolean {
  const header = req.headers.prefer
  if (header === undefined) return false
  return [header]
    .flat()
    .flatMap((value) => value.split(','))
    .some((preference) => {
      const token = (preference.split(';')[0] ?? '').split('=')[0] ?? ''
      return token.trim().toLowerCase() === 'dry-run'
    })
}

/**
 * `Prefer: dry-run` on a write: the route's real handler runs, from the services down, inside one
 * database transaction that is rolled back once the answer is sent (persistence/dry-run.ts routes
 * every service statement into it). The answer is the real one, status and body, with
 * `Preference-Applied: dry-run` and `Openline-Dry-Run: true`; nothing is kept: no row, event,
 * webhook delivery, job or NOTIFY, and the idempotency key is only looked at (plugins/idempotency.ts).
 * A write that cannot be previewed is refused (400 `request.dry_run_unsupported`) rather than made.
 * Reads ignore the preference.
 *
 * Installed before the OpenAPI plugin (whose document shows the header on previewable operations)
 * and after API-key authentication, so a request without a key is a 401 first.
 */
export function installDryRunRoutes(app: App, db: Executor): void {
  app.decorateRequest('dryRun', false)
  app.addHook('onRoute', (route) => {
    if (!previewable(route.method, route.url)) return
    route.config = { ...route.config, dryRun: true }
    const handler = route.handler as (this: unknown, ...args: Parameters<RouteHandlerMethod>) => unknown
    route.handler = function (this: unknown, req, reply) {
      if (!req.dryRun) return handler.call(this, req, reply)
      return inRolledBackTransaction(db, async () => handler.call(this, req, reply))
    } as RouteHandlerMethod
  })
}

/** The request hook of dry-runs; see installDryRunRoutes. */
export function installDryRunRequests(app: App): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404 || !WRITE_METHODS.has(req.method) || !prefersDryRun(req)) return
    if (!req.routeOptions.config.dryRun) {
      throw new InvalidInputError(
        'request.dry_run_unsupported',
        `${req.method} ${req.routeOptions.url ?? req.url} cannot be previewed: send it without Prefer: dry-run. Dry-runs cover the writes of subscriptions, add-ons, top-ups, licenses and orders.`,
        { method: req.method, route: req.routeOptions.url ?? req.url },
        [{ path: '/headers/prefer', message: 'dry-run is not supported by this operation' }],
      )
    }
    req.dryRun = true
    reply.headers(DRY_RUN_HEADERS)
  })
}
