import { and, asc, eq, inArray, ne } from 'drizzle-orm'
import type { LicenseStatus } from '../../domain/licenses/license.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { license } from '../schema/index.js'

export type LicenseRow = typeof license.$inferSelect

export interface LicenseFilter {
  statuses?: LicenseStatus[]
  customerIds?: string[]
  types?: string[]
  subscriptionIds?: string[]
}

const byRef = (tenantId: string, ref: EntityRef) =>
  and(
    eq(license.tenantId, tenantId),
    ref.kind === 'id' ? eq(license.id, ref.id) : eq(license.referenceId, ref.reference),
  )

export async function insertLicense(ex: Executor, row: LicenseRow): Promise<void> {
  await ex.insert(license).values(row)
}

export async function findLicense(ex: Executor, tenantId: string, ref: EntityRef): Promise<LicenseRow | undefined> {
  const [row] = await ex.select().from(license).where(byRef(tenantId, ref))
  return row
}

/** The licenses with these ids, in no particular order (missing ids are left out). */
export async function findLicensesByIds(ex: Executor, tenantId: string, ids: string[]): Promise<LicenseRow[]> {
  if (ids.length === 0) return []
  return ex
    .select()
    .from(license)
    .where(and(eq(license.tenantId, tenantId), inArray(license.id, ids)))
}

export async function lockLicense(ex: Executor, tenantId: string, ref: EntityRef): Promise<LicenseRow | undefined> {
  const [row] = await ex.select().from(license).where(byRef(tenantId, ref)).for('update')
  return row
}

export async function updateLicense(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: Partial<Omit<LicenseRow, 'tenantId' | 'id'>>,
): Promise<LicenseRow> {
  const [row] = await ex
    .update(license)
    .set(patch)
    .where(and(eq(license.tenantId, tenantId), eq(license.id, id)))
    .returning()
  return row as LicenseRow
}

/** The licenses assigned to a subscription that have not ended, locked, oldest first. */
export async function lockLiveOfSubscription(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
): Promise<LicenseRow[]> {
  return ex
    .select()
    .from(license)
    .where(
      and(eq(license.tenantId, tenantId), eq(license.subscriptionId, subscriptionId), ne(license.status, 'CANCELLED')),
    )
    .orderBy(asc(license.id))
    .for('update')
}

const matching = (tenantId: string, f: LicenseFilter) =>
  and(
    eq(license.tenantId, tenantId),
    f.statuses?.length ? inArray(license.status, f.statuses) : undefined,
    f.customerIds?.length ? inArray(license.customerId, f.customerIds) : undefined,
    f.types?.length ? inArray(license.type, f.types) : undefined,
    f.subscriptionIds?.length ? inArray(license.subscriptionId, f.subscriptionIds) : undefined,
  )

export async function listLicenses(
  ex: Executor,
  tenantId: string,
  filter: LicenseFilter,
  window: Window,
): Promise<LicenseRow[]> {
  return ex
    .select()
    .from(license)
    .where(and(matching(tenantId, filter), afterKey(license.id, window)))
    .orderBy(asc(license.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countLicenses(ex: Executor, tenantId: string, filter: LicenseFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(license).where(matching(tenantId, filter))
  return row?.n ?? 0
}
