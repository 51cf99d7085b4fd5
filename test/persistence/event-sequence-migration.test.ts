import { randomUUID } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { v7 as uuidv7 } from 'uuid'
import type { Database } from '../../src/persistence/database.js'
import { wrapPglite } from '../../src/persistence/pglite.js'
import { loadMigrations, migrate } from '../../src/persistence/migrator.js'

/** 0016 numbers the events an existing database already holds, so the counters go on from there. */
let database: Database
beforeAll(async () => {
  database = wrapPglite(await PGlite.create())
})
afterAll(() => database.close())

const SEQUENCE_MIGRATION = 16

describe('migration 0016 on a database with events', () => {
  it('numbers each resource’s events in id order and leaves each counter at its stream’s last number', async () => {
    await migrate(
      database.scripts,
      loadMigrations().filter((m) => m.id < SEQUENCE_MIGRATION),
    )
    const tenants = [randomUUID(), randomUUID()]
    const [order, subscription] = [randomUUID(), randomUUID()]
    // Written oldest first: ids are time-ordered, as the service makes them.
    const rows: [string, string, string][] = [
      [tenants[0] as string, 'order', order],
      [tenants[0] as string, 'subscription', subscription],
      [tenants[0] as string, 'order', order],
      [tenants[1] as string, 'order', order],
      [tenants[0] as string, 'order', order],
      [tenants[0] as string, 'subscription', subscription],
    ]
    const ids = rows.map(() => uuidv7())
    await database.scripts.transaction(async (_exec, query) => {
      for (const [i, tenant] of tenants.entries())
        await query(
          `INSERT INTO tenant (id, name, time_zone, sandbox, created_at, updated_at) VALUES ($1, $2, 'UTC', true, now(), now())`,
          [tenant, `migration-${i}-${tenant}`],
        )
      for (const [i, [tenant, type, id]] of rows.entries())
        await query(
          `INSERT INTO event (tenant_id, id, type, resource_type, resource_id, occurred_at, data, actor_type, actor_id, actor_label, created_at)
           VALUES ($1, $2, $3, $4, $5, now(), '{}', 'system', 'test', 'test', now())`,
          [tenant, ids[i], `${type}.updated`, type, id],
        )
    })
    await migrate(database.scripts)

    const numbered = await database.scripts.transaction((_exec, query) =>
      query<{ id: string; stream_type: string; stream_id: string; sequence: string }>(
        `SELECT id, stream_type, stream_id, sequence FROM event ORDER BY id`,
      ),
    )
    expect(numbered.map((r) => [r.id, r.stream_type, r.stream_id, Number(r.sequence)])).toEqual([
      [ids[0], 'order', order, 1],
      [ids[1], 'subscription', subscription, 1],
      [ids[2], 'order', order, 2],
      [ids[3], 'order', order, 1],
      [ids[4], 'order', order, 3],
      [ids[5], 'subscription', subscription, 2],
    ])
    const counters = await database.scripts.transaction((_exec, query) =>
      query<{ tenant_id: string; stream_type: string; last_sequence: string }>(
        `SELECT tenant_id, stream_type, last_sequence FROM event_stream ORDER BY tenant_id, stream_type`,
      ),
    )
    expect(
      counters.map((c) => [c.tenant_id, c.stream_type, Number(c.last_sequence)]).sort((a, b) => (a < b ? -1 : 1)),
    ).toEqual(
      [
        [tenants[0], 'order', 3],
        [tenants[0], 'subscription', 2],
        [tenants[1], 'order', 1],
      ].sort((a, b) => (a < b ? -1 : 1)),
    )
  })
})
