import { asc, eq, sql } from 'drizzle-orm'
import type { Tenant } from '../../domain/access/tenant.js'
import type { Executor } from '../database.js'
import { tenant } from '../schema/index.js'

export async function insertTenant(ex: Executor, row: Tenant): Promise<void> {
  await ex.insert(tenant).values(row)
}

export async function findTenantById(ex: Executor, id: string): Promise<Tenant | undefined> {
  const [row] = await ex.select().from(tenant).where(eq(tenant.id, id))
  return row
}

export async function findTenantByName(ex: Executor, name: string): Promise<Tenant | undefined> {
  const [row] = await ex.select().from(tenant).where(eq(tenant.name, name))
  return row
}

/** The tenant whose V2 org is `org`: its `v2Org` setting, else its name (the unique index `tenant_v2_org`). */
export async function findTenantByV2Org(ex: Executor, org: string): Promise<Tenant | undefined> {
  const [row] = await ex
    .select()
    .from(tenant)
    .where(sql`coalesce(${tenant.settings} ->> 'v2Org', ${tenant.name}) = ${org}`)
  return row
}

export async function listTenants(ex: Executor): Promise<Tenant[]> {
  return ex.select().from(tenant).orderBy(asc(tenant.name))
}

export async function lockTenant(ex: Executor, id: string): Promise<Tenant | undefined> {
  const [row] = await ex.select().from(tenant).where(eq(tenant.id, id)).for('update')
  return row
}

export async function updateTenant(
  ex: Executor,
  id: string,
  patch: Partial<Pick<Tenant, 'timeZone' | 'settings' | 'clockOffsetMs' | 'updatedAt'>>,
): Promise<Tenant | undefined> {
  const [row] = await ex.update(tenant).set(patch).where(eq(tenant.id, id)).returning()
  return row
}

/** Merges keys into the settings document (a JSON patch at the top level). */
export async function mergeTenantSettings(
  ex: Executor,
  id: string,
  patch: Record<string, unknown>,
  now: Date,
): Promise<Tenant | undefined> {
  const [row] = await ex
    .update(tenant)
    .set({ settings: sql`${tenant.settings} || ${JSON.stringify(patch)}::jsonb`, updatedAt: now })
    .where(eq(tenant.id, id))
    .returning()
  return row
}
