import { Type } from 'typebox'
import { parseEntityRef } from '../../../domain/shared/ids.js'
import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'
import { hrefOf, page, RESOURCE_PAGES } from '../page.js'
import { pager, PORTAL_PAGE_SIZE, tablePage } from '../table.js'

const ListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
const Params = Type.Object({ customerId: Type.String({ maxLength: 300 }) })

RESOURCE_PAGES.customer = (id) => `/portal/customers/${encodeURIComponent(id)}`

/**
 * Customers: a table paged by the API's keyset cursor and searched by name or e-mail (the API's
 * `search` filter), and the customer page with its users, subscribers and subscriptions, each
 * read in one list call (the first 25 of each).
 */
export async function customerRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/customers', { schema: { querystring: ListQuery } }, async (req, reply) => {
    const search = req.query.search?.trim() || undefined
    const result = await deps.customers.list(req.ctx.tenant.id, search ? { search } : {}, tablePage(req.query))
    return page(req, reply, 'customers', {
      title: 'Customers',
      rows: result.items.map((c) => ({ ...c, href: hrefOf('customer', c.customerId) })),
      search: search ?? '',
      pager: pager('/portal/customers', { search }, result),
    })
  })

  app.get('/customers/:customerId', { schema: { params: Params } }, async (req, reply) => {
    const customer = await deps.customers.get(req.ctx.tenant.id, parseEntityRef(req.params.customerId, 'customerId'))
    const ref = { kind: 'id' as const, id: customer.customerId }
    const [subscribers, subscriptions] = await Promise.all([
      deps.subscribers.list(req.ctx.tenant.id, { customerIds: [customer.customerId] }, tablePage({})),
      deps.subscriptions.list(req.ctx, { customerIds: [ref] }, tablePage({})),
    ])
    return page(req, reply, 'customer', {
      title: `Customer ${customer.name}`,
      customer,
      subscribers: subscribers.items,
      subscriptions: subscriptions.items.map((s) => ({ ...s, href: hrefOf('subscription', s.subscriptionId) })),
      more: {
        subscribers: subscribers.pagination.nextCursor !== null,
        subscriptions: subscriptions.pagination.nextCursor !== null,
      },
      pageSize: PORTAL_PAGE_SIZE,
    })
  })
}
