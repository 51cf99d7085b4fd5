import { randomUUID } from 'node:crypto'
import type {
  CreateOrderInput,
  LineItem,
  LineItemInput,
  SubmitOrderInput,
  UpdateOrderInput,
} from '../../domain/orders/inputs.js'
import {
  CANCELLABLE,
  EDITABLE,
  ORDER_TTL_MS,
  SUBMITTABLE,
  assertOrderStatus,
  requirementsFor,
  unmetRequirements,
  withStoredPasscode,
} from '../../domain/orders/order.js'
import type { Requirements, UnmetRequirement } from '../../domain/orders/order.js'
import { BusinessRuleError, ConflictError, NotFoundError } from '../../domain/shared/errors.js'
import { newId, parseEntityRef } from '../../domain/shared/ids.js'
import type { Page, PageRequest } from '../../domain/shared/paging.js'
import { readPage } from '../../domain/shared/paging.js'
import { toMinor } from '../../domain/shared/money.js'
import type { Executor } from '../../persistence/database.js'
import type { LineItemRow, OrderFilter, OrderRow } from '../../persistence/repositories/order.repository.js'
import * as orders from '../../persistence/repositories/order.repository.js'
import type { RequestContext } from '../context.js'
import type { EventService } from '../event.service.js'
import type { JobQueue } from '../job-queue.service.js'
import type { PartyService } from '../party.service.js'
import type { UserService } from '../user.service.js'
import type { UnitOfWork } from '../unit-of-work.js'
import type { LineItemChecks } from './line-item-checks.js'
import type { OrderPricer, PricingView } from './order-pricing.js'
import type { OrderSummaryView, OrderTableRow, OrderView, OrderViews } from './order-view.js'
import type { EventType } from '../../domain/webhooks/event-types.js'

export const FULFIL_ORDER = 'order.fulfil'
export const EXPIRE_ORDER = 'order.expire'

/** Where a submission satisfies each requirement: the reference the client sends. */
const REQUIREMENT_FIELDS: Record<UnmetRequirement, { path: string; message: string }> = {
  payment: {
    path: '/body/paymentSessionId',
    message:
      'Payment is REQUIRED: send a completed payment session id, or externalPayment for a payment taken elsewhere.',
  },
  paymentProfile: {
    path: '/body/paymentProfileSessionId',
    message: 'A payment profile is REQUIRED: send a completed payment-profile session id.',
  },
  signing: { path: '/body/signingSessionId', message: 'Signing is REQUIRED: send a completed signing session id.' },
}

export interface ListOrdersInput {
  statuses?: OrderFilter['statuses']
  customerId?: string
  userId?: string
  expiresAfter?: Date
  expiresBefore?: Date
}

/**
 * Orders while they are carts: create, read, configure, add/replace/remove line items, price,
 * cancel and submit. Every change keeps the order alive for another 7 days and writes
 * `order.updated`; fulfilment is OrderFulfilment's.
 */
