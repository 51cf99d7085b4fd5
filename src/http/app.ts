import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger } from 'fastify'
import Fastify from 'fastify'
import { randomUUID } from 'node:crypto'
import type { Services } from '../container.js'
import { installApiKeyAuth } from './plugins/auth.js'
import { installDryRunRequests, installDryRunRoutes } from './plugins/dry-run.js'
import { installErrorHandling } from './plugins/error-handler.js'
import { installIdempotency } from './plugins/idempotency.js'
import { installMetrics } from './plugins/metrics.js'
import { installOpenApi } from './plugins/openapi.js'
import { refuseNulCharacters } from './text-guard.js'
import { PORTAL_PREFIX, portalPlugin } from './portal/portal.plugin.js'
import { parseQueryString } from './querystring.js'
import { RequestLog } from './request-log.js'
import { buildSerializer } from './serialization.js'
import { addonRoutes } from './routes/addons/addons.routes.js'
import { provisioningRoutes } from './routes/addons/provisioning.routes.js'
import { apiKeyRoutes } from './routes/api-keys/api-keys.routes.js'
import { catalogAdminRoutes } from './routes/catalog/catalog-admin.routes.js'
import { catalogRoutes } from './routes/catalog/catalog.routes.js'
import { eventRoutes } from './routes/events/events.routes.js'
import { idempotencyKeyRoutes } from './routes/idempotency-keys/idempotency-keys.routes.js'
import { esimRoutes } from './routes/inventory/esim.routes.js'
import { numberRoutes } from './routes/inventory/numbers.routes.js'
import { simRoutes } from './routes/inventory/sims.routes.js'
import { healthRoutes } from './routes/operations/health.routes.js'
import { orderRoutes } from './routes/orders/orders.routes.js'
import { inPortingRoutes } from './routes/subscriptions/in-porting.routes.js'
import { subscriptionRoutes } from './routes/subscriptions/subscriptions.routes.js'
import { licenseRoutes } from './routes/licenses/licenses.routes.js'
import { topupRoutes } from './routes/topups/topups.routes.js'
import { tenantRoutes } from './routes/tenant/tenant.routes.js'
import { testClockRoutes } from './routes/test-clock/test-clock.routes.js'
import { customerRoutes } from './routes/parties/customers.routes.js'
import { subscriberRoutes } from './routes/parties/subscribers.routes.js'
import { userRoutes } from './routes/parties/users.routes.js'
import { addV2Schemas, v2Routes } from './routes/v2/v2.plugin.js'
import { webhookDeliveryRoutes, webhookEndpointRoutes } from './routes/webhooks/webhooks.routes.js'
import type { App } from './types.js'
import { strictRequestSchema, validatorCompiler } from './validation.js'

export const BODY_LIMIT_BYTES = 1024 * 1024
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export interface AppOptions {
  services: Services
  logger: FastifyBaseLogger
  /** Registers more routes before the app is sealed (tests use it for fault injection). */
  extend?: (app: App) => Promise<void>
}

/**
 * Builds the HTTP app without listening: `server.ts` listens, tests use `app.inject`. Hook order on a
 * request: request id → API key (401/403) → `Prefer: dry-run` (400 where unsupported) → body parsing (400/413) → schema validation (400) →
 * idempotency claim (replay/409) → handler → stored response. The V2 facade under `/v2` has its
 * own authentication (bearer token or API key) and error envelope.
 */
