import { WebhookMetrics } from './services/webhooks/webhook-metrics.js'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Config, WebhookConfig } from './config.js'
import { DEFAULT_WEBHOOK_CONFIG } from './config.js'
import type { Clock } from './domain/shared/clock.js'
import type { Database, Executor } from './persistence/database.js'
import { scopedExecutor } from './persistence/dry-run.js'
import { ApiKeyService } from './services/api-key.service.js'
import { CustomerUserService } from './services/customer-user.service.js'
import { CustomerService } from './services/customer.service.js'
import { AddonChangeService } from './services/addons/addon-change.service.js'
import { ADDON_TARGET } from './services/addons/addon-kinds.js'
import { AddonLifecycle } from './services/addons/addon-lifecycle.js'
import { AddonRecords } from './services/addons/addon-records.js'
import { AddonViews } from './services/addons/addon-view.js'
import { AddonService } from './services/addons/addon.service.js'
import { AuthCache } from './services/auth-cache.js'
import { LineItemChecks } from './services/orders/line-item-checks.js'
import { OrderFulfilment } from './services/orders/order-fulfilment.js'
import { inventoryPort, licensePort, portingPort, topupPort } from './services/orders/order-port-adapters.js'
import type { OrderPorts } from './services/orders/order-ports.js'
import { OrderPricer } from './services/orders/order-pricing.js'
import { OrderViews } from './services/orders/order-view.js'
import { OrderService } from './services/orders/order.service.js'
import { CatalogService } from './services/catalog.service.js'
import { EventService } from './services/event.service.js'
import { IdempotencyService } from './services/idempotency.service.js'
import { EsimService } from './services/inventory/esim.service.js'
import { NumberPoolService } from './services/inventory/number-pool.service.js'
import { SimService } from './services/inventory/sim.service.js'
import { JobQueue } from './services/job-queue.service.js'
import { FailedJobService } from './services/jobs/failed-job.service.js'
import { SchedulingService } from './services/scheduling.service.js'
import { PlanChangeService } from './services/subscriptions/plan-change.service.js'
import { UpcomingService } from './services/subscriptions/upcoming.service.js'
import { SUBSCRIPTION_TARGET } from './services/subscriptions/subscription-kinds.js'
import { SubscriptionLifecycle } from './services/subscriptions/subscription-lifecycle.js'
import { numberInUse, subscriptionLookup } from './services/subscriptions/subscription-lookup.js'
import { SubscriptionPublisher } from './services/subscriptions/subscription-publisher.js'
import { ScheduledChangeRunner } from './services/scheduled-change-runner.js'
import type { ChangeTarget } from './services/scheduling.service.js'
import type { SubscriptionLookup } from './services/subscriber.service.js'
import { SubscriptionViews } from './services/subscriptions/subscription-view.js'
import { directLineInventory } from './services/subscriptions/direct-line-inventory.js'
import { SubscriptionService } from './services/subscriptions/subscription.service.js'
import { TestClockService } from './services/test-clock.service.js'
import { LICENSE_TARGET } from './domain/licenses/license.js'
import { LicenseChanges } from './services/licenses/license-changes.js'
import { LicenseLifecycle } from './services/licenses/license-lifecycle.js'
import { includedLicenses } from './services/licenses/included-licenses.js'
import { LicenseViews } from './services/licenses/license-view.js'
import { LicenseService } from './services/licenses/license.service.js'
import { TopupService } from './services/topups/topup.service.js'
import { TimelineService } from './services/timeline.service.js'
import { QueuedAddonProvisioner } from './services/provisioning/addon-provisioner.js'
import { NetworkProviders } from './services/provisioning/network-providers.js'
import { ProvisioningRetryService } from './services/provisioning/provisioning-retry.service.js'
import { ProvisioningService } from './services/provisioning/provisioning.service.js'
import { PortInProgress } from './services/porting/port-in-progress.js'
import { PortInRecords, portInSummaries } from './services/porting/port-in-records.js'
import { PortInService } from './services/porting/port-in.service.js'
import { PortingProviders } from './services/porting/porting-providers.js'
import { PartyService } from './services/party.service.js'
import { OperatorService } from './services/portal/operator.service.js'
import { PortalOverviewService } from './services/portal/overview.service.js'
import { InventoryImportService } from './services/inventory/inventory-import.service.js'
import { PortalSessionService } from './services/portal/session.service.js'
import { SubscriberService } from './services/subscriber.service.js'
import { TenantSettingsService } from './services/tenant-settings.service.js'
import { TenantService } from './services/tenant.service.js'
import { UnitOfWork } from './services/unit-of-work.js'
import { UserService } from './services/user.service.js'
import { V2TokenVerifier } from './services/v2/token-verifier.js'
import { V2AddonService } from './services/v2/v2-addon.service.js'
import { WebhookDispatcher } from './services/webhooks/dispatcher.js'
import { SecretBox } from './services/webhooks/secret-box.js'
import { WebhookSender } from './services/webhooks/sender.js'
import { assertEndpointUrl, guardedLookup } from './services/webhooks/ssrf.js'
import type { UrlPolicy } from './services/webhooks/url-policy.js'
import { WebhookDeliveryService } from './services/webhooks/webhook-delivery.service.js'
import { WebhookEndpointService } from './services/webhooks/webhook-endpoint.service.js'
import { WebhookFanOut } from './services/webhooks/webhook-fan-out.js'
import { jobHandlers, recurringJobs } from './worker/jobs/index.js'
import type { Logger } from './worker/runner.js'
import { Worker } from './worker/runner.js'

