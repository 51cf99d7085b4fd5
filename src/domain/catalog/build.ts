import { normalisePeriod } from '../scheduling/calendar.js'
import type { FieldError } from '../shared/errors.js'
import { DomainError } from '../shared/errors.js'
import { isCurrency, minorUnitExponent, toMinor } from '../shared/money.js'
import type { GroupUpdateInput, OfferingUpdateInput, PromotionUpdateInput } from './inputs.js'
import type { Offering, OfferingGroup, OfferingPrice, ProductFeatures } from './offering.js'
import { DEFAULT_CHANGE_POLICY, TOP_UP_CATEGORY } from './offering.js'
import type { Promotion, PromotionDiscount } from './promotion.js'

/**
 * Input (already shape-checked) → domain object. The rules a schema cannot say (a price's decimals
 * for its currency, net = gross - discount, a recurring price needs a cycle, …) are checked here;
 * every problem is collected with its path, so one answer lists them all.
 */

/** Collects field errors under a path prefix (`/body`, or `/offerings/3` in a catalog file). */
export class Issues {
  readonly list: FieldError[] = []
  add(path: string, message: string): void {
    this.list.push({ path, message })
  }
  /** Runs a conversion that may throw a DomainError; records it at `path` and answers `fallback`. */
  attempt<T>(path: string, fallback: T, run: () => T): T {
    try {
      return run()
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      if (error.fieldErrors.length > 0) this.list.push(...error.fieldErrors)
      else this.add(path, error.message)
      return fallback
    }
  }
}

interface Base<T> {
  tenantId: string
  id: string
  now: Date
  existing: T | undefined
}

export function buildGroup(input: GroupUpdateInput, base: Base<OfferingGroup>): OfferingGroup {
  return {
    tenantId: base.tenantId,
    id: base.id,
    name: input.name,
    category: input.category ?? null,
    description: input.description ?? null,
    internalDescription: input.internalDescription ?? null,
    metadata: (input.metadata ?? {}) as Record<string, unknown>,
    createdAt: base.existing?.createdAt ?? base.now,
    updatedAt: base.now,
  }
}

/**
 * A new or replaced offering: a full update, so omitted optional fields take their defaults again;
 * only `status` is kept when omitted (archiving has its own operation). The group is attached by
 * the caller, which knows whether it exists.
 */
export function buildOffering(
  input: OfferingUpdateInput,
  base: Base<Offering> & { group: OfferingGroup | null },
  at: string,
  issues: Issues,
): Offering {
  const price = buildPrice(input, at, issues)
  const categories = input.compatibility?.categories ?? input.addonCategories ?? []
  if (
    input.addonCategories &&
    input.compatibility?.categories &&
    !sameSet(input.addonCategories, input.compatibility.categories)
  ) {
    issues.add(
      `${at}/addonCategories`,
      'must list the same categories as compatibility.categories (they are one list under two names)',
    )
  }
  if (
    input.includedLicenseOfferingId &&
    (input.product.type !== 'SUBSCRIPTION_ADDON' || input.product.category === TOP_UP_CATEGORY)
  )
    issues.add(
      `${at}/includedLicenseOfferingId`,
      'only an add-on (SUBSCRIPTION_ADDON, not a top-up) includes a license',
    )
  if (input.product.category === TOP_UP_CATEGORY) {
    if (input.product.type !== 'SUBSCRIPTION_ADDON')
      issues.add(`${at}/product/type`, `must be SUBSCRIPTION_ADDON for a top-up (category ${TOP_UP_CATEGORY})`)
    if (input.price.priceType !== 'ONE_TIME')
      issues.add(`${at}/price/priceType`, `must be ONE_TIME for a top-up (category ${TOP_UP_CATEGORY})`)
  }
  return {
    tenantId: base.tenantId,
    id: base.id,
    status: input.status ?? base.existing?.status ?? 'AVAILABLE',
    name: input.name,
    description: input.description ?? null,
    richContent: input.richContent ?? null,
    internalDescription: input.internalDescription ?? null,
    imageUrl: input.imageUrl ?? null,
    groupId: base.group?.id ?? null,
    group: base.group,
    product: {
      productId: input.product.productId ?? base.id,
      internalName: input.product.internalName ?? input.name,
      type: input.product.type,
      category: input.product.category,
      networkProviderId: input.product.networkProviderId ?? null,
      features: pickFeatures(input.product.features ?? {}),
      requirements: input.product.requirements ?? {},
    },
    price,
    customerType: input.customerType ?? 'CONSUMER',
    rank: input.rank ?? 0,
    changePolicy: { ...DEFAULT_CHANGE_POLICY, ...input.changePolicy },
    compatibility: {
      categories: [...categories],
      productOfferingIds: [...(input.compatibility?.productOfferingIds ?? [])],
    },
    maxPerSubscription: input.maxPerSubscription ?? null,
    includedLicenseOfferingId: input.includedLicenseOfferingId ?? null,
    metadata: (input.metadata ?? {}) as Record<string, unknown>,
    createdAt: base.existing?.createdAt ?? base.now,
    updatedAt: base.now,
  }
}

