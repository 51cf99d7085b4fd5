/**
 * The bare server Openline is measured against: Fastify 5 and a `pg.Pool` of 10 (Openline's default
 * pool size) on the same database, where each scenario's route makes the same database round trips
 * as Openline and nothing more: no authentication, no idempotency layer, no schemas, no logger, no
 * metrics. bench/run.ts starts it as its own node process, like Openline.
 */
import Fastify from 'fastify'
import pg from 'pg'
import { oneShots } from './oneshot/index.js'
import { scenarios } from './scenarios/index.js'

const { DATABASE_URL, PORT, BENCH_TENANT_ID } = process.env
if (!DATABASE_URL || !PORT || !BENCH_TENANT_ID) throw new Error('DATABASE_URL, PORT and BENCH_TENANT_ID are required')

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 })
const app = Fastify()
app.get('/healthz', async () => ({ status: 'ok' }))
for (const scenario of [...scenarios, ...oneShots]) scenario.baselineRoute(app, { pool, tenantId: BENCH_TENANT_ID })

await app.listen({ host: '127.0.0.1', port: Number(PORT) })
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0))
})
