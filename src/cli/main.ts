#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs'
import { Command, InvalidArgumentError, Option } from 'commander'
import type { Config } from '../config.js'
import { loadConfig } from '../config.js'
import { isClusterChild, reportReady, supervise } from '../cluster.js'
import { createDispatcher, createWorker } from '../container.js'
import { createLogger } from '../http/logger.js'
import { distribute } from '../persistence/distribute.js'
import { migrate, migrationStatus } from '../persistence/migrator.js'
import { createDatabase } from '../persistence/database.js'
import type { Runtime } from '../runtime.js'
import { openRuntime } from '../runtime.js'
import { serve } from '../server.js'
import { readCatalogFile } from '../services/catalog-import.js'
import { systemContext } from '../services/context.js'
import type { ImportFile } from '../services/inventory/inventory-file.js'
import { readNumbersFile, readSimsFile } from '../services/inventory/inventory-file.js'
import { DomainError } from '../domain/shared/errors.js'
import { describeError, fieldErrorLines } from './errors.js'
import { exportOpenApi } from './openapi.js'
import { operatorCommands } from './operators.js'
import { progressReporter } from './progress.js'

/** Read at run time: two levels up from src/cli/main.ts (tsx) and from dist/cli/main.js alike. */
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

const program = new Command('openline')
  .description('Openline: an open-source Connect API for mobile operators.')
  .version(packageJson.version, '-V, --version', 'print the Openline version')
  .option('--debug', 'on failure, print the stack trace too (or set OPENLINE_DEBUG=1)')
  .showHelpAfterError()

const config = (): Config => loadConfig()

function processesOption(what: string): Option {
  return new Option('--processes <n>', `${what} (default 1)`).default(1).argParser((value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new InvalidArgumentError('--processes must be a whole number from 1 to 64.')
    return n
  })
}
const quietLogger = () => createLogger(process.env.LOG_LEVEL === undefined ? 'warn' : config().logLevel)

/** Opens the database (migrating it), runs a command, and always closes it again. */
async function withRuntime<T>(run: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(config(), quietLogger())
  try {
    return await run(runtime)
  } finally {
    await runtime.close()
  }
}

const print = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`)
}

program
  .command('serve')
  .description('Start the API (and, by default, the worker). Migrates the database first.')
  .option('--no-worker', 'do not run the worker in this process')
  .option('--no-migrate', 'do not apply migrations on start')
  .option('--demo', "create the sandbox tenant 'demo' and a demo key on first start")
  .addOption(processesOption('API processes sharing the port (PostgreSQL only); the worker runs once, in the primary'))
  .action(async (options: { worker: boolean; migrate: boolean; demo?: boolean; processes: number }) => {
    await serve(config(), {
      worker: options.worker,
      migrate: options.migrate,
      demo: options.demo ?? false,
      processes: options.processes,
    })
  })

program
  .command('worker')
  .description(
    'Run only the worker: scheduled changes, retries, purges, webhook delivery. Any number may run at once on PostgreSQL.',
  )
  .addOption(processesOption('worker processes (PostgreSQL only)'))
  .action(async (options: { processes: number }) => {
    const cfg = config()
    const logger = createLogger(cfg.logLevel)
    if (options.processes > 1 && !isClusterChild()) return superviseWorkers(cfg, options.processes, logger)
    const runtime = await openRuntime(cfg, logger, { migrate: false })
    const worker = createWorker(runtime.services, cfg.worker)
    worker.start()
    const dispatcher = createDispatcher(runtime.services)
    await dispatcher.start()
    logger.info('worker started')
    reportReady()
    const stop = async () => {
      await Promise.all([worker.stop(), dispatcher.stop()])
      await runtime.close()
      process.exit(0)
    }
    process.once('SIGTERM', () => void stop())
    process.once('SIGINT', () => void stop())
  })

/** `worker --processes N`: N worker children; SIGTERM stops them all (each finishes its job in hand). */
async function superviseWorkers(cfg: Config, count: number, logger: ReturnType<typeof createLogger>): Promise<void> {
  if (cfg.database.kind === 'pglite')
    throw new Error('--processes needs PostgreSQL (DATABASE_URL): the embedded database serves one process.')
  const children = supervise(count, logger)
  await children.ready
  logger.info({ processes: count }, 'workers started')
  const stop = async () => process.exit((await children.stop()) ? 0 : 1)
  process.once('SIGTERM', () => void stop())
  process.once('SIGINT', () => void stop())
}

program
  .command('migrate')
  .description('Apply pending migrations (forward-only). Exits non-zero on failure.')
  .argument('[action]', "'up' (default) or 'status'", 'up')
  .option('--distribute', 'then, on Citus, distribute every tenant table by tenant_id (docs/scaling.md)')
  .action(async (action: string, options: { distribute?: boolean }) => {
    const database = await createDatabase(config().database)
    try {
      if (action === 'status') {
        for (const m of await migrationStatus(database.scripts))
          print(
            `${m.appliedAt ? 'applied' : 'pending'}  ${m.name}${m.appliedAt ? `  ${m.appliedAt.toISOString()}` : ''}`,
          )
      } else if (action === 'up') {
        const applied = await migrate(database.scripts)
        print(
          applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.map((m) => m.name).join(', ')}`,
        )
        if (options.distribute) {
          const ran = await distribute(database.scripts)
          print(ran.length === 0 ? 'Every tenant table is already distributed.' : ran.join('\n'))
        }
      } else throw new Error(`Unknown migrate action '${action}': use 'up' or 'status'.`)
    } finally {
      await database.close()
    }
  })

