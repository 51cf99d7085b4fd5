import type { Config } from './config.js'
import type { Services } from './container.js'
import { createServices } from './container.js'
import type { Clock } from './domain/shared/clock.js'
import { systemClock } from './domain/shared/clock.js'
import type { Database } from './persistence/database.js'
import { createDatabase } from './persistence/database.js'
import { migrate } from './persistence/migrator.js'
import { resolveSecretKey } from './services/webhooks/secret-key.js'
import type { Logger } from './worker/runner.js'

export interface Runtime {
  config: Config
  database: Database
  services: Services
  close(): Promise<void>
}

/**
 * The one path every entry point takes: config → database (migrated unless told not to) → services.
 * `serve`, `worker` and each CLI command open the database through it.
 */
export async function openRuntime(
  config: Config,
  logger: Logger,
  options: { migrate?: boolean; clock?: Clock } = {},
): Promise<Runtime> {
  // Before the database opens: a PostgreSQL deployment without OPENLINE_SECRET_KEY fails here, clearly.
  const secretKey = resolveSecretKey(config)
  const database = await createDatabase(config.database)
  try {
    if (options.migrate ?? true) {
      const applied = await migrate(database.scripts)
      if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations')
    }
    const services = createServices({ config, database, secretKey, clock: options.clock ?? systemClock, logger })
    return { config, database, services, close: () => database.close() }
  } catch (error) {
    await database.close()
    throw error
  }
}
