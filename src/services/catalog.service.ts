import { Issues, buildGroup, buildOffering, buildPromotion, checkIncludedLicense } from '../domain/catalog/build.js'
import type {
  CatalogDocument,
  GroupInput,
  GroupUpdateInput,
  OfferingInput,
  OfferingUpdateInput,
  PromotionInput,
  PromotionUpdateInput,
} from '../domain/catalog/inputs.js'
import type { CustomerType, Offering, OfferingGroup, OfferingStatus, ProductType } from '../domain/catalog/offering.js'
import type { Promotion } from '../domain/catalog/promotion.js'
import { normaliseCode, promotionRejection } from '../domain/catalog/promotion.js'
import type {
  CatalogView,
  ProductOfferingGroupView,
  ProductOfferingView,
  PromotionView,
} from '../domain/catalog/views.js'
import { catalogView, offeringView, productOfferingGroupView, promotionView } from '../domain/catalog/views.js'
import { BusinessRuleError, ConflictError, InvalidInputError, NotFoundError } from '../domain/shared/errors.js'
import type { Page, PageRequest } from '../domain/shared/paging.js'
import { mapPage, readPage } from '../domain/shared/paging.js'
import type { Executor } from '../persistence/database.js'
import { isUniqueViolation } from '../persistence/errors.js'
import type { OfferingFilter, OfferingKey } from '../persistence/repositories/catalog.repository.js'
import * as catalog from '../persistence/repositories/catalog.repository.js'
import * as promotions from '../persistence/repositories/promotion.repository.js'
import { importDocument } from './catalog-import.js'
import { saveGroup, saveOffering, savePromotion } from './catalog-writes.js'
import type { RequestContext } from './context.js'
import type { EventService } from './event.service.js'
import type { UnitOfWork } from './unit-of-work.js'

export type { OfferingFilter }

/**
 * The product catalog: offering groups, offerings and promotions. Other areas read offerings
 * through `getOffering`/`requireOffering`/`listOfferings` (passing their own transaction when they
 * have one) and price with `applicablePromotion`; operators write through the admin API or a
 * catalog file (`importCatalog`).
 */
