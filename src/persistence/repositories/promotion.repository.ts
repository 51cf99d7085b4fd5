import { and, eq } from 'drizzle-orm'
import type { Promotion } from '../../domain/catalog/promotion.js'
import type { Executor } from '../database.js'
import { promotion } from '../schema/index.js'

type PromotionRow = typeof promotion.$inferSelect

/** `code` is the upper-case code; callers normalise it. */
export async function findPromotion(
  ex: Executor,
  tenantId: string,
  code: string,
  options: { lock?: boolean } = {},
): Promise<Promotion | undefined> {
  const query = ex
    .select()
    .from(promotion)
    .where(and(eq(promotion.tenantId, tenantId), eq(promotion.code, code)))
  const [row] = options.lock ? await query.for('update') : await query
  return row && toPromotion(row)
}

export async function insertPromotion(ex: Executor, value: Promotion): Promise<void> {
  await ex.insert(promotion).values(toRow(value))
}

export async function updatePromotion(ex: Executor, value: Promotion): Promise<void> {
  const { tenantId, code, createdAt: _createdAt, ...changes } = toRow(value)
  await ex
    .update(promotion)
    .set(changes)
    .where(and(eq(promotion.tenantId, tenantId), eq(promotion.code, code)))
}

function toRow(p: Promotion): PromotionRow {
  return {
    tenantId: p.tenantId,
    code: p.code,
    name: p.name,
    description: p.description,
    status: p.status,
    discountType: p.discount.type,
    discountPercent: p.discount.type === 'PERCENT' ? p.discount.percent : null,
    discountAmountMinor: p.discount.type === 'AMOUNT' ? p.discount.amountMinor : null,
    discountCurrency: p.discount.type === 'AMOUNT' ? p.discount.currency : null,
    productOfferingIds: p.productOfferingIds,
    validFrom: p.validFrom,
    validTo: p.validTo,
    durationMonths: p.durationMonths,
    metadata: p.metadata,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  }
}

function toPromotion(row: PromotionRow): Promotion {
  return {
    tenantId: row.tenantId,
    code: row.code,
    name: row.name,
    description: row.description,
    status: row.status,
    discount:
      row.discountType === 'PERCENT'
        ? { type: 'PERCENT', percent: Number(row.discountPercent) }
        : { type: 'AMOUNT', amountMinor: Number(row.discountAmountMinor), currency: row.discountCurrency ?? '' },
    productOfferingIds: row.productOfferingIds,
    validFrom: row.validFrom,
    validTo: row.validTo,
    durationMonths: row.durationMonths,
    metadata: row.metadata,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}
