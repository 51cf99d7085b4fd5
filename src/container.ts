import { hostname } from 'node:os'
import type { Config } from './config.js'
import type { Clock } from './domain/shared/clock.js'
import type { Database, Executor } from './persistence/database.js'
import { ApiKeyService } from './services/api-key.service.js'
import { CustomerUserService } from './services/customer-user.service.js'
import { CustomerService } from './services/customer.service.js'
import { AuthCache } from './services/auth-cache.js'
import { CatalogService } from './services/catalog.service.js'
import { EventService } from './services/event.service.js'
import { IdempotencyService } from './services/idempotency.service.js'
import { JobQueue } from './services/job-queue.service.js'
import { SchedulingService } from './services/scheduling.service.js'
import { PlanChangeService } from './services/subscriptions/plan-change.service.js'
import { SUBSCRIPTION_TARGET } from './services/subscriptions/subscription-kinds.js'
import { SubscriptionLifecycle } from './services/subscriptions/subscription-lifecycle.js'
import { subscriptionLookup } from './services/subscriptions/subscription-lookup.js'
import { SubscriptionViews } from './services/subscriptions/subscription-view.js'
import { SubscriptionService } from './services/subscriptions/subscription.service.js'
import { TestClockService } from './services/test-clock.service.js'
import { TimelineService } from './services/timeline.service.js'
import { PartyService } from './services/party.service.js'
import { SubscriberService } from './services/subscriber.service.js'
import { TenantService } from './services/tenant.service.js'
import { UnitOfWork } from './services/unit-of-work.js'
import { UserService } from './services/user.service.js'
import { jobHandlers, recurringJobs } from './worker/jobs/index.js'
import type { Logger } from './worker/runner.js'
import { Worker } from './worker/runner.js'

export interface ContainerInput {
  config: Pick<Config, 'authCacheTtlMs' | 'worker'>
  database: Database
  clock: Clock
  logger: Logger
}

/**
 * The composition root: plain objects with explicit constructor arguments, each service given only
 * what it uses. The HTTP app, the worker, the CLI and the tests all build the same container.
 */
export function createServices({ config, database, clock, logger }: ContainerInput): Services {
  const db: Executor = database.db
  const uow = new UnitOfWork(db)
  const authCache = new AuthCache(config.authCacheTtlMs, () => clock.now().getTime())
  const queue = new JobQueue(clock)
  const tenants = new TenantService(db, clock, authCache)
  const apiKeys = new ApiKeyService(db, uow, clock, authCache)
  const idempotency = new IdempotencyService(db, clock)
  const events = new EventService(db, clock)
  const catalog = new CatalogService(db, uow, events)
  const customerUsers = new CustomerUserService(uow, events)
  const customers = new CustomerService(db, uow, events, customerUsers)
  const users = new UserService(db, uow, events)
  const subscribers = new SubscriberService(db, uow, events)
  const parties = new PartyService(customers, users, subscribers)
  const timeline = new TimelineService(db)
  const scheduling = new SchedulingService(db, clock, queue, tenants)
  // Advancing a test clock runs the tenant's due jobs in-process; the worker that does it needs the
  // finished container, so it is bound once the container exists.
  let runDueJobs: (tenantId: string) => Promise<number> = async () => 0
  const testClock = new TestClockService(db, clock, tenants, (tenantId) => runDueJobs(tenantId))
  const subscriptionViews = new SubscriptionViews(catalog, parties, scheduling)
  const subscriptionLifecycle = new SubscriptionLifecycle(catalog, scheduling, timeline, events, subscriptionViews)
  scheduling.register(SUBSCRIPTION_TARGET, subscriptionLifecycle)
  parties.useSubscriptionLookup(subscriptionLookup)
  const subscriptions = new SubscriptionService(db, uow, catalog, parties, scheduling, subscriptionLifecycle, subscriptionViews, timeline)
  const planChanges = new PlanChangeService(uow, catalog, scheduling, subscriptionLifecycle, subscriptions, db)
  const services: Services = {
    ...{ database, db, clock, logger, uow, queue, tenants, apiKeys, idempotency, events, timeline, scheduling, testClock },
    ...{ catalog, customers, customerUsers, users, subscribers, parties },
    ...{ subscriptionLifecycle, subscriptions, planChanges },
  }
  const clockWorker = createWorker(services, { workerId: `test-clock:${process.pid}`, batchSize: 50 })
  runDueJobs = (tenantId) => clockWorker.drain({ tenantId })
  return services
}

export type Services = {
  database: Database
  db: Executor
  clock: Clock
  logger: Logger
  uow: UnitOfWork
  queue: JobQueue
  tenants: TenantService
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
  timeline: TimelineService
  scheduling: SchedulingService
  testClock: TestClockService
}

let workerSeq = 0

export function createWorker(services: Services, options: { batchSize?: number; pollIntervalMs?: number; workerId?: string } = {}): Worker {
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
  })
}
