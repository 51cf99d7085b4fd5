import { Type } from 'typebox'
import type { LineItem, OrderStatus } from '../../../domain/orders/inputs.js'
import { ORDER_STATUSES } from '../../../domain/orders/inputs.js'
import type { App } from '../../types.js'
import { formatMoney } from '../format.js'
import type { PortalDeps } from '../portal.plugin.js'
import { hrefOf, page, RESOURCE_PAGES } from '../page.js'
import { pager, tablePage } from '../table.js'

const ListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal(''), ...ORDER_STATUSES.map((s) => Type.Literal(s))])),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
const Params = Type.Object({ orderId: Type.String({ format: 'uuid' }) })

RESOURCE_PAGES.order = (id) => `/portal/orders/${encodeURIComponent(id)}`

/** The fields of a line item worth a glance in a table, whatever its type. */
const DETAIL_FIELDS = ['subscriptionId', 'licenseId', 'addonId', 'msisdn', 'quantity', 'name', 'description'] as const

function lineItemDetail(item: LineItem): string {
  const fields = item as unknown as Record<string, unknown>
  const parts = DETAIL_FIELDS.filter((name) => ['string', 'number'].includes(typeof fields[name])).map(
    (name) => `${name} ${String(fields[name])}`,
  )
  const subscriber = fields.subscriber as { name?: unknown } | undefined
  if (typeof subscriber?.name === 'string') parts.push(`subscriber ${subscriber.name}`)
  const sim = fields.sim as { esim?: unknown; iccid?: unknown } | undefined
  if (sim) parts.push(sim.esim ? 'eSIM' : `SIM ${typeof sim.iccid === 'string' ? sim.iccid : '(to ship)'}`)
  return parts.join(', ')
}

/** Orders: a table paged by the API's keyset cursor (filtered by status), and the order page. */
export async function orderRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/orders', { schema: { querystring: ListQuery } }, async (req, reply) => {
    const status = (req.query.status || undefined) as OrderStatus | undefined
    const result = await deps.orders.table(req.ctx, status ? { statuses: [status] } : {}, tablePage(req.query))
    const rows = result.items.map((o) => ({
      ...o,
      href: hrefOf('order', o.orderId),
      total: o.total ? formatMoney(o.total.amount, o.total.currency) : '—',
    }))
    return page(req, reply, 'orders', {
      title: 'Orders',
      rows,
      status: status ?? '',
      statuses: ORDER_STATUSES,
      pager: pager('/portal/orders', { status }, result),
    })
  })

  app.get('/orders/:orderId', { schema: { params: Params } }, async (req, reply) => {
    const order = await deps.orders.get(req.ctx, req.params.orderId)
    const created = order.createdEntities
    const link = (kind: string, id: unknown) => (typeof id === 'string' ? hrefOf(kind, id) : null)
    return page(req, reply, 'order', {
      title: `Order ${order.orderId}`,
      order,
      customerHref: link('customer', order.customer?.customerId),
      lineItems: order.lineItems.map((item) => ({
        ...item,
        offering: 'productOfferingId' in item ? item.productOfferingId : '',
        detail: lineItemDetail(item),
        validation: order.validation.lineItemValidation.find((v) => v.lineItemId === item.lineItemId),
      })),
      money: (amount: number) => formatMoney(amount, order.pricing?.currency),
      createdSubscriptions: (created?.subscriptions ?? []).map((s) => ({
        id: String(s.subscriptionId),
        label: String(s.msisdn ?? s.subscriptionId),
        status: String(s.status ?? ''),
        href: link('subscription', s.subscriptionId),
      })),
      createdCustomer: created?.customer
        ? { id: created.customer.customerId, href: link('customer', created.customer.customerId) }
        : null,
      createdOthers: created
        ? (['licenses', 'addons', 'topups', 'changes', 'externalItems'] as const)
            .map((kind) => ({ kind, count: created[kind]?.length ?? 0 }))
            .filter((c) => c.count > 0)
        : [],
    })
  })
}
