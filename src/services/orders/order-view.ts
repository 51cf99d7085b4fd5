import type { LineItem, OrderStatus, SubmitOrderInput } from '../../domain/orders/inputs.js'
import type { Requirements } from '../../domain/orders/order.js'
import { maskedLineItem, requirementsFor } from '../../domain/orders/order.js'
import { promotionRejection } from '../../domain/catalog/promotion.js'
import { toMinor } from '../../domain/shared/money.js'
import type { Executor } from '../../persistence/database.js'
import type { LineItemRow, OrderRow } from '../../persistence/repositories/order.repository.js'
import type { CatalogService } from '../catalog.service.js'
import type { RequestContext } from '../context.js'
import type { PartyService } from '../party.service.js'
import type { UserService } from '../user.service.js'
import type { CheckScope, LineItemChecks, Problem } from './line-item-checks.js'
import type { CreatedEntities } from './order-fulfilment.js'
import type { OrderPricer, PricingView } from './order-pricing.js'

export interface LineItemValidation {
  lineItemId: string
  isValid: boolean
  missingFields: string[]
  errors: Problem[]
}

export interface Validation {
  isValid: boolean
  missingFields: string[]
  errors: Problem[]
  lineItemValidation: LineItemValidation[]
}

/** The Connect API's Order (section 3.1). `state` repeats `status`: the webhook examples call it that. */
/** Why fulfilment failed, as order-fulfilment.ts stores it. */
export interface OrderFailure {
  lineItemId?: string | null
  code?: string | null
  message: string
  errors?: { path: string; message: string }[]
  failedAt?: string
  [extra: string]: unknown
}

export interface OrderView {
  orderId: string
  status: OrderStatus
  state: OrderStatus
  customerId: string | null
  customer: { customerId: string | null; name: string; new: boolean } | null
  userId: string | null
  user: { userId: string | null; name: string; new: boolean } | null
  billing: Record<string, unknown> | null
  shipping: Record<string, unknown> | null
  promoCode: string | null
  consents: Record<string, unknown> | null
  lineItems: LineItem[]
  validation: Validation
  requirements: Requirements
  pricing: PricingView | null
  externalPayment: NonNullable<SubmitOrderInput['externalPayment']> | null
  createdEntities: CreatedEntities | null
  failure: OrderFailure | null
  expiresAt: Date
  submittedAt: Date | null
  completedAt: Date | null
  cancelledAt: Date | null
  createdAt: Date
  updatedAt: Date
  metadata: Record<string, unknown>
}

export interface OrderSummaryView {
  orderId: string
  status: OrderStatus
  customerId: string | null
  customer: OrderView['customer']
  pricing: { subtotal: number; total: number; currency: string } | null
  lineItemCount: number
  validationStatus: 'VALID' | 'INVALID'
  createdAt: Date
  updatedAt: Date
  expiresAt: Date
}

/** A row of the portal's orders table (OrderService.table). */
export interface OrderTableRow {
  orderId: string
  status: OrderStatus
  customer: OrderView['customer']
  total: { amount: number; currency: string } | null
  lineItemCount: number
  createdAt: Date
  expiresAt: Date
}

/** Renders orders with their always-current validation and requirements. */
export class OrderViews {
  constructor(
    private readonly catalog: CatalogService,
    private readonly parties: PartyService,
    private readonly users: UserService,
    private readonly checks: LineItemChecks,
    private readonly pricer: OrderPricer,
  ) {}

  async view(ex: Executor, ctx: RequestContext, order: OrderRow, rows: LineItemRow[]): Promise<OrderView> {
    const items = rows.map((r) => r.item)
    const validation =
      order.status === 'PENDING' || order.status === 'FAILED'
        ? await this.validate(ex, ctx, order, items)
        : settled(items)
    const pricing = (order.pricing as PricingView | null) ?? null
    return {
      orderId: order.id,
      status: order.status,
      state: order.status,
      customerId: order.customerId,
      customer: await this.customer(ex, ctx, order),
      userId: order.userId,
      user: await this.user(ex, ctx, order),
      billing: order.billing,
      shipping: order.shipping,
      promoCode: order.promoCode,
      consents: order.consents,
      lineItems: items.map(maskedLineItem),
      validation,
      requirements: requirementsFor(
        ctx.tenant.settings.orderRequirements as Partial<Requirements> | undefined,
        pricing ? toMinor(pricing.total, pricing.currency) : null,
      ),
      pricing,
      externalPayment: (order.submission?.externalPayment as SubmitOrderInput['externalPayment']) ?? null,
      createdEntities: order.createdEntities as CreatedEntities | null,
      failure: order.failure as OrderFailure | null,
      expiresAt: order.expiresAt,
      submittedAt: order.submittedAt,
      completedAt: order.completedAt,
      cancelledAt: order.cancelledAt,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      metadata: order.metadata,
    }
  }