export class OrderService {
  constructor(
    private readonly db: Executor,
    private readonly uow: UnitOfWork,
    private readonly parties: PartyService,
    private readonly users: UserService,
    private readonly checks: LineItemChecks,
    private readonly pricer: OrderPricer,
    private readonly views: OrderViews,
    private readonly events: EventService,
    private readonly queue: JobQueue,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<OrderView> {
    const order = await this.require(this.db, ctx, id)
    return this.views.view(this.db, ctx, order, await orders.lineItemsOf(this.db, ctx.tenant.id, [order.id]))
  }

  async list(ctx: RequestContext, input: ListOrdersInput, page: PageRequest): Promise<Page<OrderSummaryView>> {
    const rows = await this.pageOf(ctx, input, page)
    const items = await orders.lineItemsOf(
      this.db,
      ctx.tenant.id,
      rows.items.map((o) => o.id),
    )
    const summaries = []
    for (const order of rows.items)
      summaries.push(
        this.views.summary(
          await this.views.view(
            this.db,
            ctx,
            order,
            items.filter((i) => i.orderId === order.id),
          ),
        ),
      )
    return { items: summaries, pagination: rows.pagination }
  }

  /** One page of the tenant's orders matching the filter: the rows `list` and `table` render. */
  private async pageOf(ctx: RequestContext, input: ListOrdersInput, page: PageRequest) {
    const filter = await this.filterOf(ctx, input)
    return readPage(
      page,
      (w) => orders.listOrders(this.db, ctx.tenant.id, filter, w),
      (r) => r.id,
      () => orders.countOrders(this.db, ctx.tenant.id, filter),
    )
  }

  /**
   * Orders as the portal's table lists them, in a bounded number of statements whatever the page's
   * length: the page, its line items, and the customers' names in one read each. Unlike `list`, it
   * leaves out the per-order validation (which reads the catalog and inventory for every order).
   */
  async table(ctx: RequestContext, input: ListOrdersInput, page: PageRequest): Promise<Page<OrderTableRow>> {
    const rows = await this.pageOf(ctx, input, page)
    const ids = rows.items.map((o) => o.id)
    const items = await orders.lineItemsOf(this.db, ctx.tenant.id, ids)
    const names = await this.parties.embeddedCustomers(
      this.db,
      ctx.tenant.id,
      rows.items.flatMap((o) => (o.customerId ? [o.customerId] : [])),
    )
    return {
      items: rows.items.map((order) => {
        const pricing = order.pricing as PricingView | null
        const existing = order.customerId ? names.get(order.customerId) : undefined
        return {
          orderId: order.id,
          status: order.status,
          customer: existing
            ? { customerId: existing.customerId, name: existing.name, new: false }
            : order.newCustomer
              ? { customerId: null, name: String(order.newCustomer.name), new: true }
              : null,
          total: pricing ? { amount: pricing.total, currency: pricing.currency } : null,
          lineItemCount: items.filter((i) => i.orderId === order.id).length,
          createdAt: order.createdAt,
          expiresAt: order.expiresAt,
        }
      }),
      pagination: rows.pagination,
    }
  }

  async create(ctx: RequestContext, input: CreateOrderInput): Promise<OrderView> {
    return this.uow.write(ctx, async (tx) => {
      const now = ctx.clock.now()
      const order: OrderRow = {
        tenantId: ctx.tenant.id,
        id: newId(),
        status: 'PENDING',
        customerId: null,
        userId: null,
        newCustomer: null,
        newUser: null,
        billing: null,
        shipping: null,
        promoCode: null,
        consents: null,
        pricing: null,
        submission: null,
        createdEntities: null,
        failure: null,
        fulfilmentAttempts: 0,
        lineItemSeq: 0,
        metadata: {},
        expiresAt: new Date(now.getTime() + ORDER_TTL_MS),
        submittedAt: null,
        completedAt: null,
        cancelledAt: null,
        createdAt: now,
        updatedAt: now,
      }
      Object.assign(order, await this.configure(tx, ctx, input))
      await orders.insertOrder(tx, order)
      let current = order
      for (const [index, item] of (input.lineItems ?? []).entries())
        current = (await this.insertItem(tx, ctx, current, item, `/body/lineItems/${index}`)).order
      return this.touched(tx, ctx, current, ['order.created'])
    })
  }

  /** Changes the order's customer, user, billing, shipping, promo code, consents or metadata. */
  async update(ctx: RequestContext, id: string, input: UpdateOrderInput): Promise<OrderView> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, EDITABLE, 'be changed')
      const updated = await orders.updateOrder(tx, ctx.tenant.id, order.id, {
        ...(await this.configure(tx, ctx, input)),
        pricing: null,
      })
      return this.touched(tx, ctx, updated, ['order.updated'])
    })
  }

  async cancel(ctx: RequestContext, id: string): Promise<OrderView> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, CANCELLABLE, 'be cancelled')
      const now = ctx.clock.now()
      const updated = await orders.updateOrder(tx, ctx.tenant.id, order.id, {
        status: 'CANCELLED',
        cancelledAt: now,
        updatedAt: now,
      })
      return this.publish(tx, ctx, updated, ['order.updated'])
    })
  }

  async addLineItem(ctx: RequestContext, id: string, input: LineItemInput): Promise<LineItem> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, EDITABLE, 'take line items')
      const { order: updated, item } = await this.insertItem(tx, ctx, order, input, '/body')
      await this.touched(tx, ctx, updated, ['order.updated'])
      return item
    })
  }

  /** Replaces a line item (its id stays). */
  async replaceLineItem(ctx: RequestContext, id: string, lineItemId: string, input: LineItemInput): Promise<LineItem> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, EDITABLE, 'change line items')
      if (input.lineItemId && input.lineItemId !== lineItemId) {
        throw new BusinessRuleError(
          'order.line_item_id_mismatch',
          `The body's lineItemId '${input.lineItemId}' is not the one in the path.`,
          {},
          [{ path: '/body/lineItemId', message: 'must match the path' }],
        )
      }
      const items = await orders.lineItemsOf(tx, ctx.tenant.id, [order.id])
      const existing = items.find((i) => i.lineItemId === lineItemId)
      if (!existing) throw new NotFoundError('order_line_item', lineItemId)
      const item = withStoredPasscode({ ...input, lineItemId } as LineItem, existing.item)
      await this.assertItem(
        tx,
        ctx,
        order,
        item,
        items
          .filter((i) => i.lineItemId !== lineItemId)
          .map((i) => i.item)
          .concat(item),
        '/body',
      )
      await orders.replaceLineItem(tx, { ...existing, type: item.type, item, updatedAt: ctx.clock.now() })
      await this.touched(tx, ctx, await orders.updateOrder(tx, ctx.tenant.id, order.id, { pricing: null }), [
        'order.updated',
      ])
      return item
    })
  }

  async removeLineItem(ctx: RequestContext, id: string, lineItemId: string): Promise<void> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, EDITABLE, 'change line items')
      if (!(await orders.deleteLineItem(tx, ctx.tenant.id, order.id, lineItemId)))
        throw new NotFoundError('order_line_item', lineItemId)
      await this.touched(tx, ctx, await orders.updateOrder(tx, ctx.tenant.id, order.id, { pricing: null }), [
        'order.updated',
      ])
    })
  }

  /**
   * Prices a valid order ("invalid orders cannot be priced") and keeps the result on it: a change
   * of the order like any other (it keeps the cart alive, `order.updated`). Only an order that can
   * still be submitted is priced; a submitted one keeps the pricing it was submitted with.
   */
  async calculatePrice(ctx: RequestContext, id: string): Promise<{ pricing: PricingView }> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, SUBMITTABLE, 'be priced')
      const pricing = await this.priceValid(tx, ctx, order)
      await this.touched(
        tx,
        ctx,
        await orders.updateOrder(tx, ctx.tenant.id, order.id, {
          pricing: pricing as unknown as Record<string, unknown>,
        }),
        ['order.updated'],
      )
      return { pricing }
    })
  }

  /**
   * Submits a valid order whose REQUIRED requirements the body satisfies: SUBMITTED, priced, and
   * queued for fulfilment. A FAILED order may be submitted again (a retry). Submitting an order
   * already submitted is a 409, so it is never fulfilled twice.
   */
  async submit(ctx: RequestContext, id: string, input: SubmitOrderInput): Promise<OrderView> {
    return this.uow.write(ctx, async (tx) => {
      const order = await this.require(tx, ctx, id, true)
      assertOrderStatus(order.status, SUBMITTABLE, 'be submitted')
      const pricing = await this.priceValid(tx, ctx, order)
      const requirements = requirementsFor(
        ctx.tenant.settings.orderRequirements as Partial<Requirements> | undefined,
        toMinor(pricing.total, pricing.currency),
      )
      const unmet = unmetRequirements(requirements, input)
      if (unmet.length > 0) {
        throw new BusinessRuleError(
          'order.requirements_not_met',
          `The order needs ${unmet.join(', ')} before it can be submitted (see requirements).`,
          { unmet, requirements },
          unmet.map((u) => REQUIREMENT_FIELDS[u]),
        )
      }
      const now = ctx.clock.now()
      const submission = { ...input, submittedBy: { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label } }
      const updated = await orders.updateOrder(tx, ctx.tenant.id, order.id, {
        status: 'SUBMITTED',
        submission,
        pricing: pricing as unknown as Record<string, unknown>,
        failure: null,
        submittedAt: now,
        updatedAt: now,
      })
      await this.queue.enqueue(tx, {
        tenantId: ctx.tenant.id,
        kind: FULFIL_ORDER,
        payload: { orderId: order.id },
        dedupeKey: `${FULFIL_ORDER}:${order.id}`,
        maxAttempts: 5,
      })
      return this.publish(tx, ctx, updated, ['order.submitted', 'order.updated'])
    })
  }

  /** The repository's filter for a list: a customer or user that is not the tenant's matches nothing. */
  private async filterOf(ctx: RequestContext, input: ListOrdersInput): Promise<OrderFilter> {
    const filter: OrderFilter = {
      ...(input.statuses && { statuses: input.statuses }),
      ...(input.expiresAfter && { expiresAfter: input.expiresAfter }),
      ...(input.expiresBefore && { expiresBefore: input.expiresBefore }),
    }
    if (input.customerId) {
      const customer = await this.parties
        .requireCustomer(this.db, ctx.tenant.id, parseEntityRef(input.customerId, 'customerId', 'query'))
        .catch(() => undefined)
      filter.customerIds = [customer?.customerId ?? randomUUID()]
    }
    if (input.userId) {
      const user = await this.users
        .requireUser(this.db, ctx.tenant.id, parseEntityRef(input.userId, 'userId', 'query'))
        .catch(() => undefined)
      filter.userIds = [user?.userId ?? randomUUID()]
    }
    return filter
  }

  async require(ex: Executor, ctx: RequestContext, id: string, forUpdate = false): Promise<OrderRow> {
    const order = forUpdate
      ? await orders.lockOrder(ex, ctx.tenant.id, id)
      : await orders.findOrder(ex, ctx.tenant.id, id)
    if (!order) throw new NotFoundError('order', id)
    return order
  }

  /** Renders the order and writes its events. */
  async publish(tx: Executor, ctx: RequestContext, order: OrderRow, types: EventType[]): Promise<OrderView> {
    const view = await this.views.view(tx, ctx, order, await orders.lineItemsOf(tx, ctx.tenant.id, [order.id]))
    await this.events.emit(
      tx,
      ctx,
      ...types.map((type) => ({ type, resource: { type: 'order', id: order.id }, data: view })),
    )
    return view
  }

  /** Any change keeps a cart alive another 7 days: a new expiry, and the job that enforces it. */
  private async touched(tx: Executor, ctx: RequestContext, order: OrderRow, types: EventType[]): Promise<OrderView> {
    const now = ctx.clock.now()
    const expiresAt = new Date(now.getTime() + ORDER_TTL_MS)
    const updated = await orders.updateOrder(tx, ctx.tenant.id, order.id, { updatedAt: now, expiresAt })
    await this.queue.enqueue(tx, {
      tenantId: ctx.tenant.id,
      kind: EXPIRE_ORDER,
      payload: { orderId: order.id },
      runAt: expiresAt,
      dedupeKey: `${EXPIRE_ORDER}:${order.id}:${expiresAt.toISOString()}`,
    })
    return this.publish(tx, ctx, updated, types)
  }

  private async priceValid(tx: Executor, ctx: RequestContext, order: OrderRow): Promise<PricingView> {
    const rows = await orders.lineItemsOf(tx, ctx.tenant.id, [order.id])
    const items = rows.map((r) => r.item)
    const validation = await this.views.validate(tx, ctx, order, items)
    if (!validation.isValid)
      throw new BusinessRuleError(
        'order.invalid',
        'The order is not complete or not valid: see validation. Invalid orders cannot be priced or submitted.',
        { validation },
      )
    const firstDay = items
      .map((i) => (i.type === 'SUBSCRIPTION' ? i.scheduleActivationAt : undefined))
      .filter((d): d is string => Boolean(d))
      .sort()[0]
    return (await this.pricer.price(tx, ctx, items, order.promoCode, firstDay)).view
  }

  private async insertItem(
    tx: Executor,
    ctx: RequestContext,
    order: OrderRow,
    input: LineItemInput,
    path: string,
  ): Promise<{ order: OrderRow; item: LineItem }> {
    const existing = await orders.lineItemsOf(tx, ctx.tenant.id, [order.id])
    const taken = new Set(existing.map((i) => i.lineItemId))
    // A generated id skips ids the client chose (`line-item-2` sent earlier) and never reuses a removed one.
    let seq = order.lineItemSeq + 1
    while (!input.lineItemId && taken.has(`line-item-${seq}`)) seq++
    const item = { ...input, lineItemId: input.lineItemId ?? `line-item-${seq}` } as LineItem
    if (taken.has(item.lineItemId)) {
      throw new ConflictError('order.line_item_exists', `The order already has a line item '${item.lineItemId}'.`, {
        lineItemId: item.lineItemId,
      })
    }
    await this.assertItem(tx, ctx, order, item, [...existing.map((i) => i.item), item], path)
    const now = ctx.clock.now()
    const row: LineItemRow = {
      tenantId: ctx.tenant.id,
      orderId: order.id,
      lineItemId: item.lineItemId,
      position: (await orders.lastPosition(tx, ctx.tenant.id, order.id)) + 1,
      type: item.type,
      item,
      createdAt: now,
      updatedAt: now,
    }
    await orders.insertLineItem(tx, row)
    return { order: await orders.updateOrder(tx, ctx.tenant.id, order.id, { lineItemSeq: seq, pricing: null }), item }
  }

  /** Line items that reference things are checked at once: an error refuses the item (missing fields do not). */
  private async assertItem(
    tx: Executor,
    ctx: RequestContext,
    order: OrderRow,
    item: LineItem,
    items: LineItem[],
    path: string,
  ): Promise<void> {
    // Ids it refers to are UUIDs or rid_ references; anything else is a 400 naming the field, as for ids everywhere.
    for (const [field, value] of referencesOf(item))
      parseEntityRef(value, field.split('/').at(-1), 'body', `${path}/${field}`)
    const check = await this.checks.check({ ex: tx, ctx, customerId: order.customerId, items }, item)
    if (check.errors.length > 0) {
      throw new BusinessRuleError(
        'order.line_item_invalid',
        `Line item '${item.lineItemId}' cannot be ordered: ${check.errors.map((e) => e.message).join(' ')}`,
        { lineItemId: item.lineItemId },
        check.errors.map((e) => ({ path: `${path}/${e.property.replaceAll('.', '/')}`, message: e.message })),
      )
    }
  }

  /** The order-level fields of a create or update body, with existing customers and users resolved. */
  private async configure(tx: Executor, ctx: RequestContext, input: UpdateOrderInput): Promise<Partial<OrderRow>> {
    const patch: Partial<OrderRow> = {}
    if (input.customer !== undefined) {
      patch.customerId = null
      patch.newCustomer = null
      if (input.customer && 'customerId' in input.customer) {
        const ref = parseEntityRef(input.customer.customerId, 'customerId', 'body', '/body/customer/customerId')
        const customer = await this.parties.requireCustomer(tx, ctx.tenant.id, ref).catch((error: unknown) => {
          if (error instanceof NotFoundError)
            throw new BusinessRuleError(
              'customer.not_found',
              `No customer '${input.customer && 'customerId' in input.customer ? input.customer.customerId : ''}'.`,
              {},
              [{ path: '/body/customer/customerId', message: 'unknown customer' }],
            )
          throw error
        })
        patch.customerId = customer.customerId
      } else if (input.customer) patch.newCustomer = input.customer as Record<string, unknown>
    }
    if (input.user !== undefined) {
      patch.userId = null
      patch.newUser = null
      if (input.user && 'userId' in input.user) {
        const user = await this.users
          .requireUser(tx, ctx.tenant.id, parseEntityRef(input.user.userId, 'userId', 'body', '/body/user/userId'))
          .catch((error: unknown) => {
            if (error instanceof NotFoundError)
              throw new BusinessRuleError('user.not_found', 'No such user.', {}, [
                { path: '/body/user/userId', message: 'unknown user' },
              ])
            throw error
          })
        patch.userId = user.userId
      } else if (input.user) patch.newUser = input.user as Record<string, unknown>
    }
    if (input.billing !== undefined) patch.billing = input.billing
    if (input.shipping !== undefined) patch.shipping = input.shipping
    if (input.promoCode !== undefined) patch.promoCode = input.promoCode ? input.promoCode.trim().toUpperCase() : null
    if (input.consents !== undefined) patch.consents = input.consents
    if (input.metadata !== undefined) patch.metadata = input.metadata
    return patch
  }
}

/** The ids of other resources a line item names, by their JSON pointer within the item. */
function referencesOf(item: LineItem): [string, string][] {
  const refs: [string, string | undefined][] = [
    ['subscriptionId', 'subscriptionId' in item ? item.subscriptionId : undefined],
    ['assignedTo/subscriptionId', item.type === 'LICENSE' ? item.assignedTo?.subscriptionId : undefined],
    ['licenseId', item.type === 'LICENSE_CHANGE' ? item.licenseId : undefined],
  ]
  return refs.filter((r): r is [string, string] => r[1] !== undefined)
}
