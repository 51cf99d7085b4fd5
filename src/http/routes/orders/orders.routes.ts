import { Type } from 'typebox'
import { CreateOrderInput, LineItemInput, SubmitOrderInput, UpdateOrderInput } from '../../../domain/orders/inputs.js'
import { maskedLineItem } from '../../../domain/orders/order.js'
import { pageRequest } from '../../../domain/shared/paging.js'
import type { OrderView } from '../../../services/orders/order-view.js'
import type { OrderService } from '../../../services/orders/order.service.js'
import type { PricingView } from '../../../services/orders/order-pricing.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { LineItemParams, Order, OrderListQuery, OrderPage, OrderParams, Pricing } from './orders.schemas.js'

const tags = ['orders']
const asOrder = (o: OrderView) => o
const asItem = maskedLineItem

/** Orders: carts of line items, validated, priced, submitted and fulfilled (reference 2.1, 3.1-3.3, 4.1; seed 004). */
export async function orderRoutes(app: App, { orders }: { orders: OrderService }): Promise<void> {
  app.post(
    '/orders',
    {
      schema: {
        operationId: 'createOrder',
        tags,
        summary: 'Create an order',
        description:
          'Everything is optional at creation: an order can be configured step by step. Its `validation` always says what is still missing.',
        body: CreateOrderInput,
        response: { 201: Order, ...problemResponses(403, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, asOrder, () => orders.create(req.ctx, req.body)),
  )

  app.get(
    '/orders',
    {
      schema: {
        operationId: 'listOrders',
        tags,
        summary: 'List orders',
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problemResponses(403) },
      },
    },
    async (req) => {
      const q = req.query
      const statuses = [...(q.status ?? []), ...(q.state ?? [])]
      return orders.list(
        req.ctx,
        {
          ...(statuses.length > 0 && { statuses }),
          ...(q.customerId && { customerId: q.customerId }),
          ...(q.userId && { userId: q.userId }),
          ...(q.expiresAfter && { expiresAfter: new Date(q.expiresAfter) }),
          ...(q.expiresBefore && { expiresBefore: new Date(q.expiresBefore) }),
        },
        pageRequest(q),
      )
    },
  )

  app.get(
    '/orders/:orderId',
    {
      schema: {
        operationId: 'getOrder',
        tags,
        summary: 'Get an order',
        params: OrderParams,
        response: { 200: Order, ...problemResponses(403, 404) },
      },
    },
    async (req) => orders.get(req.ctx, req.params.orderId),
  )

  app.patch(
    '/orders/:orderId',
    {
      schema: {
        operationId: 'updateOrder',
        tags,
        summary: 'Configure an order',
        description:
          'Sets the customer, user, billing, shipping, promo code, consents or metadata of a PENDING order; absent fields stay, null clears.',
        params: OrderParams,
        body: UpdateOrderInput,
        response: { 200: Order, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 200, asOrder, () => orders.update(req.ctx, req.params.orderId, req.body)),
  )

  app.post(
    '/orders/:orderId/cancel',
    {
      schema: {
        operationId: 'cancelOrder',
        tags,
        summary: 'Cancel an order',
        description: 'A PENDING or FAILED order only.',
        params: OrderParams,
        response: { 200: Order, ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) => respond(req, reply, 200, asOrder, () => orders.cancel(req.ctx, req.params.orderId)),
  )

  app.post(
    '/orders/:orderId/line-items',
    {
      schema: {
        operationId: 'addOrderLineItem',
        tags,
        summary: 'Add a line item to an order',
        description:
          'Any of the nine types. What it references is checked at once (422 naming the field); what it still lacks shows in the order’s validation.',
        params: OrderParams,
        body: LineItemInput,
        response: { 201: LineItemInput, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 201, asItem, () => orders.addLineItem(req.ctx, req.params.orderId, req.body)),
  )

  app.put(
    '/orders/:orderId/line-items/:lineItemId',
    {
      schema: {
        operationId: 'replaceOrderLineItem',
        tags,
        summary: 'Replace a line item',
        params: LineItemParams,
        body: LineItemInput,
        response: { 200: LineItemInput, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(req, reply, 200, asItem, () =>
        orders.replaceLineItem(req.ctx, req.params.orderId, req.params.lineItemId, req.body),
      ),
  )

  app.delete(
    '/orders/:orderId/line-items/:lineItemId',
    {
      schema: {
        operationId: 'removeOrderLineItem',
        tags,
        summary: 'Remove a line item',
        params: LineItemParams,
        response: { 204: Type.Null({ description: 'Removed.' }), ...problemResponses(403, 404, 409) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        204,
        () => null,
        () => orders.removeLineItem(req.ctx, req.params.orderId, req.params.lineItemId),
      ),
  )

  app.post(
    '/orders/:orderId/calculate-price',
    {
      schema: {
        operationId: 'calculateOrderPrice',
        tags,
        summary: 'Price an order',
        description:
          'Subtotals, tax breakdown, fees, discounts, recurring costs and the first invoice, kept on the order. Invalid orders cannot be priced (422 `order.invalid`); only a PENDING or FAILED order is priced (else 409).',
        params: OrderParams,
        response: { 200: Type.Object({ pricing: Pricing }), ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) =>
      respond(
        req,
        reply,
        200,
        (r: { pricing: PricingView }) => r,
        () => orders.calculatePrice(req.ctx, req.params.orderId),
      ),
  )

  app.post(
    '/orders/:orderId/submit',
    {
      schema: {
        operationId: 'submitOrder',
        tags,
        summary: 'Submit an order for fulfilment',
        description:
          'A valid order whose REQUIRED requirements the body satisfies becomes SUBMITTED and is fulfilled in the background (PROCESSING, then COMPLETED or FAILED). A FAILED order may be submitted again. Submitting an order already submitted is a 409.',
        params: OrderParams,
        body: SubmitOrderInput,
        response: { 200: Order, ...problemResponses(403, 404, 409, 422) },
      },
    },
    (req, reply) => respond(req, reply, 200, asOrder, () => orders.submit(req.ctx, req.params.orderId, req.body)),
  )
}