  summary(view: OrderView): OrderSummaryView {
    return {
      orderId: view.orderId,
      status: view.status,
      customerId: view.customerId,
      customer: view.customer,
      pricing: view.pricing
        ? { subtotal: view.pricing.subtotal, total: view.pricing.total, currency: view.pricing.currency }
        : null,
      lineItemCount: view.lineItems.length,
      validationStatus: view.validation.isValid ? 'VALID' : 'INVALID',
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
      expiresAt: view.expiresAt,
    }
  }

  /** What the order lacks and what is wrong with it, order-wide and per line item. */
  async validate(ex: Executor, ctx: RequestContext, order: OrderRow, items: LineItem[]): Promise<Validation> {
    const scope: CheckScope = { ex, ctx, customerId: order.customerId, items }
    const missing: string[] = []
    const errors: Problem[] = []
    if (!order.customerId && !order.newCustomer) missing.push('customer')
    if (items.length === 0) missing.push('lineItems')
    const shippable = items.some(
      (i) => (i.type === 'SUBSCRIPTION' && i.sim && !i.sim.esim && !i.sim.iccid) || i.type === 'EXTERNAL_PRODUCT',
    )
    if (shippable && !order.shipping?.address) missing.push('shipping.address')
    const lineItemValidation: LineItemValidation[] = []
    for (const item of items) {
      const check = await this.checks.check(scope, item)
      lineItemValidation.push({
        lineItemId: item.lineItemId,
        isValid: check.missing.length === 0 && check.errors.length === 0,
        missingFields: check.missing,
        errors: check.errors,
      })
    }
    const { mixed } = await this.pricer.lines(ex, ctx, items, null)
    if (mixed)
      errors.push({
        property: 'lineItems',
        message: 'The line items are priced in different currencies; an order has one.',
      })
    if (order.promoCode) {
      const promotion = await this.catalog.findPromotion(ex, ctx.tenant.id, order.promoCode)
      const offerings = await Promise.all(
        items
          .filter((i) => 'productOfferingId' in i)
          .map((i) =>
            this.catalog.getOffering(ex, ctx.tenant.id, (i as { productOfferingId: string }).productOfferingId),
          ),
      )
      const fits = promotion && offerings.some((o) => o && promotionRejection(promotion, o, ctx.clock.now()) === null)
      if (!fits)
        errors.push({
          property: 'promoCode',
          message: promotion
            ? `The promotion '${order.promoCode}' applies to none of the line items now.`
            : `Unknown promotion code '${order.promoCode}'.`,
        })
    }
    return {
      isValid: missing.length === 0 && errors.length === 0 && lineItemValidation.every((v) => v.isValid),
      missingFields: missing,
      errors,
      lineItemValidation,
    }
  }

  private async customer(ex: Executor, ctx: RequestContext, order: OrderRow): Promise<OrderView['customer']> {
    if (order.customerId) {
      const c = await this.parties.requireCustomer(ex, ctx.tenant.id, { kind: 'id', id: order.customerId })
      return { customerId: c.customerId, name: c.name, new: false }
    }
    return order.newCustomer ? { customerId: null, name: String(order.newCustomer.name), new: true } : null
  }

  private async user(ex: Executor, ctx: RequestContext, order: OrderRow): Promise<OrderView['user']> {
    if (order.userId) {
      const u = await this.users.requireUser(ex, ctx.tenant.id, { kind: 'id', id: order.userId })
      return { userId: u.userId, name: u.name, new: false }
    }
    return order.newUser ? { userId: null, name: String(order.newUser.name), new: true } : null
  }
}

/** A submitted order is no longer being configured: its validation is what it was at submission. */
const settled = (items: LineItem[]): Validation => ({
  isValid: true,
  missingFields: [],
  errors: [],
  lineItemValidation: items.map((i) => ({ lineItemId: i.lineItemId, isValid: true, missingFields: [], errors: [] })),
})
