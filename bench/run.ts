/**
 * `npm run bench`: Openline against a bare Fastify server that makes the same database round trips,
 * both as separate node processes on a fresh PostgreSQL database (see docs/performance.md).
 *
 * Environment: BENCH_DURATION (seconds per run, 15), BENCH_WARMUP (seconds, 5), BENCH_CONNECTIONS
 * (50), BENCH_ROUNDS (2; the order of the servers alternates between rounds), BENCH_SCENARIOS (run
 * only scenarios whose name contains this), BENCH_ADMIN_URL (a server where we may create a database,
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_TRACE=1 (measure nothing: print the SQL each
 * server sends for one request of each scenario, to check they do the same round trips),
 * BENCH_PROFILE=1 (write a CPU profile of each server to bench/results/profiles/), BENCH_COMPARE_LOG_LEVEL
 * (info: the level of the third server, 'openline-info'; warn makes it a copy of the first, an A/A
 * check of how far two identical servers differ on this machine). The heavier scenarios' sizes:
 * BENCH_SUBSCRIPTIONS (100 per server, for the add-on adds), BENCH_LIST_DEPTH (100000 customers
 * before the deep page), BENCH_SCHEDULED_CHANGES (10000), BENCH_WEBHOOK_DELIVERIES (2000),
 * BENCH_ORDERS (200), BENCH_ONESHOT_TIMEOUT (600 s: a one-shot side that takes longer fails the run).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { makeFixture } from './fixture.js'
import { measure, sendOnce } from './load.js'
import { oneShots } from './oneshot/index.js'
import { stockFiles } from './oneshot/orders.js'
import type { OneShot, OneShotResult } from './oneshot/oneshot.js'
import { compileBench, createDatabase } from './prepare.js'
import type { Server } from './processes.js'
import { ROOT, openlineCli, startServer } from './processes.js'
import type { Run, TargetName } from './report.js'
import { TARGETS, markdown, summarise, summariseOneShots } from './report.js'
import { scenarios } from './scenarios/index.js'
import type { Fixture, Scenario } from './scenarios/scenario.js'

const positive = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}
const settings = {
  duration: positive('BENCH_DURATION', 15),
  warmup: positive('BENCH_WARMUP', 5),
  connections: positive('BENCH_CONNECTIONS', 50),
  rounds: positive('BENCH_ROUNDS', 2),
  adminUrl: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  trace: process.env.BENCH_TRACE === '1',
  profile: process.env.BENCH_PROFILE === '1',
  compareLogLevel: process.env.BENCH_COMPARE_LOG_LEVEL ?? 'info',
  subscriptions: positive('BENCH_SUBSCRIPTIONS', 100),
  listDepth: positive('BENCH_LIST_DEPTH', 100_000),
  scheduledChanges: positive('BENCH_SCHEDULED_CHANGES', 10_000),
  webhookDeliveries: positive('BENCH_WEBHOOK_DELIVERIES', 2000),
  orders: positive('BENCH_ORDERS', 200),
  oneShotTimeoutS: positive('BENCH_ONESHOT_TIMEOUT', 600),
}
const selected = scenarios.filter((s) => s.name.includes(process.env.BENCH_SCENARIOS ?? ''))
const selectedOneShots = oneShots.filter((s) => s.name.includes(process.env.BENCH_SCENARIOS ?? ''))
const oneShotCount = (oneShot: OneShot): number =>
  oneShot.name.startsWith('webhook')
    ? settings.webhookDeliveries
    : oneShot.name.startsWith('order')
      ? settings.orders
      : settings.scheduledChanges
const log = (line: string) => process.stderr.write(`${line}\n`)

// Servers, the database and the temporary directory go even when a run fails or is interrupted.
const cleanups: (() => Promise<unknown>)[] = []
let cleaning: Promise<void> | undefined
const cleanup = (): Promise<void> =>
  (cleaning ??= (async () => {
    for (const step of cleanups.reverse())
      await step().catch((error: unknown) => log(`cleanup failed: ${String(error)}`))
  })())
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)))

async function main(): Promise<void> {
  const startedAt = new Date()
  const work = mkdtempSync(join(tmpdir(), 'openline-bench-'))
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }))
  compileBench(join(work, 'js'))
  const database = await createDatabase(settings.adminUrl, `openline_bench_${process.pid}`)
  cleanups.push(() => database.drop())

  // The tenant, its key and catalog are made the operator's way, with the built CLI.
  const env = {
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    OPENLINE_SECRET_KEY: process.env.OPENLINE_SECRET_KEY ?? randomBytes(32).toString('base64'),
    // The webhook scenario's receiver is the bench itself, on loopback.
    OPENLINE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
  }
  const tenant = await openlineCli<{ id: string }>(['tenants', 'create', 'bench', '--json'], env)
  const key = await openlineCli<{ id: string; key: string }>(['api-keys', 'create', '--tenant', 'bench', '--json'], env)
  await openlineCli(['catalog', 'import', join(ROOT, 'bench', 'catalog.yaml'), '--tenant', 'bench', '--json'], env)
  // Numbers and SIMs for the orders, each side its own (and a few for the trace's 3 orders).
  const stock = stockFiles(settings.orders + 10)
  writeFileSync(join(work, 'numbers.csv'), stock.numbers)
  writeFileSync(join(work, 'sims.csv'), stock.sims)
  for (const noun of ['numbers', 'sims'])
    await openlineCli([noun, 'import', join(work, `${noun}.csv`), '--tenant', 'bench', '--json', '--no-progress'], env)
  const pool = new pg.Pool({ connectionString: database.url, max: 4 })
  // The drop at the end terminates its idle connections: that must not crash the run after its results.
  pool.on('error', () => undefined)
  cleanups.push(() => pool.end())

  const trace = settings.trace ? ['--import', join(work, 'js', 'sql-trace.js')] : []
  const profile = (name: TargetName) =>
    settings.profile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(ROOT, 'bench', 'results', 'profiles')}`,
          `--cpu-prof-name=${name}-${process.pid}.cpuprofile`,
        ]
      : []
  // One worker, in the `openline` process (in a trace, in a process of its own so a request's trace has no polls).
  const openline = ['dist/cli/main.js', 'serve', ...(settings.trace ? ['--no-worker'] : [])]
  const openlineNoWorker = ['dist/cli/main.js', 'serve', '--no-worker']
  const start = async (name: TargetName, args: string[], extra: Record<string, string>) => {
    const server = await startServer(
      name,
      [...trace, ...profile(name), ...args],
      { ...env, ...extra },
      join(work, `${name}.log`),
    )
    cleanups.push(() => server.stop())
    return server
  }
  const servers: Record<TargetName, Server> = {
    openline: await start('openline', openline, {}),
    baseline: await start('baseline', [join(work, 'js', 'baseline-server.js')], { BENCH_TENANT_ID: tenant.id }),
    'openline-info': await start('openline-info', openlineNoWorker, { LOG_LEVEL: settings.compareLogLevel }),
  }
  log('making the fixture (subscriptions through the API, customers in one INSERT)…')
  const fixture = await makeFixture(
    { tenantId: tenant.id, apiKeyId: key.id, apiKey: key.key },
    servers.openline.url,
    pool,
    { subscriptions: settings.subscriptions, listDepth: settings.listDepth },
  )
  for (const scenario of selected) await check(scenario, fixture, servers)
  if (settings.trace) {
    const worker = await startServer(
      'openline-worker',
      [...trace, 'dist/cli/main.js', 'serve'],
      env,
      join(work, 'openline-worker.log'),
    )
    cleanups.push(() => worker.stop())
    return traceSql(fixture, servers, worker, pool)
  }

  const runs: Run[] = []
  for (const scenario of selected) {
    for (const target of TARGETS)
      await measure(servers[target].url, scenario.request(fixture, target), settings.warmup, settings.connections)
    for (let round = 1; round <= settings.rounds; round++) {
      for (const target of round % 2 === 1 ? TARGETS : [...TARGETS].reverse()) {
        const server = servers[target]
        const cpuBefore = server.cpuMs()
        const measured = await measure(
          server.url,
          scenario.request(fixture, target),
          settings.duration,
          settings.connections,
        )
        const cpuUsPerRequest = Math.round(((server.cpuMs() - cpuBefore) * 1000) / Math.max(measured.requests, 1))
        const run = { scenario: scenario.name, target, round, ...measured, cpuUsPerRequest }
        runs.push(run)
        log(
          `${scenario.name}  round ${round}  ${target.padEnd(13)} ${run.reqPerSec} req/s  p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms` +
            `  CPU ${cpuUsPerRequest} µs/req  non-2xx ${run.non2xx}  errors ${run.errors}  (load ${run.loadAvg})`,
        )
      }
    }
  }

  const oneShotResults: { name: string; roundTrips: string; result: OneShotResult }[] = []
  for (const oneShot of selectedOneShots) {
    const context = oneShotContext(fixture, pool, servers)
    oneShotResults.push({
      name: oneShot.name,
      roundTrips: oneShot.roundTrips,
      result: await oneShot.run(context, oneShotCount(oneShot)),
    })
  }

  const memory = Object.fromEntries(TARGETS.map((t) => [t, servers[t].memory()])) as Record<
    TargetName,
    { rssMb: number; peakRssMb: number }
  >
  const summaries = summarise(selected, runs)
  const oneShotSummaries = summariseOneShots(oneShotResults)
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    postgres: database.serverVersion,
    loadAvgAtEnd: loadavg()[0] ?? 0,
  }
  const setting =
    `${settings.duration} s per run after a ${settings.warmup} s warm-up, ${settings.connections} connections, ${settings.rounds} rounds in alternating order; ` +
    `${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${runs[0]?.loadAvg ?? '?'} at the start, ${machine.loadAvgAtEnd.toFixed(2)} at the end.`
  process.stdout.write(`\n${markdown(summaries, oneShotSummaries, memory, setting)}\n`)

  const resultsDir = join(ROOT, 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, `${startedAt.toISOString().replaceAll(':', '-').slice(0, 19)}.json`)
  const adminUrl = new URL(settings.adminUrl)
  adminUrl.password = ''
  const recorded = { ...settings, adminUrl: adminUrl.toString() }
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt, finishedAt: new Date(), machine, settings: recorded, summaries, oneShots: oneShotSummaries, memory, runs }, null, 2)}\n`,
  )
  log(`\nResults written to ${file}`)
}

/** One request of each scenario to each server before measuring: a scenario that fails is not benchmarked. */
async function check(scenario: Scenario, fixture: Fixture, servers: Record<TargetName, Server>): Promise<void> {
  for (const target of TARGETS) {
    const { status, body } = await sendOnce(servers[target].url, scenario.request(fixture, target))
    if (status !== scenario.expectedStatus)
      throw new Error(`${target} answered ${status} to ${scenario.name} (expected ${scenario.expectedStatus}): ${body}`)
  }
}

