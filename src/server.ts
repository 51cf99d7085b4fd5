import type { Config } from './config.js'
import { withDemoAllowances } from './config.js'
import { createDispatcher, createWorker } from './container.js'
import { buildApp } from './http/app.js'
import { createLogger } from './http/logger.js'
import { openRuntime } from './runtime.js'
import { ensureDemo } from './services/demo.service.js'
import type { WebhookDispatcher } from './services/webhooks/dispatcher.js'
import type { Worker } from './worker/runner.js'

export interface ServeOptions {
  worker: boolean
  migrate: boolean
  demo: boolean
}

/**
 * `openline serve`: migrate, build the app, start the worker (on by default), listen. SIGTERM and
 * SIGINT stop accepting connections, let in-flight requests, the job and the webhooks in hand
 * finish, close the database and exit 0 (1 if draining outlasts OPENLINE_SHUTDOWN_TIMEOUT_MS).
 * `--demo` also lets webhooks reach loopback.
 */
export async function serve(given: Config, options: ServeOptions): Promise<void> {
  const config = options.demo ? withDemoAllowances(given) : given
  const logger = createLogger(config.logLevel)
  const runtime = await openRuntime(config, logger, { migrate: options.migrate })
  const { services, database } = runtime
  const app = await buildApp({ services, logger })

  let worker: Worker | undefined
  let dispatcher: WebhookDispatcher | undefined
  if (options.worker) {
    worker = createWorker(services, config.worker)
    worker.start()
    // Webhooks go out beside the job runner, on their own loop: a slow receiver never holds up a job.
    dispatcher = createDispatcher(services)
    await dispatcher.start()
  }
  // PGlite never autovacuums: embedded mode vacuums on a timer instead.
  const vacuum =
    database.kind === 'pglite'
      ? setInterval(() => {
          database.scripts
            .exec('VACUUM (ANALYZE)')
            .catch((error: unknown) => logger.warn({ err: error }, 'vacuum failed'))
        }, config.vacuumIntervalMs)
      : undefined
  vacuum?.unref()

  const demo = options.demo ? await ensureDemo(services, config.dataDir) : undefined
  const address = await app.listen({ host: config.host, port: config.port })
  const base = config.publicUrl ?? address
  printBanner({ base, embedded: database.kind === 'pglite', dataDir: config.dataDir, demo })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: draining requests and the worker')
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    timer.unref()
    try {
      clearInterval(vacuum)
      await Promise.all([app.close(), worker?.stop(), dispatcher?.stop()])
      await runtime.close()
      logger.info('shut down cleanly')
      process.exit(0)
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

function printBanner(input: {
  base: string
  embedded: boolean
  dataDir: string
  demo: Awaited<ReturnType<typeof ensureDemo>> | undefined
}): void {
  const lines = [
    '',
    `Openline is running on ${input.embedded ? `its embedded database (${input.dataDir})` : 'PostgreSQL'}.`,
    ...(input.embedded
      ? ['  Embedded mode is for trying and developing. Use PostgreSQL (DATABASE_URL) in production.']
      : []),
    `  API:   ${input.base}`,
    `  Docs:  ${input.base}/docs`,
    `  Portal: ${input.base}/portal`,
  ]
  if (input.demo?.apiKey) {
    lines.push(
      `  Demo API key (sandbox tenant 'demo'${input.demo.created ? ', just created' : ''}): ${input.demo.apiKey}`,
    )
    if (input.demo.keyFile)
      lines.push(
        `  Saved in ${input.demo.keyFile}. Try:`,
        `    curl -H "X-Api-Key: $(cat ${input.demo.keyFile})" ${input.base}/api-keys`,
      )
  }
  if (input.demo?.portalLogin)
    lines.push(
      `  Demo portal login: ${input.demo.portalLogin.email} / ${input.demo.portalLogin.password}` +
        (input.demo.portalLoginFile ? ` (saved in ${input.demo.portalLoginFile})` : ''),
    )
  process.stderr.write(`${lines.join('\n')}\n\n`)
}
