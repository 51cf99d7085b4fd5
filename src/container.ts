import { hostname } from 'node:os'
import type { Config } from './config.js'
import type { Clock } from './domain/shared/clock.js'
import type { Database, Executor } from './persistence/database.js'
import { ApiKeyService } from './services/api-key.service.js'
import { CustomerUserService } from './services/customer-user.service.js'
import { CustomerService } from './services/customer.service.js'
import { AuthCache } from './services/auth-cache.js'
import { EventService } from './services/event.service.js'
import { IdempotencyService } from './services/idempotency.service.js'
import { JobQueue } from './services/job-queue.service.js'
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
export function createServices({ config, database, clock, logger }: ContainerInput) {
  const db: Executor = database.db
  const uow = new UnitOfWork(db)
  const authCache = new AuthCache(config.authCacheTtlMs, () => clock.now().getTime())
  const queue = new JobQueue(clock)
  const tenants = new TenantService(db, clock, authCache)
  const apiKeys = new ApiKeyService(db, uow, clock, authCache)
  const idempotency = new IdempotencyService(db, clock)
  const events = new EventService(db, clock)
  const customerUsers = new CustomerUserService(uow, events)
  const customers = new CustomerService(db, uow, events, customerUsers)
  const users = new UserService(db, uow, events)
  const subscribers = new SubscriberService(db, uow, events)
  const parties = new PartyService(customers, users, subscribers)
  const services = { database, db, clock, logger, uow, queue, tenants, apiKeys, idempotency, events, customers, customerUsers, users, subscribers, parties }
  return services
}

export type Services = ReturnType<typeof createServices>

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