const statementsIn = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('[sql] '))
    .map((line) => line.slice(6))
const printTrace = (title: string, statements: string[]): void => {
  process.stdout.write(`\n${title}: ${statements.length} statements\n${statements.map((s) => `  ${s}`).join('\n')}\n`)
}

const oneShotContext = (fixture: Fixture, pool: pg.Pool, servers: Record<TargetName, Server>) => ({
  fixture,
  pool,
  openlineUrl: servers.openline.url,
  baselineUrl: servers.baseline.url,
  timeoutMs: settings.oneShotTimeoutS * 1000,
  log,
})

/**
 * Prints the statements each side sends for a second request of each scenario (the first warmed
 * caches), then for each one-shot run with 3 items: the statements of Openline's API process,
 * of its worker process (idle polls included) and of the bare server, over the whole run.
 */
async function traceSql(
  fixture: Fixture,
  servers: Record<TargetName, Server>,
  worker: Server,
  pool: pg.Pool,
): Promise<void> {
  for (const scenario of selected) {
    for (const target of ['openline', 'baseline'] as const) {
      await sleep(200)
      servers[target].takeStderr()
      await sendOnce(servers[target].url, scenario.request(fixture, target))
      await sleep(200)
      printTrace(`${scenario.name} on ${target}`, statementsIn(servers[target].takeStderr()))
    }
  }
  for (const oneShot of selectedOneShots) {
    await sleep(200)
    worker.takeStderr()
    servers.openline.takeStderr()
    servers.baseline.takeStderr()
    await oneShot.run(oneShotContext(fixture, pool, servers), 3)
    await sleep(200)
    printTrace(
      `${oneShot.name}, 3 items, on openline's API (the setup's requests included)`,
      statementsIn(servers.openline.takeStderr()),
    )
    printTrace(`${oneShot.name}, 3 items, on openline's worker`, statementsIn(worker.takeStderr()))
    printTrace(`${oneShot.name}, 3 items, on baseline`, statementsIn(servers.baseline.takeStderr()))
  }
}

try {
  await main()
} catch (error) {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exitCode = 1
} finally {
  await cleanup()
}
