import type { Config } from './config.js'
import { withDemoAllowances } from './config.js'
import { isClusterChild, reportReady, supervise } from './cluster.js'
import { createDispatcher, createWorker } from './container.js'
import { buildApp } from './http/app.js'
import { createLogger } from './http/logger.js'
import { openRuntime } from './runtime.js'
import { ensureDemo } from './services/demo.service.js'
import type { Runtime } from './runtime.js'
import type { Logger } from './worker/runner.js'

export interface ServeOptions {
  worker: boolean
  migrate: boolean
  demo: boolean
  /** `--processes N`: N API processes sharing the port (node:cluster); 1 by default. */
  processes?: number
}

/**
 * `openline serve`: migrate, build the app, start the worker (on by default), listen. SIGTERM and
 * SIGINT stop accepting connections, let in-flight requests, the job and the webhooks in hand
 * finish, close the database and exit 0 (1 if draining outlasts OPENLINE_SHUTDOWN_TIMEOUT_MS).
 * `--demo` also lets webhooks reach loopback.
 */
export async function serve(given: Config, options: ServeOptions): Promise<void> {
  const config = options.demo ? withDemoAllowances(given) : given
  // A child of `serve --processes N`: API only; the primary migrated, made the demo and runs the worker.
  if (isClusterChild()) return serveApi(config, { worker: false, migrate: false, demo: false }, true)
  if ((options.processes ?? 1) > 1) return servePrimary(config, { ...options, processes: options.processes ?? 1 })
  return serveApi(config, options, false)
}

/** Starts the job worker and the webhook dispatcher in this process. */
async function startWorkers(services: Runtime['services'], config: Config) {
  const worker = createWorker(services, config.worker)
  worker.start()
  // Webhooks go out beside the job runner, on their own loop: a slow receiver never holds up a job.
  const dispatcher = createDispatcher(services)
  await dispatcher.start()
  return { worker, dispatcher }
}

/**
 * `serve --processes N` (N > 1) on PostgreSQL: this primary migrates, creates the demo, runs the
 * job worker and the webhook dispatcher (once, not once per child), and forks N API children that
 * share the port. SIGTERM stops the children (each drains its requests), then the worker; exit 0
 * when all went cleanly.
 */
async function servePrimary(config: Config, options: ServeOptions & { processes: number }): Promise<void> {
  if (config.database.kind === 'pglite')
    throw new Error('--processes needs PostgreSQL (DATABASE_URL): the embedded database serves one process.')
  const logger = createLogger(config.logLevel)
  const runtime = await openRuntime(config, logger, { migrate: options.migrate })
  const workers = options.worker ? await startWorkers(runtime.services, config) : undefined
  const demo = options.demo ? await ensureDemo(runtime.services, config.dataDir) : undefined
  const children = supervise(options.processes, logger)
  const ready = await children.ready
  const base = config.publicUrl ?? ready[0]?.address ?? ''
  printBanner({ base, embedded: false, dataDir: config.dataDir, demo, processes: options.processes })
  onSignal(logger, config.shutdownTimeoutMs, async () => {
    const clean = await children.stop()
    await Promise.all([workers?.worker.stop(), workers?.dispatcher.stop()])
    await runtime.close()
    return clean
  })
}

/** Stops on SIGTERM or SIGINT: `drain` resolves true for a clean stop; exit 1 otherwise or on timeout. */
function onSignal(logger: Logger, timeoutMs: number, drain: () => Promise<boolean>): void {
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: draining requests and the worker')
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting')
      process.exit(1)
    }, timeoutMs)
    timer.unref()
    try {
      const clean = await drain()
      logger.info(clean ? 'shut down cleanly' : 'shut down; a child process did not stop cleanly')
      process.exit(clean ? 0 : 1)
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

async function serveApi(config: Config, options: ServeOptions, child: boolean): Promise<void> {
  const logger = createLogger(config.logLevel)
  const runtime = await openRuntime(config, logger, { migrate: options.migrate })
  const { services, database } = runtime
  const app = await buildApp({ services, logger })

  const workers = options.worker ? await startWorkers(services, config) : undefined
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
  if (child) reportReady(address)
  else
    printBanner({
      base: config.publicUrl ?? address,
      embedded: database.kind === 'pglite',
      dataDir: config.dataDir,
      demo,
    })

  onSignal(logger, config.shutdownTimeoutMs, async () => {
    clearInterval(vacuum)
    await Promise.all([app.close(), workers?.worker.stop(), workers?.dispatcher.stop()])
    await runtime.close()
    return true
  })
}

function printBanner(input: {
  base: string
  embedded: boolean
  dataDir: string
  demo: Awaited<ReturnType<typeof ensureDemo>> | undefined
  processes?: number
}): void {
  const lines = [
    '',
    `Openline is running on ${input.embedded ? `its embedded database (${input.dataDir})` : 'PostgreSQL'}${input.processes ? ` in ${input.processes} API processes` : ''}.`,
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