export class CatalogService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly events: EventService,
  ) {}

  /** An offering in any status, or undefined. */
  getOffering(ex: Executor, tenantId: string, id: string): Promise<Offering | undefined> {
    return catalog.findOffering(ex, tenantId, id)
  }

  /** An offering in any status; 404 `product_offering.not_found` when there is none. */
  async requireOffering(ex: Executor, tenantId: string, id: string): Promise<Offering> {
    const offering = await catalog.findOffering(ex, tenantId, id)
    if (!offering) throw new NotFoundError('product_offering', id)
    return offering
  }

  /**
   * The offerings of `ids` (any status) by id, read in one statement; those in `known` (already
   * loaded in this transaction) are not read again. 404 `product_offering.not_found` for the first
   * id that has none, as `requireOffering` one by one would.
   */
  async offeringsById(
    ex: Executor,
    tenantId: string,
    ids: Iterable<string>,
    known: Iterable<Offering> = [],
  ): Promise<Map<string, Offering>> {
    const wanted = [...new Set(ids)]
    const found = new Map<string, Offering>()
    for (const offering of known) if (wanted.includes(offering.id)) found.set(offering.id, offering)
    const missing = wanted.filter((id) => !found.has(id))
    for (const offering of await catalog.findOfferings(ex, tenantId, missing)) found.set(offering.id, offering)
    const absent = wanted.find((id) => !found.has(id))
    if (absent !== undefined) throw new NotFoundError('product_offering', absent)
    return new Map(wanted.map((id) => [id, found.get(id) as Offering]))
  }

  /** The offerings of `ids` that exist (any status), by id, read in one statement. */
  async findOfferings(ex: Executor, tenantId: string, ids: Iterable<string>): Promise<Map<string, Offering>> {
    return new Map((await catalog.findOfferings(ex, tenantId, [...new Set(ids)])).map((o) => [o.id, o]))
  }

  /**
   * Every matching offering, in list order (group, rank, id), unpaged: for option lists. Without a
   * `status` filter, offerings of every status are returned; pass `['AVAILABLE']` for what can be sold.
   */
  /**
   * The offerings `current` could change to: the AVAILABLE ones of its product type and category,
   * other than itself. Each area narrows them by its own rule (customer type, license fit).
   */
  async changeCandidates(ex: Executor, tenantId: string, current: Offering): Promise<Offering[]> {
    const candidates = await catalog.listOfferings(ex, tenantId, {
      types: [current.product.type],
      categories: [current.product.category],
      status: ['AVAILABLE'],
    })
    return candidates.filter((o) => o.id !== current.id)
  }

  listOfferings(
    ex: Executor,
    tenantId: string,
    filter: { types?: ProductType[]; categories?: string[]; status?: OfferingStatus[]; groupId?: string },
  ): Promise<Offering[]> {
    return catalog.listOfferings(ex, tenantId, filter)
  }

  /** A promotion by code, in any letter case and any status. */
  findPromotion(ex: Executor, tenantId: string, code: string): Promise<Promotion | undefined> {
    return promotions.findPromotion(ex, tenantId, normaliseCode(code))
  }

  /**
   * The promotion `code` names, if it may price `offering` now (the tenant's clock); otherwise 422
   * `promotion.not_applicable` with a `reason`: unknown_code, archived, not_yet_valid, expired,
   * not_for_offering or currency_mismatch.
   */
  async applicablePromotion(
    ctx: Pick<RequestContext, 'tenant' | 'clock'>,
    offering: Offering,
    code: string,
  ): Promise<Promotion> {
    const promotion = await this.findPromotion(this.db, ctx.tenant.id, code)
    const reason = promotion ? promotionRejection(promotion, offering, ctx.clock.now()) : 'unknown_code'
    if (!promotion || reason) {
      throw new BusinessRuleError(
        'promotion.not_applicable',
        `Promotion code '${code}' cannot be applied to '${offering.id}': ${(reason ?? 'unknown_code').replaceAll('_', ' ')}.`,
        {
          promoCode: code,
          productOfferingId: offering.id,
          reason,
        },
      )
    }
    return promotion
  }

  /**
   * Loads a catalog document (already shape-checked: `parseCatalogDocument`) in one transaction:
   * groups, then offerings, then promotions, each created or updated by its id. Every problem of
   * every item is reported together (400 `catalog.invalid_document`) and then nothing is written.
   */
  importCatalog(
    ctx: RequestContext,
    document: CatalogDocument,
  ): Promise<{ groups: number; offerings: number; promotions: number }> {
    const concurrent = () =>
      new ConflictError(
        'catalog.concurrent_write',
        'Another write created some of these items at the same moment; nothing was imported. Import again.',
      )
    return this.uow.write(ctx, (tx) => orConflict(importDocument(tx, this.events, ctx, document), concurrent))
  }

  // Read views for the HTTP API.

  async offeringPage(tenantId: string, filter: OfferingFilter, page: PageRequest): Promise<Page<ProductOfferingView>> {
    const result = await readPage(
      page,
      (window) =>
        catalog.listOfferings(this.db, tenantId, filter, {
          ...window,
          after: window.after === undefined ? undefined : parseOfferingKey(window.after),
        }),
      (offering) => JSON.stringify([offering.groupId ?? '', offering.rank, offering.id]),
      () => catalog.countOfferings(this.db, tenantId, filter),
    )
    return mapPage(result, (offering) => offeringView(offering))
  }

  async offeringView(
    ctx: Pick<RequestContext, 'tenant' | 'clock'>,
    id: string,
    promoCode?: string,
  ): Promise<ProductOfferingView> {
    const offering = await this.requireOffering(this.db, ctx.tenant.id, id)
    return offeringView(
      offering,
      promoCode === undefined ? undefined : await this.applicablePromotion(ctx, offering, promoCode),
    )
  }

  async defaultCatalog(ctx: Pick<RequestContext, 'tenant'>, customerType?: CustomerType): Promise<CatalogView> {
    const offerings = await catalog.listOfferings(this.db, ctx.tenant.id, {
      status: ['AVAILABLE'],
      ...(customerType && { customerType }),
    })
    return catalogView({
      tenantName: ctx.tenant.name,
      tenantCreatedAt: ctx.tenant.createdAt,
      customerType: customerType ?? null,
      offerings,
    })
  }

  async groupPage(tenantId: string, page: PageRequest): Promise<Page<ProductOfferingGroupView>> {
    const result = await readPage(
      page,
      (window) => catalog.listGroups(this.db, tenantId, window),
      (group) => group.id,
      () => catalog.countGroups(this.db, tenantId),
    )
    return mapPage(result, productOfferingGroupView)
  }

  async groupView(tenantId: string, id: string): Promise<ProductOfferingGroupView> {
    return productOfferingGroupView(await requireGroup(this.db, tenantId, id))
  }

  async promotionView(tenantId: string, code: string): Promise<PromotionView> {
    const promotion = await this.findPromotion(this.db, tenantId, code)
    if (!promotion) throw new NotFoundError('promotion', normaliseCode(code))
    return promotionView(promotion)
  }

  // Writes of the admin API: each one transaction, answering the saved item's view.

  createGroup(ctx: RequestContext, input: GroupInput): Promise<ProductOfferingGroupView> {
    return this.writeGroup(ctx, input.productOfferingGroupId, input, 'create')
  }

  updateGroup(ctx: RequestContext, id: string, input: GroupUpdateInput): Promise<ProductOfferingGroupView> {
    return this.writeGroup(ctx, id, input, 'update')
  }

  createOffering(ctx: RequestContext, input: OfferingInput): Promise<ProductOfferingView> {
    return this.writeOffering(ctx, input.productOfferingId, input, 'create')
  }

  /** A full update of the editable fields; the product type never changes (409 `product_offering.type_immutable`). */
  updateOffering(ctx: RequestContext, id: string, input: OfferingUpdateInput): Promise<ProductOfferingView> {
    return this.writeOffering(ctx, id, input, 'update')
  }

  /** Archives an offering: it can no longer be ordered, and keeps working where it is in use. Archiving twice answers the same. */
  archiveOffering(ctx: RequestContext, id: string): Promise<ProductOfferingView> {
    return this.uow.write(ctx, async (tx) => {
      const existing = await catalog.findOffering(tx, ctx.tenant.id, id, { lock: true })
      if (!existing) throw new NotFoundError('product_offering', id)
      const next: Offering =
        existing.status === 'ARCHIVED' ? existing : { ...existing, status: 'ARCHIVED', updatedAt: ctx.clock.now() }
      await saveOffering(tx, this.events, ctx, existing, next)
      return offeringView(next)
    })
  }

  createPromotion(ctx: RequestContext, input: PromotionInput): Promise<PromotionView> {
    return this.writePromotion(ctx, input.code, input, 'create')
  }

  updatePromotion(ctx: RequestContext, code: string, input: PromotionUpdateInput): Promise<PromotionView> {
    return this.writePromotion(ctx, code, input, 'update')
  }

  private writeGroup(
    ctx: RequestContext,
    id: string,
    input: GroupUpdateInput,
    mode: 'create' | 'update',
  ): Promise<ProductOfferingGroupView> {
    return this.uow.write(ctx, async (tx) => {
      const existing = await catalog.findGroup(tx, ctx.tenant.id, id, { lock: true })
      const taken = () =>
        new ConflictError(
          'product_offering_group.already_exists',
          `A product offering group with id '${id}' already exists.`,
          { productOfferingGroupId: id },
        )
      if (mode === 'create' && existing) throw taken()
      if (mode === 'update' && !existing) throw new NotFoundError('product_offering_group', id)
      const next = buildGroup(input, { tenantId: ctx.tenant.id, id, now: ctx.clock.now(), existing })
      const outcome = await orConflict(saveGroup(tx, this.events, ctx, existing, next), taken)
      return productOfferingGroupView(outcome === 'unchanged' && existing ? existing : next)
    })
  }

  private writeOffering(
    ctx: RequestContext,
    id: string,
    input: OfferingUpdateInput,
    mode: 'create' | 'update',
  ): Promise<ProductOfferingView> {
    return this.uow.write(ctx, async (tx) => {
      const existing = await catalog.findOffering(tx, ctx.tenant.id, id, { lock: true })
      const taken = () =>
        new ConflictError('product_offering.already_exists', `A product offering with id '${id}' already exists.`, {
          productOfferingId: id,
        })
      if (mode === 'create' && existing) throw taken()
      if (mode === 'update' && !existing) throw new NotFoundError('product_offering', id)
      if (existing && existing.product.type !== input.product.type) {
        throw new ConflictError(
          'product_offering.type_immutable',
          `The product type of '${id}' is ${existing.product.type} and cannot change; create a new offering instead.`,
          {
            productOfferingId: id,
            currentType: existing.product.type,
            requestedType: input.product.type,
          },
        )
      }
      const group = input.productOfferingGroupId
        ? await findGroupOr422(tx, ctx.tenant.id, input.productOfferingGroupId)
        : null
      const issues = new Issues()
      const next = buildOffering(
        input,
        { tenantId: ctx.tenant.id, id, now: ctx.clock.now(), existing, group },
        '/body',
        issues,
      )
      const licenseId = input.includedLicenseOfferingId
      if (licenseId)
        checkIncludedLicense(licenseId, await catalog.findOffering(tx, ctx.tenant.id, licenseId), '/body', issues)
      if (issues.list.length > 0) throw invalid('product_offering', issues)
      const outcome = await orConflict(saveOffering(tx, this.events, ctx, existing, next), taken)
      return offeringView(outcome === 'unchanged' && existing ? existing : next)
    })
  }

  private writePromotion(
    ctx: RequestContext,
    rawCode: string,
    input: PromotionUpdateInput,
    mode: 'create' | 'update',
  ): Promise<PromotionView> {
    const code = normaliseCode(rawCode)
    return this.uow.write(ctx, async (tx) => {
      const existing = await promotions.findPromotion(tx, ctx.tenant.id, code, { lock: true })
      const taken = () =>
        new ConflictError('promotion.already_exists', `A promotion with code '${code}' already exists.`, {
          promoCode: code,
        })
      if (mode === 'create' && existing) throw taken()
      if (mode === 'update' && !existing) throw new NotFoundError('promotion', code)
      const issues = new Issues()
      const next = buildPromotion(
        input,
        { tenantId: ctx.tenant.id, id: code, now: ctx.clock.now(), existing },
        '/body',
        issues,
      )
      if (issues.list.length > 0) throw invalid('promotion', issues)
      const outcome = await orConflict(savePromotion(tx, this.events, ctx, existing, next), taken)
      return promotionView(outcome === 'unchanged' && existing ? existing : next)
    })
  }
}

