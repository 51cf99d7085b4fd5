import { createServices } from '../container.js'
import { systemClock } from '../domain/shared/clock.js'
import { buildApp } from '../http/app.js'
import { createLogger } from '../http/logger.js'
import type { Database } from '../persistence/database.js'

/** A database that refuses every use: building the app to read its route table needs none. */
function offlineDatabase(): Database {
  const refuse = () => {
    throw new Error('No database while exporting the OpenAPI document.')
  }
  const db = new Proxy({}, { get: refuse }) as Database['db']
  return { kind: 'pglite', db, scripts: { transaction: refuse, exec: refuse }, close: async () => undefined }
}

/** The OpenAPI document of the current code, as `openapi/openapi.json` holds it. */
export async function exportOpenApi(): Promise<string> {
  const logger = createLogger('silent')
  const services = createServices({
    config: { authCacheTtlMs: 0, worker: { batchSize: 1, pollIntervalMs: 1000 } },
    database: offlineDatabase(),
    clock: systemClock,
    logger,
  })
  const app = await buildApp({ services, logger })
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}
