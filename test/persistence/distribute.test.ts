import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/persistence/database.js'
import {
  CitusMissingError,
  distribute,
  distributionStatements,
  planDistribution,
} from '../../src/persistence/distribute.js'
import { runCli, cliEnv } from '../helpers/cli.js'
import { createTestDatabase } from '../helpers/database.js'

/** `openline migrate --distribute`: its statement list, and a clear refusal where Citus is absent (here). */
let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const tableOf = (statement: string) => /create_distributed_table\('([^']+)'/.exec(statement)?.[1] as string

describe('distribute', () => {
  it('makes the platform tables reference tables, then distributes every tenant table after the tables it references', async () => {
    const statements = await planDistribution(database.scripts)
    const references = statements.filter((s) => s.includes('create_reference_table'))
    expect(statements.slice(0, references.length)).toEqual(references)
    expect(references.map((s) => /create_reference_table\('([^']+)'/.exec(s)?.[1])).toEqual([
      'operator',
      'operator_sign_in_failure',
      'tenant',
      'operator_membership',
      'operator_session',
    ])
    const tables = statements.slice(references.length).map(tableOf)
    expect(tables).toContain('job')
    expect(tables).toContain('webhook_delivery')
    expect(new Set(tables).size).toBe(tables.length)
    expect(tables).not.toContain('schema_migration')
    expect(tables).not.toContain('operator_membership')
    const anchor = tables[0]
    for (const statement of statements.slice(references.length + 1))
      expect(statement).toContain(`colocate_with => '${anchor}'`)
    // Foreign keys point backwards only: customer_user after customer and app_user, addons after subscriptions.
    const at = (t: string) => tables.indexOf(t)
    expect(at('customer_user')).toBeGreaterThan(at('customer'))
    expect(at('customer_user')).toBeGreaterThan(at('app_user'))
    expect(at('webhook_attempt')).toBeGreaterThan(at('webhook_delivery'))
  })

  it('skips what is already distributed, so running it twice does nothing the second time', () => {
    const catalog = {
      tables: ['a', 'b'],
      references: [['b', 'a']] as [string, string][],
      platformReferences: [['operator_membership', 'operator']] as [string, string][],
      distributed: new Set<string>(['operator', 'operator_membership', 'operator_session', 'operator_sign_in_failure']),
    }
    expect(distributionStatements(catalog)).toEqual([
      `SELECT create_reference_table('tenant')`,
      `SELECT create_distributed_table('a', 'tenant_id', colocate_with => 'default')`,
      `SELECT create_distributed_table('b', 'tenant_id', colocate_with => 'a')`,
    ])
    expect(
      distributionStatements({ ...catalog, distributed: new Set([...catalog.distributed, 'tenant', 'a']) }),
    ).toEqual([`SELECT create_distributed_table('b', 'tenant_id', colocate_with => 'a')`])
    expect(
      distributionStatements({ ...catalog, distributed: new Set([...catalog.distributed, 'tenant', 'a', 'b']) }),
    ).toEqual([])
    expect(() =>
      distributionStatements({
        ...catalog,
        references: [
          ['b', 'a'],
          ['a', 'b'],
        ],
      }),
    ).toThrow(/cycle/)
  })

  it('refuses clearly where Citus is absent, changing nothing', async () => {
    await expect(distribute(database.scripts)).rejects.toBeInstanceOf(CitusMissingError)
    await expect(distribute(database.scripts)).rejects.toThrow(/citus extension is not installed/)
    const env = cliEnv()
    const result = runCli(['migrate', '--distribute'], env)
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('Applied: 0001_foundation')
    expect(result.stderr).toMatch(/citus extension is not installed/)
  })
})
