import type { Offering } from '../../domain/catalog/offering.js'
import { LICENSE_TARGET } from '../../domain/licenses/license.js'
import type { LicenseStatus } from '../../domain/licenses/license.js'
import { startOfLocalDate } from '../../domain/scheduling/calendar.js'
import type { Clock } from '../../domain/shared/clock.js'
import { BusinessRuleError, NotFoundError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { formatEntityRef } from '../../domain/shared/ids.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { readPage } from '../../domain/shared/paging.js'
import type { Executor } from '../../persistence/database.js'
import type { LicenseFilter, LicenseRow } from '../../persistence/repositories/license.repository.js'
import * as licenses from '../../persistence/repositories/license.repository.js'
import { findTenantById } from '../../persistence/repositories/tenant.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import { systemContext } from '../context.js'
import type { PartyService } from '../party.service.js'
import type { SchedulingService } from '../scheduling.service.js'
import type { SubscriptionService } from '../subscriptions/subscription.service.js'
import type { TimelineItem, TimelineService } from '../timeline.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { CancelLicenseInput, ChangeLicenseOfferingInput, LicenseChanges } from './license-changes.js'
import type { LicenseLifecycle } from './license-lifecycle.js'
import type { EmbeddedLicenseView, LicenseView, LicenseViews } from './license-view.js'
import { embedLicense } from './license-view.js'
import { bodyRef, missingAt } from './refs.js'
import { assertNotPastDay } from '../../domain/scheduling/requested-day.js'

export interface CreateLicenseInput {
  /** A LICENSE offering that is AVAILABLE; it decides the license's type unless `type` is given. */
  productOfferingId: string
  /** UUID or `rid_`. */
  customerId: string
  type?: string
  /** A subscription of the same customer (UUID or `rid_`): the license ends with it. */
  assignedTo?: { type: 'SUBSCRIPTION'; subscriptionId: string }
  /** The earliest day to activate (tenant's calendar); none or a day begun = now. */
  activationDate?: string
  referenceId?: string
  details?: Record<string, unknown>
  metadata?: Record<string, unknown>
}

export interface ListLicensesInput {
  customerIds?: EntityRef[]
  statuses?: LicenseStatus[]
  types?: string[]
  subscription?: EntityRef
}

/** The tenant setting that makes licenses come from orders only (the billing system manages them). */
export const LICENSES_MANAGED_BY_BILLING = 'licensesManagedByBilling'

/**
 * Licenses: read, create (directly, or inside an order's transaction through `createLicense`),
 * cancel and change offering now or at a date (see LicenseChanges). Other areas use the tx-taking
 * methods so a license is created, changed or ended atomically with their own work.
 */
export class LicenseService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly catalog: CatalogService,
    private readonly parties: PartyService,
    private readonly subscriptions: SubscriptionService,
    private readonly scheduling: SchedulingService,
    private readonly lifecycle: LicenseLifecycle,
    private readonly views: LicenseViews,
    private readonly timeline: TimelineService,
    private readonly changes: LicenseChanges,
  ) {}

  async get(ctx: RequestContext, ref: EntityRef): Promise<LicenseView> {
    return this.views.one(this.db, ctx, await this.require(this.db, ctx.tenant.id, ref))
  }

  async list(ctx: RequestContext, input: ListLicensesInput, page: PageRequest): Promise<Page<LicenseView>> {
    const filter: LicenseFilter = {
      ...(input.statuses && { statuses: input.statuses }),
      ...(input.types && { types: input.types }),
    }
    const nothing = {
      items: [],
      pagination: {
        limit: page.limit,
        nextCursor: null,
        ...(page.offset !== undefined && { offset: page.offset, total: 0 }),
      },
    }
    if (input.customerIds?.length) {
      // A customer that does not exist (or is another tenant's) matches nothing.
      const ids = await Promise.all(
        input.customerIds.map((ref) =>
          this.parties
            .requireCustomer(this.db, ctx.tenant.id, ref)
            .then((c) => c.customerId)
            .catch(() => undefined),
        ),
      )
      filter.customerIds = ids.filter((id): id is string => id !== undefined)
      if (filter.customerIds.length === 0) return nothing
    }
    if (input.subscription) {
      const subscription = await this.subscriptions.require(this.db, ctx, input.subscription).catch(() => undefined)
      if (!subscription) return nothing
      filter.subscriptionIds = [subscription.id]
    }
    const rows = await readPage(
      page,
      (window) => licenses.listLicenses(this.db, ctx.tenant.id, filter, window),
      (row) => row.id,
      () => licenses.countLicenses(this.db, ctx.tenant.id, filter),
    )
    return { items: await this.views.many(this.db, ctx, rows.items), pagination: rows.pagination }
  }

  async timelineOf(ctx: RequestContext, ref: EntityRef): Promise<TimelineItem[]> {
    const row = await this.require(this.db, ctx.tenant.id, ref)
    return this.timeline.forSubject(ctx.tenant.id, LICENSE_TARGET, row.id)
  }

  /** `POST /licenses`: refused where the billing system manages licenses (they come from orders). */
  async create(ctx: RequestContext, input: CreateLicenseInput): Promise<LicenseView> {
    if (ctx.tenant.settings[LICENSES_MANAGED_BY_BILLING] === true) {
      throw new BusinessRuleError(
        'license.creation_disabled',
        'Licenses are managed by billing for this tenant: create licenses through orders (POST /orders).',
      )
    }
    assertNotPastDay(input.activationDate, '/body/activationDate', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, (tx) => this.createLicense(tx, ctx, input))
  }

  /**
   * Creates a license inside the caller's transaction: ACTIVE now, or PENDING with a scheduled
   * activation. Emits `license.created`. `path` locates the input in the caller's body for error
   * paths (default `/body`).
   */
  async createLicense(
    tx: Executor,
    ctx: RequestContext,
    input: CreateLicenseInput,
    path = '/body',
  ): Promise<LicenseView> {
    const offering = await this.licenseOffering(tx, ctx, input.productOfferingId, path)
    const customer = await this.parties
      .requireCustomer(tx, ctx.tenant.id, bodyRef(input.customerId, `${path}/customerId`))
      .catch(missingAt('customer', input.customerId, `${path}/customerId`))
    const subscriptionId = input.assignedTo
      ? await this.assignable(
          tx,
          ctx,
          customer.customerId,
          input.assignedTo.subscriptionId,
          `${path}/assignedTo/subscriptionId`,
        )
      : null
    return this.lifecycle.create(tx, ctx, {
      offering,
      customerId: customer.customerId,
      subscriptionId,
      ...(input.type !== undefined && { type: input.type }),
      ...(input.activationDate && { earliest: startOfLocalDate(input.activationDate, ctx.tenant.timeZone) }),
      ...(input.referenceId !== undefined && { referenceId: input.referenceId }),
      ...(input.details && { details: input.details }),
      ...(input.metadata && { metadata: input.metadata }),
    })
  }

  /** The license by UUID or `rid_`; 404 `license.not_found` (also for another tenant's). */
  async requireLicense(ex: Executor, tenantId: string, ref: EntityRef): Promise<LicenseView> {
    const row = await this.require(ex, tenantId, ref)
    const tenant = await findTenantById(ex, tenantId)
    if (!tenant) throw new NotFoundError('license', formatEntityRef(ref))
    return this.views.one(ex, systemContext(tenant, this.clock, 'license-lookup'), row)
  }

  cancel(ctx: RequestContext, ref: EntityRef, input: CancelLicenseInput): Promise<LicenseView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, (tx) => this.cancelLicense(tx, ctx, ref, input))
  }

  /** Cancels now (`license.ended`) or from a day (pendingStatus), inside the caller's transaction. */
  cancelLicense(tx: Executor, ctx: RequestContext, ref: EntityRef, input: CancelLicenseInput): Promise<LicenseView> {
    return this.changes.cancel(tx, ctx, ref, input)
  }

  changeOffering(ctx: RequestContext, ref: EntityRef, input: ChangeLicenseOfferingInput): Promise<LicenseView> {
    assertNotPastDay(input.scheduledAt, '/body/scheduledAt', ctx.clock.now(), ctx.tenant.timeZone)
    return this.uow.write(ctx, (tx) => this.changeLicenseOffering(tx, ctx, ref, input))
  }

  /** Up-, down- or lateral change, now or at the license's next renewal, inside the caller's transaction. */
  changeLicenseOffering(
    tx: Executor,
    ctx: RequestContext,
    ref: EntityRef,
    input: ChangeLicenseOfferingInput,
  ): Promise<LicenseView> {
    return this.changes.changeOffering(tx, ctx, ref, input)
  }

  options(ctx: RequestContext, ref: EntityRef): ReturnType<LicenseChanges['options']> {
    return this.changes.options(ctx, ref)
  }

  withdrawPending(ctx: RequestContext, ref: EntityRef, field: 'status' | 'productOffering'): Promise<LicenseView> {
    return this.uow.write(ctx, (tx) => this.changes.withdraw(tx, ctx, ref, field))
  }

  /** What the add-on resource embeds of its license. */
  embedLicense(view: LicenseView): EmbeddedLicenseView {
    return embedLicense(view)
  }

  private async require(ex: Executor, tenantId: string, ref: EntityRef): Promise<LicenseRow> {
    const row = await licenses.findLicense(ex, tenantId, ref)
    if (!row) throw new NotFoundError('license', formatEntityRef(ref))
    return row
  }

  private async licenseOffering(tx: Executor, ctx: RequestContext, id: string, path: string): Promise<Offering> {
    const pointer = `${path}/productOfferingId`
    const offering = await this.catalog.getOffering(tx, ctx.tenant.id, id)
    if (!offering)
      throw new BusinessRuleError(
        'product_offering.not_found',
        `No product offering '${id}'.`,
        { productOfferingId: id },
        [{ path: pointer, message: 'unknown offering' }],
      )
    if (offering.product.type !== 'LICENSE') {
      throw new BusinessRuleError(
        'license.offering_not_a_license',
        `'${id}' is a ${offering.product.type} offering, not a license.`,
        { productOfferingId: id, type: offering.product.type },
        [{ path: pointer, message: 'not a LICENSE offering' }],
      )
    }
    if (offering.status !== 'AVAILABLE')
      throw new BusinessRuleError(
        'product_offering.not_orderable',
        `'${id}' is archived and can no longer be ordered.`,
        { productOfferingId: id },
        [{ path: pointer, message: 'archived' }],
      )
    return offering
  }

  /** The subscription a new license is assigned to: the same customer's, not ended; locked so it cannot end meanwhile. */
  private async assignable(
    tx: Executor,
    ctx: RequestContext,
    customerId: string,
    value: string,
    pointer: string,
  ): Promise<string> {
    const subscription = await this.subscriptions
      .require(tx, ctx, bodyRef(value, pointer), true)
      .catch(missingAt('subscription', value, pointer))
    if (subscription.customerId !== customerId) {
      throw new BusinessRuleError(
        'license.subscription_other_customer',
        'The subscription belongs to another customer.',
        { subscriptionId: subscription.id },
        [{ path: pointer, message: 'belongs to another customer' }],
      )
    }
    if (subscription.status === 'CANCELLED') {
      throw new BusinessRuleError(
        'license.subscription_cancelled',
        'A license cannot be assigned to a cancelled subscription.',
        { subscriptionId: subscription.id },
        [{ path: pointer, message: 'is cancelled' }],
      )
    }
    return subscription.id
  }
}
