import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm'
import type { CustomerType } from '../../domain/parties/party.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { customer, customerUser } from '../schema/index.js'
import { containsAny, containsPattern } from '../search.js'

export type CustomerRow = typeof customer.$inferSelect
export type CustomerPatch = Partial<Omit<CustomerRow, 'tenantId' | 'id' | 'humanReadableId' | 'createdAt'>>

export const CUSTOMER_REFERENCE_KEY = 'customer_reference_id_key'

export interface CustomerFilter {
  customerType?: CustomerType
  /** Customers this user has access to. */
  userId?: string
  /** Case-insensitive substring of the name, contact or billing e-mail, human-readable id or reference. */
  search?: string
}

/**
 * Inserts unless the human-readable id is taken in the tenant (false: draw another and retry).
 * Any other unique violation (the reference) still raises.
 */
export async function insertCustomer(ex: Executor, row: CustomerRow): Promise<boolean> {
  const inserted = await ex
    .insert(customer)
    .values(row)
    .onConflictDoNothing({ target: [customer.tenantId, customer.humanReadableId] })
    .returning({ id: customer.id })
  return inserted.length === 1
}

export async function findCustomer(ex: Executor, tenantId: string, id: string): Promise<CustomerRow | undefined> {
  const [row] = await ex
    .select()
    .from(customer)
    .where(and(eq(customer.tenantId, tenantId), eq(customer.id, id)))
  return row
}

/** The id and name of the customers among `ids`, in one statement: what other resources embed. */
export async function findCustomerNames(
  ex: Executor,
  tenantId: string,
  ids: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return []
  return ex
    .select({ id: customer.id, name: customer.name })
    .from(customer)
    .where(and(eq(customer.tenantId, tenantId), inArray(customer.id, [...ids])))
}

export async function findCustomerByReference(
  ex: Executor,
  tenantId: string,
  referenceId: string,
): Promise<CustomerRow | undefined> {
  const [row] = await ex
    .select()
    .from(customer)
    .where(and(eq(customer.tenantId, tenantId), eq(customer.referenceId, referenceId)))
  return row
}

/** The row, locked until the transaction ends: the read of a read-modify-write. */
export async function lockCustomer(ex: Executor, tenantId: string, id: string): Promise<CustomerRow | undefined> {
  const [row] = await ex
    .select()
    .from(customer)
    .where(and(eq(customer.tenantId, tenantId), eq(customer.id, id)))
    .for('update')
  return row
}

/** The ids of the customers with these ids or references (unknown ones are left out). */
export async function resolveCustomerIds(
  ex: Executor,
  tenantId: string,
  refs: { ids: string[]; references: string[] },
): Promise<string[]> {
  if (refs.ids.length === 0 && refs.references.length === 0) return []
  const rows = await ex
    .select({ id: customer.id })
    .from(customer)
    .where(
      and(
        eq(customer.tenantId, tenantId),
        or(
          refs.ids.length > 0 ? inArray(customer.id, refs.ids) : undefined,
          refs.references.length > 0 ? inArray(customer.referenceId, refs.references) : undefined,
        ),
      ),
    )
  return rows.map((r) => r.id)
}

const matching = (tenantId: string, filter: CustomerFilter) => {
  const compactNeedle = filter.search?.replaceAll('-', '')
  return and(
    eq(customer.tenantId, tenantId),
    filter.customerType ? eq(customer.customerType, filter.customerType) : undefined,
    filter.userId
      ? sql`exists (select 1 from ${customerUser} where ${customerUser.tenantId} = ${customer.tenantId} and ${customerUser.customerId} = ${customer.id} and ${customerUser.userId} = ${filter.userId})`
      : undefined,
    filter.search
      ? or(
          containsAny(
            filter.search,
            customer.name,
            customer.contactEmail,
            customer.billingEmail,
            customer.humanReadableId,
            customer.referenceId,
          ),
          // "29ABY3ZX78" finds 29A-BY3Z-X78: people drop the dashes when they type an id.
          compactNeedle
            ? ilike(sql`replace(${customer.humanReadableId}, '-', '')`, containsPattern(compactNeedle))
            : undefined,
        )
      : undefined,
  )
}

export async function listCustomers(
  ex: Executor,
  tenantId: string,
  filter: CustomerFilter,
  window: Window,
): Promise<CustomerRow[]> {
  return ex
    .select()
    .from(customer)
    .where(and(matching(tenantId, filter), afterKey(customer.id, window)))
    .orderBy(asc(customer.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countCustomers(ex: Executor, tenantId: string, filter: CustomerFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(customer).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function updateCustomer(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: CustomerPatch,
): Promise<CustomerRow | undefined> {
  const [row] = await ex
    .update(customer)
    .set(patch)
    .where(and(eq(customer.tenantId, tenantId), eq(customer.id, id)))
    .returning()
  return row
}