function buildPrice({ price }: OfferingUpdateInput, at: string, issues: Issues): OfferingPrice {
  const currency = price.currency.toUpperCase()
  const currencyOk = knownCurrency(currency, `${at}/price/currency`, issues)
  // An amount that cannot be converted is reported once, as undefined, and skips the checks built on it.
  const minor = (value: number | undefined, field: string): number | undefined =>
    value === undefined
      ? 0
      : currencyOk
        ? issues.attempt<number | undefined>(`${at}/price/${field}`, undefined, () =>
            toMinor(value, currency, `${at}/price/${field}`),
          )
        : undefined
  const gross = minor(price.grossPrice, 'grossPrice')
  const discount = minor(price.discount, 'discount')
  const net = minor(price.netPrice, 'netPrice')
  const grossMinor = gross ?? 0
  const discountMinor = discount ?? 0
  if (gross !== undefined && discount !== undefined && discount > gross)
    issues.add(`${at}/price/discount`, 'must not exceed grossPrice')
  if (
    price.netPrice !== undefined &&
    gross !== undefined &&
    discount !== undefined &&
    net !== undefined &&
    net !== gross - discount
  ) {
    issues.add(`${at}/price/netPrice`, 'must equal grossPrice - discount (or leave it out)')
  }
  const cycle = price.billingCycle
    ? { period: normalisePeriod(price.billingCycle.period), interval: price.billingCycle.interval ?? 1 }
    : null
  if (price.priceType === 'RECURRING' && !cycle)
    issues.add(`${at}/price/billingCycle`, 'is required for a RECURRING price')
  if (price.priceType === 'ONE_TIME' && cycle)
    issues.add(`${at}/price/billingCycle`, 'must be null for a ONE_TIME price')
  return {
    grossMinor,
    discountMinor,
    netMinor: grossMinor - discountMinor,
    currency,
    priceType: price.priceType,
    billingCycle: cycle,
    boundMonths: price.boundMonths ?? null,
    taxIncluded: price.taxIncluded ?? false,
    currencyOptions: (price.currencyOptions ?? {}) as Record<string, unknown>,
  }
}

const FEATURE_KEYS = [
  'dataMb',
  'includedCallSeconds',
  'includedSms',
  'validityDays',
  'countries',
  'regions',
  'activationType',
] as const

/** Only the features Openline knows are stored: unknown request fields are ignored, never echoed. */
function pickFeatures(features: ProductFeatures): ProductFeatures {
  const picked: Record<string, unknown> = {}
  for (const key of FEATURE_KEYS) if (features[key] !== undefined) picked[key] = features[key]
  return picked as ProductFeatures
}

export function buildPromotion(
  input: PromotionUpdateInput,
  base: Base<Promotion>,
  at: string,
  issues: Issues,
): Promotion {
  const validFrom = input.validFrom ? new Date(input.validFrom) : null
  const validTo = input.validTo ? new Date(input.validTo) : null
  if (validFrom && validTo && validFrom.getTime() >= validTo.getTime())
    issues.add(`${at}/validTo`, 'must be after validFrom')
  return {
    tenantId: base.tenantId,
    code: base.id,
    name: input.name,
    description: input.description ?? null,
    status: input.status ?? 'ACTIVE',
    discount: buildDiscount(input.discount, `${at}/discount`, issues),
    productOfferingIds: [...(input.productOfferingIds ?? [])],
    validFrom,
    validTo,
    durationMonths: input.durationMonths ?? null,
    metadata: (input.metadata ?? {}) as Record<string, unknown>,
    createdAt: base.existing?.createdAt ?? base.now,
    updatedAt: base.now,
  }
}

function buildDiscount(discount: PromotionUpdateInput['discount'], at: string, issues: Issues): PromotionDiscount {
  if (discount.type === 'PERCENT') {
    if (discount.percent === undefined) issues.add(`${at}/percent`, 'is required for a PERCENT discount')
    if (discount.amount !== undefined) issues.add(`${at}/amount`, 'must be left out of a PERCENT discount')
    if (discount.percent !== undefined && !hasAtMostDecimals(discount.percent, 4))
      issues.add(`${at}/percent`, 'must have at most 4 decimals')
    return { type: 'PERCENT', percent: discount.percent ?? 0 }
  }
  if (discount.percent !== undefined) issues.add(`${at}/percent`, 'must be left out of an AMOUNT discount')
  if (discount.amount === undefined) issues.add(`${at}/amount`, 'is required for an AMOUNT discount')
  if (discount.currency === undefined) issues.add(`${at}/currency`, 'is required for an AMOUNT discount')
  const currency = (discount.currency ?? '').toUpperCase()
  const amount = discount.amount
  const amountMinor =
    amount === undefined || !currency || !knownCurrency(currency, `${at}/currency`, issues)
      ? 0
      : issues.attempt(`${at}/amount`, 0, () => toMinor(amount, currency, `${at}/amount`))
  return { type: 'AMOUNT', amountMinor, currency }
}

function knownCurrency(code: string, path: string, issues: Issues): boolean {
  if (isCurrency(code)) return issues.attempt(path, false, () => minorUnitExponent(code) >= 0)
  issues.add(path, `'${code}' is not an ISO 4217 currency code`)
  return false
}

function hasAtMostDecimals(value: number, decimals: number): boolean {
  const scaled = value * 10 ** decimals
  return Math.abs(scaled - Math.round(scaled)) < 1e-6
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((x) => right.has(x))
}

/**
 * The offering an add-on's `includedLicenseOfferingId` names, as found in the document or the
 * catalog (undefined: nowhere), must be a LICENSE offering.
 */
export function checkIncludedLicense(id: string, found: Offering | undefined, at: string, issues: Issues): void {
  if (!found) issues.add(`${at}/includedLicenseOfferingId`, `no offering '${id}' in this document or the catalog`)
  else if (found.product.type !== 'LICENSE')
    issues.add(`${at}/includedLicenseOfferingId`, `'${id}' is a ${found.product.type} offering, not a LICENSE`)
}