export async function buildApp({ services, logger, extend }: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    // One line per request instead of Fastify's two (request-log.ts).
    logController: new RequestLog(),
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: 'idle',
    genReqId: (req) => {
      const header = req.headers['x-request-id']
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID()
    },
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString, maxParamLength: 512 },
    schemaController: { compilersFactory: { buildSerializer } },
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  // JSON is the only body the API takes: anything else is a 400 naming the content type.
  app.removeContentTypeParser('text/plain')
  // Many clients send `Content-Type: application/json` on every POST, body or not: an empty body
  // is no body (the hook below makes it `{}`), anything else goes through Fastify's own parser,
  // with its prototype-poisoning guards.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') done(null, undefined)
    else parseJson(req, body as string, done)
  })

  // The frame's hooks that do not wait on anything take Fastify's callback form: an async hook costs
  // a promise and a microtask per request (docs/performance.md, "The frame, profiled").
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id)
    done()
  })
  // A POST with no body is an empty object, so action routes (submit, cancel, block…) need none,
  // and routes that need fields name each missing one.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined && req.method !== 'GET' && req.routeOptions.schema?.body) req.body = {}
    try {
      refuseNulCharacters({ params: req.params, query: req.query, body: req.body })
    } catch (error) {
      done(error as Error)
      return
    }
    done()
  })
  // While draining for shutdown, a connection that finishes its request is closed rather than kept
  // alive, so the server can stop once the requests in flight are answered.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  // Routes that plugins register for themselves (the docs page) are public.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, auth: 'none' }
  })
  // Unknown body fields and query parameters are refused (docs/compatibility.md, "Unknown fields").
  // Before the OpenAPI plugin, whose own hook then documents the closed schemas. The portal's HTML
  // forms are not the API: its routes keep their own schemas and are hidden from the document.
  app.addHook('onRoute', (route) => {
    if (route.schema && !route.url.startsWith('/docs') && !route.url.startsWith(PORTAL_PREFIX))
      route.schema = strictRequestSchema(route.schema)
  })

  installErrorHandling(app)
  installMetrics(app, services.webhooks.metrics.all())
  // The dry-run's rolled-back transaction is opened on the database itself, not the services' handle.
  installDryRunRoutes(app, services.database.db)
  await installOpenApi(app)
  addV2Schemas(app)
  installApiKeyAuth(app, { apiKeys: services.apiKeys, clock: services.clock })
  installDryRunRequests(app)
  installIdempotency(app, services.idempotency)

  await app.register(healthRoutes, { db: services.db })
  await app.register(apiKeyRoutes, { apiKeys: services.apiKeys })
  await app.register(idempotencyKeyRoutes, { idempotency: services.idempotency })
  await app.register(eventRoutes, { events: services.events })
  await app.register(webhookEndpointRoutes, { endpoints: services.webhookEndpoints })
  await app.register(webhookDeliveryRoutes, { deliveries: services.webhookDeliveries })
  await app.register(tenantRoutes, { tenantSettings: services.tenantSettings })
  await app.register(testClockRoutes, { testClock: services.testClock })
  await app.register(subscriptionRoutes, {
    subscriptions: services.subscriptions,
    planChanges: services.planChanges,
    upcoming: services.upcoming,
  })
  await app.register(inPortingRoutes, { portIns: services.portIns })
  await app.register(addonRoutes, { addons: services.addons, changes: services.addonChanges })
  await app.register(orderRoutes, { orders: services.orders })
  await app.register(topupRoutes, { topups: services.topups })
  await app.register(licenseRoutes, { licenses: services.licenses })
  await app.register(provisioningRoutes, { retry: services.provisioningRetry })
  await app.register(catalogRoutes, { catalog: services.catalog })
  await app.register(catalogAdminRoutes, { catalog: services.catalog })
  await app.register(customerRoutes, { customers: services.customers, customerUsers: services.customerUsers })
  await app.register(userRoutes, { users: services.users })
  await app.register(subscriberRoutes, { subscribers: services.subscribers })
  await app.register(numberRoutes, { numberPool: services.numberPool })
  await app.register(simRoutes, { sims: services.sims })
  await app.register(esimRoutes, { esim: services.esim })
  await app.register(v2Routes, {
    prefix: '/v2',
    v2Addons: services.v2Addons,
    tokens: services.v2Tokens,
    apiKeys: services.apiKeys,
    tenants: services.tenants,
    clock: services.clock,
  })
  await app.register(portalPlugin, {
    prefix: PORTAL_PREFIX,
    portalSessions: services.portalSessions,
    portalOverview: services.portalOverview,
    idempotency: services.idempotency,
    clock: services.clock,
    operators: services.operators,
    tenants: services.tenants,
    subscriptions: services.subscriptions,
    orders: services.orders,
    customers: services.customers,
    subscribers: services.subscribers,
    catalog: services.catalog,
    numberPool: services.numberPool,
    sims: services.sims,
    database: services.database,
    planChanges: services.planChanges,
    addons: services.addons,
    addonChanges: services.addonChanges,
    esim: services.esim,
    testClock: services.testClock,
    apiKeys: services.apiKeys,
    webhookEndpoints: services.webhookEndpoints,
    webhookDeliveries: services.webhookDeliveries,
    events: services.events,
    inventoryImports: services.inventoryImports,
    failedJobs: services.failedJobs,
  })
  if (extend) await app.register(extend)

  await app.ready()
  return app
}
