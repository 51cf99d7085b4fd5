import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { lockDataDir } from './data-dir-lock.js'
import { CHANNEL, type Database, type Executor } from './database.js'
import * as schema from './schema/index.js'

/** Embedded PGlite in `dataDir` (one process at a time, by a lock file) or in memory. */
export async function createPglite(dataDir: string | 'memory:'): Promise<Database> {
  const inMemory = dataDir === 'memory:'
  const lock = inMemory ? undefined : lockDataDir(dataDir)
  try {
    if (!inMemory) mkdirSync(dataDir, { recursive: true })
    return wrapPglite(await PGlite.create(inMemory ? undefined : dataDir), () => lock?.release())
  } catch (error) {
    lock?.release()
    throw error
  }
}

/** Wraps an open PGlite (tests load one from a migrated template) as a Database. */
export function wrapPglite(client: PGlite, onClose: () => void = () => undefined): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Executor
  return {
    kind: 'pglite',
    db,
    scripts: {
      transaction: (fn) =>
        client.transaction((tx) =>
          fn(
            async (text) => {
              await tx.exec(text)
            },
            async (text, params) => (await tx.query(text, params)).rows as never[],
          ),
        ),
      async exec(text) {
        await client.exec(text)
      },
    },
    async listen(channel, onNotify) {
      if (!CHANNEL.test(channel)) throw new Error(`Invalid channel name '${channel}'.`)
      return client.listen(channel, onNotify)
    },
    async close() {
      try {
        await client.close()
      } finally {
        onClose()
      }
    },
  }
}
