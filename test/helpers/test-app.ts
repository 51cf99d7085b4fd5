import type { FastifyBaseLogger, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Config, WebhookConfig } from '../../src/config.js'
import { DEFAULT_WEBHOOK_CONFIG } from '../../src/config.js'
import type { ContainerInput } from '../../src/container.js'
import { createServices, createWorker } from '../../src/container.js'
import { FakeClock } from '../../src/domain/shared/clock.js'
import { buildApp } from '../../src/http/app.js'
import { LOOPBACK_CIDRS } from '../../src/services/webhooks/ssrf.js'
import { createLogger } from '../../src/http/logger.js'
import type { App } from '../../src/http/types.js'
import type { Database } from '../../src/persistence/database.js'
import type { Worker } from '../../src/worker/runner.js'
import { createTestDatabase } from './database.js'
import type { TestTenant } from './factories.js'
import { makeTenant } from './factories.js'

export interface TestApp {
  app: App
  services: ReturnType<typeof createServices>
  database: Database
  clock: FakeClock
  worker: Worker
  /** A fresh tenant with a full-scope key, unique to the caller: tests isolate by data, not cleanup. */
  tenant(options?: Parameters<typeof makeTenant>[1]): Promise<TestTenant>
  /** `app.inject` with the tenant's key (and JSON body) filled in. */
  request(
    tenant: TestTenant | { headers: Record<string, string> } | null,
    options: InjectOptions,
  ): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

/** The real container and app on a fresh database, with a fake clock. One per test file. */
export async function createTestApp(
  options: {
    clock?: FakeClock
    database?: Database
    logger?: FastifyBaseLogger
    extend?: (app: App) => Promise<void>
    v2?: Partial<Config['v2']>
    seams?: ContainerInput['seams']
    /** Default: test receivers on loopback are allowed. */
    webhooks?: Partial<WebhookConfig>
    urlPolicy?: ContainerInput['urlPolicy']
    /** OPENLINE_WORKER_CHANGE_BATCH_SIZE (default 100). */
    changeBatchSize?: number
  } = {},
): Promise<TestApp> {
  const clock = options.clock ?? new FakeClock('2025-01-15T10:00:00Z')
  const database = options.database ?? (await createTestDatabase())
  const logger = options.logger ?? createLogger(process.env.TEST_LOG ? 'debug' : 'silent')
  const v2 = options.v2 && {
    jwtSecret: undefined,
    jwksUrl: undefined,
    jwtAudience: undefined,
    jwtIssuer: undefined,
    ...options.v2,
  }
  const services = createServices({
    config: {
      authCacheTtlMs: 5_000,
      worker: {
        batchSize: 10,
        pollIntervalMs: 1000,
        ...(options.changeBatchSize !== undefined && { changeBatchSize: options.changeBatchSize }),
      },
      webhooks: { ...DEFAULT_WEBHOOK_CONFIG, allowedCidrs: [...LOOPBACK_CIDRS], ...options.webhooks },
      ...(v2 && { v2 }),
    },
    database,
    clock,
    logger,
    ...(options.seams && { seams: options.seams }),
    ...(options.urlPolicy && { urlPolicy: options.urlPolicy }),
  })
  const app = await buildApp({ services, logger, ...(options.extend && { extend: options.extend }) })
  const worker = createWorker(services, { workerId: 'test-worker' })
  return {
    app,
    services,
    database,
    clock,
    worker,
    tenant: (tenantOptions) => makeTenant(services, tenantOptions),
    request: (tenant, inject) =>
      app.inject({
        ...inject,
        headers: { ...(tenant?.headers ?? {}), ...(inject.headers as Record<string, string> | undefined) },
      }),
    async close() {
      await app.close()
      await database.close()
    },
  }
}