const tenants = program.command('tenants').description('Manage tenants.')
tenants
  .command('create')
  .argument('<name>', 'lower-case letters, digits and dashes')
  .option('--time-zone <zone>', 'IANA time zone', 'UTC')
  .option('--sandbox', 'a sandbox tenant (test clocks, sandbox keys)', false)
  .option('--json', 'print JSON')
  .action(async (name: string, options: { timeZone: string; sandbox: boolean; json?: boolean }) => {
    const tenant = await withRuntime(({ services }) =>
      services.tenants.create({ name, timeZone: options.timeZone, sandbox: options.sandbox }),
    )
    print(
      options.json
        ? tenant
        : `Created ${tenant.sandbox ? 'sandbox' : 'live'} tenant '${tenant.name}' (${tenant.id}, ${tenant.timeZone}).`,
    )
  })
tenants
  .command('list')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const all = await withRuntime(({ services }) => services.tenants.list())
    if (options.json) return print(all)
    for (const t of all) print(`${t.name}\t${t.sandbox ? 'sandbox' : 'live'}\t${t.timeZone}\t${t.id}`)
  })

const apiKeys = program.command('api-keys').description('Manage API keys.')
apiKeys
  .command('create')
  .requiredOption('--tenant <name>', 'the tenant the key belongs to')
  .option('--name <label>', 'a label to tell keys apart')
  .addOption(
    new Option('--scopes <scopes>', 'comma-separated scopes (default: all)').argParser((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  )
  .option('--json', 'print one JSON object {id, tenant, key}')
  .action(async (options: { tenant: string; name?: string; scopes?: string[]; json?: boolean }) => {
    const created = await withRuntime(async ({ services }) => {
      const tenant = await services.tenants.getByName(options.tenant)
      return services.apiKeys.create(undefined, tenant, {
        ...(options.name && { label: options.name }),
        ...(options.scopes && { scopes: options.scopes }),
      })
    })
    if (options.json) return print({ id: created.apiKey.id, tenant: options.tenant, key: created.key })
    print(
      `Created key ${created.apiKey.id} for '${options.tenant}' (scopes: ${created.apiKey.scopes.join(', ')}). It is shown only now:\n${created.key}`,
    )
  })
apiKeys
  .command('list')
  .option('--tenant <name>', 'only this tenant')
  .option('--json', 'print JSON')
  .action(async (options: { tenant?: string; json?: boolean }) => {
    const all = (await withRuntime(({ services }) => services.apiKeys.listAll())).filter(
      (k) => !options.tenant || k.tenant === options.tenant,
    )
    if (options.json) return print(all)
    for (const k of all) {
      print(
        `${k.id}\t${k.tenant}\t${k.label}\t${k.prefix}…${k.hint}\t${k.scopes.join(',')}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`,
      )
    }
  })
apiKeys
  .command('revoke')
  .argument('<id>', 'the key id')
  .action(async (id: string) => {
    const revoked = await withRuntime(({ services }) => services.apiKeys.revokeInAnyTenant(id))
    print(`Revoked key ${revoked.id} of '${revoked.tenant}'.`)
  })

operatorCommands(program, withRuntime, print)

const catalog = program.command('catalog').description("Manage a tenant's product catalog.")
catalog
  .command('import')
  .description('Create or update groups, offerings and promotions from a JSON or YAML file, in one transaction.')
  .argument(
    '<file>',
    '`{ groups, offerings, promotions }`, each item shaped as its admin API body (.yaml/.yml read as YAML, anything else as JSON)',
  )
  .requiredOption('--tenant <name>', 'the tenant whose catalog it is')
  .option('--json', 'print the counts as JSON')
  .action(async (file: string, options: { tenant: string; json?: boolean }) => {
    const document = readCatalogFile(file)
    const counts = await withRuntime(async ({ services }) => {
      const tenant = await services.tenants.getByName(options.tenant)
      return services.catalog.importCatalog(systemContext(tenant, services.clock, 'cli:catalog-import'), document)
    })
    if (options.json) return print(counts)
    print(
      `Imported into '${options.tenant}': ${counts.groups} group(s), ${counts.offerings} offering(s), ${counts.promotions} promotion(s).`,
    )
  })

/** `numbers import` and `sims import`: one transaction per file; a file with any bad row writes nothing. */
function inventoryImport(noun: 'numbers' | 'sims', read: (file: string) => ImportFile, what: string): void {
  program
    .command(noun)
    .description(`Manage a tenant's ${what}.`)
    .command('import')
    .description(`Add ${what} from a CSV (.csv, with a header line) or JSON file; ones the tenant has are skipped.`)
    .argument(
      '<file>',
      noun === 'numbers'
        ? 'CSV with columns msisdn,type[,grade] (other columns become metadata), or JSON'
        : 'CSV with columns iccid,type[,status,imsi,lpa,puk1,puk2,pin] (other columns become metadata), or JSON',
    )
    .requiredOption('--tenant <name>', 'the tenant they belong to')
    .option('--json', 'print the counts as JSON')
    .option('--progress', 'report progress on stderr (the default when stderr is a terminal)')
    .option('--no-progress', 'never report progress')
    .action(async (file: string, options: { tenant: string; json?: boolean; progress?: boolean }) => {
      const { rows, pathOf } = read(file)
      const write = (line: string) => process.stderr.write(`${line}\n`)
      const showProgress = options.progress ?? process.stderr.isTTY === true
      const onProgress = showProgress ? progressReporter(rows.length, noun, write) : undefined
      const counts = await withRuntime(async ({ services }) => {
        const ctx = systemContext(
          await services.tenants.getByName(options.tenant),
          services.clock,
          `cli:${noun}-import`,
        )
        return noun === 'numbers'
          ? services.numberPool.importNumbers(ctx, rows, { pathOf, onProgress })
          : services.sims.importSims(ctx, rows, { pathOf, onProgress })
      })
      if (options.json) return print(counts)
      print(
        `Imported into '${options.tenant}': ${counts.imported} new ${what}, ${counts.skipped} already there (skipped).`,
      )
    })
}
inventoryImport('numbers', readNumbersFile, 'phone numbers')
inventoryImport('sims', readSimsFile, 'SIM cards')

program
  .command('openapi')
  .description('OpenAPI document.')
  .command('export')
  .argument('[file]', 'write here instead of stdout')
  .action(async (file?: string) => {
    const document = await exportOpenApi()
    if (file) writeFileSync(file, document)
    else process.stdout.write(document)
  })

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`openline: ${describeError(error)}\n`)
  // The bad fields one per line (the first 20 and a count), so a file's mistakes are fixed in few goes.
  if (error instanceof DomainError)
    for (const line of fieldErrorLines(error.fieldErrors)) process.stderr.write(`${line}\n`)
  if (program.opts<{ debug?: boolean }>().debug === true || process.env.OPENLINE_DEBUG === '1')
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