export interface ContainerInput {
  /** `v2` may be left out where no V2 bearer token is ever verified (tests, the OpenAPI export). */
  config: Pick<Config, 'authCacheTtlMs' | 'worker'> & Partial<Pick<Config, 'v2' | 'webhooks'>>
  /** The key that encrypts webhook signing secrets (see resolveSecretKey); a throwaway one when absent. */
  secretKey?: Buffer
  /** Where webhooks may be sent; default: the SSRF guard with the configured allowed CIDRs. */
  urlPolicy?: UrlPolicy
  database: Database
  clock: Clock
  logger: Logger
  /** Test seams, fixed at construction: a stand-in for what parties learn of subscriptions, extra change targets. */
  seams?: { subscriptionLookup?: SubscriptionLookup; changeTargets?: Readonly<Record<string, ChangeTarget>> }
}

/**
 * The composition root: plain objects with explicit constructor arguments, each service given only
 * what it uses, built in dependency order with nothing set after construction. The HTTP app, the
 * worker, the CLI and the tests all build the same container.
 */
export function createServices(input: ContainerInput): Services {
  const { config, database, clock, logger, seams = {} } = input
  // Dry-run requests send every statement of the services to their own rolled-back transaction.
  const db: Executor = scopedExecutor(database.db)
  const uow = new UnitOfWork(db)
  const authCache = new AuthCache(config.authCacheTtlMs, () => clock.now().getTime())
  const queue = new JobQueue(clock)
  const tenants = new TenantService(db, clock, authCache)
  const apiKeys = new ApiKeyService(db, uow, clock, authCache)
  const idempotency = new IdempotencyService(db, clock)
  const events = new EventService(db, clock, new WebhookFanOut(clock))
  const webhookConfig = config.webhooks ?? DEFAULT_WEBHOOK_CONFIG
  const secretBox = new SecretBox(input.secretKey ?? randomBytes(32))
  const urlPolicy = input.urlPolicy ?? {
    assertEndpointUrl: (url: string) => void assertEndpointUrl(url, webhookConfig.allowedCidrs),
    lookup: guardedLookup(webhookConfig.allowedCidrs),
  }
  const webhookEndpoints = new WebhookEndpointService(db, uow, clock, secretBox, urlPolicy)
  const webhookDeliveries = new WebhookDeliveryService(db, uow, clock, events)
  const tenantSettings = new TenantSettingsService(uow, tenants, events)
  const catalog = new CatalogService(db, uow, events)
  const customerUsers = new CustomerUserService(uow, events)
  const customers = new CustomerService(db, uow, events, customerUsers)
  const users = new UserService(db, uow, events)
  const subscribers = new SubscriberService(db, uow, events, seams.subscriptionLookup ?? subscriptionLookup)
  const parties = new PartyService(customers, users, subscribers)
  const timeline = new TimelineService(db)
  const scheduling = new SchedulingService(db, clock, queue)
  const numberPool = new NumberPoolService(db, uow, clock, queue, tenants)
  const sims = new SimService(db, uow, events)

  // What follows a subscription (add-ons, licenses, numbers, SIMs, port-ins) is built before its
  // lifecycle, which tells them when it ends or changes plan; they publish the subscription through
  // the publisher, not the lifecycle, so nothing points back.
  const subscriptionViews = new SubscriptionViews(catalog, parties, scheduling, portInSummaries)
  const subscriptionPublisher = new SubscriptionPublisher(subscriptionViews, events)
  const licenseViews = new LicenseViews(catalog, parties, scheduling)
  const licenseLifecycle = new LicenseLifecycle(catalog, scheduling, timeline, events, licenseViews)
  const addonViews = new AddonViews(catalog, scheduling, (ex, tenant, ids) => licenseViews.embedded(ex, tenant, ids))
  // Tenants with a network provider provision add-ons through jobs; the others activate at once.
  const networkProviders = new NetworkProviders(clock)
  const addonProvisioner = new QueuedAddonProvisioner(networkProviders, queue)
  const addonLifecycle = new AddonLifecycle(
    catalog,
    scheduling,
    timeline,
    events,
    addonViews,
    subscriptionPublisher,
    addonProvisioner,
    includedLicenses(catalog, licenseLifecycle),
  )
  const portInRecords = new PortInRecords(events, timeline, subscriptionPublisher, queue)
  const subscriptionLifecycle = new SubscriptionLifecycle(catalog, scheduling, timeline, subscriptionPublisher, [
    addonLifecycle.subscriptionListener(),
    // A license assigned to a subscription ends with it.
    licenseLifecycle.subscriptionListener(),
    // A subscription that ends gives its pool number back (into quarantine) and uses up its SIM.
    numberPool.subscriptionListener(),
    sims.subscriptionListener(),
    portInRecords.subscriptionListener(),
  ])
  const changeRunner = new ScheduledChangeRunner(
    db,
    clock,
    tenants,
    {
      [SUBSCRIPTION_TARGET]: subscriptionLifecycle,
      [ADDON_TARGET]: addonLifecycle,
      [LICENSE_TARGET]: licenseLifecycle,
      ...seams.changeTargets,
    },
    config.worker.changeBatchSize,
  )

  const inventory = directLineInventory(numberPool, sims, numberInUse)
  const subscriptions = new SubscriptionService(
    db,
    uow,
    catalog,
    parties,
    scheduling,
    subscriptionLifecycle,
    subscriptionViews,
    timeline,
    inventory,
  )
  const planChanges = new PlanChangeService(uow, catalog, scheduling, subscriptionLifecycle, subscriptions, db)
  const addons = new AddonService(
    db,
    uow,
    catalog,
    scheduling,
    subscriptions,
    subscriptionLifecycle,
    addonLifecycle,
    addonViews,
  )
  const addonChanges = new AddonChangeService(
    db,
    uow,
    catalog,
    scheduling,
    subscriptions,
    subscriptionLifecycle,
    addonLifecycle,
    addons,
  )
  const provisioning = new ProvisioningService(
    db,
    clock,
    tenants,
    catalog,
    subscriptions,
    networkProviders,
    addonLifecycle,
    queue,
    timeline,
  )
  const provisioningRetry = new ProvisioningRetryService(uow, subscriptions, queue, timeline, addonViews)
  const topups = new TopupService(db, uow, catalog, subscriptions, events, timeline)
  const licenseChanges = new LicenseChanges(db, catalog, scheduling, licenseLifecycle)
  const licenses = new LicenseService(
    db,
    uow,
    clock,
    catalog,
    parties,
    subscriptions,
    scheduling,
    licenseLifecycle,
    licenseViews,
    timeline,
    licenseChanges,
  )
  const esim = new EsimService(uow, subscriptions, sims, events)
  // Port-ins: the simulated provider by default for sandbox tenants; they show on their subscription and end with it.
  const portingProviders = new PortingProviders(clock)
  const portIns = new PortInService(db, uow, subscriptions, numberPool, portingProviders, queue, portInRecords)
  const portInProgress = new PortInProgress(
    db,
    clock,
    tenants,
    subscriptions,
    subscriptionLifecycle,
    numberPool,
    portingProviders,
    queue,
    portInRecords,
  )
  const orderPorts: OrderPorts = {
    inventory: inventoryPort(numberPool, sims),
    porting: portingPort(portIns),
    licenses: licensePort(licenses),
    topups: topupPort(topups),
  }
  const orderChecks = new LineItemChecks(catalog, subscriptions, orderPorts, parties)
  const orderPricer = new OrderPricer(catalog)
  const orderViews = new OrderViews(catalog, parties, users, orderChecks, orderPricer)
  const orders = new OrderService(db, uow, parties, users, orderChecks, orderPricer, orderViews, events, queue)
  const orderFulfilment = new OrderFulfilment({
    db,
    clock,
    tenants,
    orders,
    catalog,
    parties,
    subscriptions,
    planChanges,
    addons,
    addonChanges,
    ports: orderPorts,
  })
  const addonRecords = new AddonRecords(db, subscriptions, addonViews, scheduling, catalog)
  const upcoming = new UpcomingService(db, subscriptions, addonRecords, catalog)
  const v2Addons = new V2AddonService(addons, addonRecords)
  const v2Tokens = new V2TokenVerifier(config.v2, clock)
  const services: Omit<Services, 'testClock'> = {
    ...{ database, db, clock, logger, uow, queue, tenants, tenantSettings, apiKeys, idempotency, events, timeline },
    ...{ scheduling, changeRunner, catalog, customers, customerUsers, users, subscribers, parties },
    ...{ subscriptionLifecycle, subscriptions, planChanges, addonViews, addonLifecycle, addons, addonChanges },
    ...{ addonRecords, upcoming, topups, licenseLifecycle, licenses, orderPorts, orders, orderFulfilment },
    ...{ numberPool, sims, esim, networkProviders, provisioning, provisioningRetry },
    ...{ portingProviders, portIns, portInProgress, v2Addons, v2Tokens },
    operators: new OperatorService(db, clock),
    portalSessions: new PortalSessionService(db, clock),
    portalOverview: new PortalOverviewService(db),
    inventoryImports: new InventoryImportService(db, numberPool, sims),
    failedJobs: new FailedJobService(db, uow, clock),
    ...{
      webhookEndpoints,
      webhookDeliveries,
      webhooks: { config: webhookConfig, secretBox, urlPolicy, metrics: new WebhookMetrics(db, clock) },
    },
  }
  // Advancing a test clock runs the tenant's due jobs in-process, through a worker of everything else.
  const clockWorker = createWorker(services, { workerId: `test-clock:${process.pid}`, batchSize: 50 })
  const testClock = new TestClockService(db, clock, tenants, (tenantId) => clockWorker.drain({ tenantId }))
  return { ...services, testClock }
}