async function requireGroup(ex: Executor, tenantId: string, id: string): Promise<OfferingGroup> {
  const group = await catalog.findGroup(ex, tenantId, id)
  if (!group) throw new NotFoundError('product_offering_group', id)
  return group
}

/** A group named in a body that does not exist is a broken reference (422), not a missing resource (404). */
async function findGroupOr422(ex: Executor, tenantId: string, id: string): Promise<OfferingGroup> {
  const group = await catalog.findGroup(ex, tenantId, id)
  if (!group) {
    throw new BusinessRuleError(
      'product_offering_group.not_found',
      `No product offering group with id '${id}'. Create it first.`,
      { productOfferingGroupId: id },
      [{ path: '/body/productOfferingGroupId', message: 'no such group' }],
    )
  }
  return group
}

/** Two creates of one id racing: the loser's insert hits the primary key, and answers as if it had looked second. */
async function orConflict<T>(write: Promise<T>, conflict: () => ConflictError): Promise<T> {
  try {
    return await write
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict()
    throw error
  }
}

const INVALID = { product_offering: 'product_offering.invalid', promotion: 'promotion.invalid' } as const

function invalid(area: keyof typeof INVALID, issues: Issues): InvalidInputError {
  return new InvalidInputError(
    INVALID[area],
    `The request body is invalid: ${issues.list.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
    {},
    issues.list,
  )
}

/** The list cursor's key, as `offeringPage` wrote it; anything else is a cursor this API did not issue. */
function parseOfferingKey(text: string): OfferingKey {
  try {
    const [group, rank, id] = JSON.parse(text) as unknown[]
    if (typeof group === 'string' && Number.isSafeInteger(rank) && typeof id === 'string')
      return { group, rank: rank as number, id }
  } catch {
    // fall through to the 400
  }
  throw new InvalidInputError(
    'pagination.invalid_cursor',
    'The cursor is not one this API issued. Pass nextCursor from a previous page unchanged.',
    {},
    [{ path: '/query/cursor', message: 'invalid cursor' }],
  )
}
