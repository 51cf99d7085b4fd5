import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type {
  ChangePolicy,
  CustomerType,
  Offering,
  OfferingGroup,
  OfferingStatus,
  ProductFeatures,
  ProductType,
} from '../../domain/catalog/offering.js'
import type { Executor } from '../database.js'
import { countAll } from '../paging.js'
import { productOffering, productOfferingGroup } from '../schema/index.js'

/** Offering groups and offerings. Offerings are always read with their group, which they embed. */

type GroupRow = typeof productOfferingGroup.$inferSelect
type OfferingRow = typeof productOffering.$inferSelect

export interface OfferingFilter {
  types?: ProductType[]
  categories?: string[]
  /** Leaves out these product categories (the portal's add-ons, without top-ups). */
  excludeCategories?: string[]
  status?: OfferingStatus[]
  groupId?: string
  customerType?: CustomerType
}

/** The list order's key: (group id or '' when ungrouped, rank, id). */
export interface OfferingKey {
  group: string
  rank: number
  id: string
}

const groupKey = sql`coalesce(${productOffering.groupId}, '')`

export async function findGroup(
  ex: Executor,
  tenantId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<OfferingGroup | undefined> {
  const query = ex
    .select()
    .from(productOfferingGroup)
    .where(and(eq(productOfferingGroup.tenantId, tenantId), eq(productOfferingGroup.id, id)))
  const [row] = options.lock ? await query.for('update') : await query
  return row
}

export async function insertGroup(ex: Executor, group: OfferingGroup): Promise<void> {
  await ex.insert(productOfferingGroup).values(group)
}

export async function updateGroup(ex: Executor, group: OfferingGroup): Promise<void> {
  const { tenantId, id, createdAt: _createdAt, ...changes } = group
  await ex
    .update(productOfferingGroup)
    .set(changes)
    .where(and(eq(productOfferingGroup.tenantId, tenantId), eq(productOfferingGroup.id, id)))
}

export async function listGroups(
  ex: Executor,
  tenantId: string,
  window: { limit: number; after?: string; offset?: number },
): Promise<OfferingGroup[]> {
  return ex
    .select()
    .from(productOfferingGroup)
    .where(
      and(
        eq(productOfferingGroup.tenantId, tenantId),
        window.after !== undefined ? sql`${productOfferingGroup.id} > ${window.after}` : undefined,
      ),
    )
    .orderBy(asc(productOfferingGroup.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countGroups(ex: Executor, tenantId: string): Promise<number> {
  const [row] = await ex
    .select(countAll())
    .from(productOfferingGroup)
    .where(eq(productOfferingGroup.tenantId, tenantId))
  return row?.n ?? 0
}

const selectOfferings = (ex: Executor) =>
  ex
    .select({ offering: productOffering, group: productOfferingGroup })
    .from(productOffering)
    .leftJoin(
      productOfferingGroup,
      and(
        eq(productOfferingGroup.tenantId, productOffering.tenantId),
        eq(productOfferingGroup.id, productOffering.groupId),
      ),
    )

export async function findOffering(
  ex: Executor,
  tenantId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Offering | undefined> {
  const query = selectOfferings(ex).where(and(eq(productOffering.tenantId, tenantId), eq(productOffering.id, id)))
  const [row] = options.lock ? await query.for('update', { of: productOffering }) : await query
  return row && toOffering(row.offering, row.group)
}

/** The offerings among `ids` (any status), in one statement whatever their number. */
export async function findOfferings(ex: Executor, tenantId: string, ids: readonly string[]): Promise<Offering[]> {
  if (ids.length === 0) return []
  const rows = await selectOfferings(ex).where(
    and(eq(productOffering.tenantId, tenantId), sql`${productOffering.id} = any(${sql.param([...ids])})`),
  )
  return rows.map((row) => toOffering(row.offering, row.group))
}

const matching = (tenantId: string, filter: OfferingFilter): SQL | undefined =>
  and(
    eq(productOffering.tenantId, tenantId),
    filter.types?.length ? inArray(productOffering.productType, filter.types) : undefined,
    filter.categories?.length ? inArray(productOffering.productCategory, filter.categories) : undefined,
    filter.excludeCategories?.length
      ? notInArray(productOffering.productCategory, filter.excludeCategories)
      : undefined,
    filter.status?.length ? inArray(productOffering.status, filter.status) : undefined,
    filter.groupId !== undefined ? eq(productOffering.groupId, filter.groupId) : undefined,
    filter.customerType !== undefined ? eq(productOffering.customerType, filter.customerType) : undefined,
  )

/** A keyset page in list order (group, rank, id), or every match when no window is given. */
export async function listOfferings(
  ex: Executor,
  tenantId: string,
  filter: OfferingFilter,
  window?: { limit: number; after?: OfferingKey; offset?: number },
): Promise<Offering[]> {
  const after = window?.after
  const query = selectOfferings(ex)
    .where(
      and(
        matching(tenantId, filter),
        after
          ? sql`(${groupKey}, ${productOffering.rank}, ${productOffering.id}) > (${after.group}, ${after.rank}, ${after.id})`
          : undefined,
      ),
    )
    .orderBy(asc(groupKey), asc(productOffering.rank), asc(productOffering.id))
  const rows = window ? await query.limit(window.limit).offset(window.offset ?? 0) : await query
  return rows.map((row) => toOffering(row.offering, row.group))
}

export async function countOfferings(ex: Executor, tenantId: string, filter: OfferingFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(productOffering).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function insertOffering(ex: Executor, offering: Offering): Promise<void> {
  await ex.insert(productOffering).values(toRow(offering))
}

export async function updateOffering(ex: Executor, offering: Offering): Promise<void> {
  const { tenantId, id, createdAt: _createdAt, ...changes } = toRow(offering)
  await ex
    .update(productOffering)
    .set(changes)
    .where(and(eq(productOffering.tenantId, tenantId), eq(productOffering.id, id)))
}

function toRow(o: Offering): OfferingRow {
  return {
    tenantId: o.tenantId,
    id: o.id,
    status: o.status,
    name: o.name,
    description: o.description,
    richContent: o.richContent,
    internalDescription: o.internalDescription,
    imageUrl: o.imageUrl,
    groupId: o.groupId,
    customerType: o.customerType,
    productId: o.product.productId,
    productInternalName: o.product.internalName,
    productType: o.product.type,
    productCategory: o.product.category,
    networkProviderId: o.product.networkProviderId,
    features: o.product.features as Record<string, unknown>,
    requirements: o.product.requirements,
    grossPriceMinor: o.price.grossMinor,
    discountMinor: o.price.discountMinor,
    currency: o.price.currency,
    priceType: o.price.priceType,
    billingPeriod: o.price.billingCycle?.period ?? null,
    billingInterval: o.price.billingCycle?.interval ?? null,
    boundMonths: o.price.boundMonths,
    taxIncluded: o.price.taxIncluded,
    currencyOptions: o.price.currencyOptions,
    rank: o.rank,
    changePolicy: { ...o.changePolicy },
    compatibleCategories: o.compatibility.categories,
    compatibleOfferingIds: o.compatibility.productOfferingIds,
    maxPerSubscription: o.maxPerSubscription,
    includedLicenseOfferingId: o.includedLicenseOfferingId,
    metadata: o.metadata,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  }
}

function toOffering(row: OfferingRow, group: GroupRow | null): Offering {
  return {
    tenantId: row.tenantId,
    id: row.id,
    status: row.status,
    name: row.name,
    description: row.description,
    richContent: row.richContent,
    internalDescription: row.internalDescription,
    imageUrl: row.imageUrl,
    groupId: row.groupId,
    group,
    product: {
      productId: row.productId,
      internalName: row.productInternalName,
      type: row.productType,
      category: row.productCategory,
      networkProviderId: row.networkProviderId,
      features: row.features as ProductFeatures,
      requirements: row.requirements,
    },
    price: {
      grossMinor: row.grossPriceMinor,
      discountMinor: row.discountMinor,
      netMinor: row.grossPriceMinor - row.discountMinor,
      currency: row.currency,
      priceType: row.priceType,
      billingCycle:
        row.billingPeriod && row.billingInterval ? { period: row.billingPeriod, interval: row.billingInterval } : null,
      boundMonths: row.boundMonths,
      taxIncluded: row.taxIncluded,
      currencyOptions: row.currencyOptions,
    },
    customerType: row.customerType,
    rank: row.rank,
    changePolicy: row.changePolicy as unknown as ChangePolicy,
    compatibility: { categories: row.compatibleCategories, productOfferingIds: row.compatibleOfferingIds },
    maxPerSubscription: row.maxPerSubscription,
    includedLicenseOfferingId: row.includedLicenseOfferingId,
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}