export type Services = {
  database: Database
  db: Executor
  clock: Clock
  logger: Logger
  uow: UnitOfWork
  queue: JobQueue
  tenants: TenantService
  tenantSettings: TenantSettingsService
  apiKeys: ApiKeyService
  idempotency: IdempotencyService
  events: EventService
  catalog: CatalogService
  customers: CustomerService
  customerUsers: CustomerUserService
  users: UserService
  subscribers: SubscriberService
  parties: PartyService
  subscriptionLifecycle: SubscriptionLifecycle
  subscriptions: SubscriptionService
  planChanges: PlanChangeService
  addonViews: AddonViews
  addonLifecycle: AddonLifecycle
  addons: AddonService
  addonChanges: AddonChangeService
  /** What orders use of inventory, port-in, licenses and top-ups. */
  orderPorts: OrderPorts
  orders: OrderService
  orderFulfilment: OrderFulfilment
  topups: TopupService
  licenseLifecycle: LicenseLifecycle
  licenses: LicenseService
  numberPool: NumberPoolService
  sims: SimService
  esim: EsimService
  networkProviders: NetworkProviders
  provisioning: ProvisioningService
  provisioningRetry: ProvisioningRetryService
  portingProviders: PortingProviders
  portIns: PortInService
  portInProgress: PortInProgress
  addonRecords: AddonRecords
  /** What is next for a line (GET /subscriptions/{id}/upcoming). */
  upcoming: UpcomingService
  v2Addons: V2AddonService
  v2Tokens: V2TokenVerifier
  timeline: TimelineService
  scheduling: SchedulingService
  changeRunner: ScheduledChangeRunner
  testClock: TestClockService
  operators: OperatorService
  portalSessions: PortalSessionService
  portalOverview: PortalOverviewService
  /** Inventory files imported from the portal, and how each went. */
  inventoryImports: InventoryImportService
  /** The tenant's background jobs that failed for good, and an operator's retry (the portal). */
  failedJobs: FailedJobService
  webhookEndpoints: WebhookEndpointService
  webhookDeliveries: WebhookDeliveryService
  /** What a webhook dispatcher is built from. */
  webhooks: { config: WebhookConfig; secretBox: SecretBox; urlPolicy: UrlPolicy; metrics: WebhookMetrics }
}

let dispatcherSeq = 0

/** A webhook dispatcher over the services' database; `serve` and `worker` start one, tests drive one. */
export function createDispatcher(
  services: Omit<Services, 'testClock'>,
  options: Partial<WebhookConfig> & { owner?: string; leaseMs?: number; wallClock?: Clock; random?: () => number } = {},
): WebhookDispatcher {
  const config = { ...services.webhooks.config, ...options }
  return new WebhookDispatcher({
    db: services.db,
    database: services.database,
    clock: services.clock,
    ...(options.wallClock && { wallClock: options.wallClock }),
    ...(options.random && { random: options.random }),
    box: services.webhooks.secretBox,
    metrics: services.webhooks.metrics,
    sender: new WebhookSender({
      timeoutMs: config.timeoutMs,
      maxSockets: config.concurrency,
      ...(services.webhooks.urlPolicy.lookup && { lookup: services.webhooks.urlPolicy.lookup }),
    }),
    urlPolicy: services.webhooks.urlPolicy,
    tenants: services.tenants,
    events: services.events,
    logger: services.logger.child({ component: 'webhooks' }),
    owner: options.owner ?? `${hostname()}:${process.pid}:webhooks:${++dispatcherSeq}`,
    concurrency: config.concurrency,
    pollIntervalMs: config.pollIntervalMs,
    // Past the receiver's deadline with room to record the outcome: a live dispatcher never loses it.
    leaseMs: options.leaseMs ?? config.timeoutMs + 60_000,
  })
}

let workerSeq = 0

export function createWorker(
  services: Omit<Services, 'testClock'>,
  options: { batchSize?: number; pollIntervalMs?: number; leaseMs?: number; workerId?: string } = {},
): Worker {
  return new Worker({
    db: services.db,
    clock: services.clock,
    queue: services.queue,
    handlers: jobHandlers(services),
    recurring: recurringJobs,
    logger: services.logger.child({ component: 'worker' }),
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${++workerSeq}`,
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }),
  })
}
