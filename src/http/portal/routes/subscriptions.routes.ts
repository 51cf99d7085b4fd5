import { Type } from 'typebox'
import type { SubscriptionStatus } from '../../../domain/subscriptions/status.js'
import { SUBSCRIPTION_STATUSES } from '../../../domain/subscriptions/status.js'
import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'
import { hrefOf, page } from '../page.js'
import { pager, tablePage } from '../table.js'

const ListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal(''), ...SUBSCRIPTION_STATUSES.map((s) => Type.Literal(s))])),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

/** Subscriptions: a table paged by the API's keyset cursor, filtered by status. */
export async function subscriptionListRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/subscriptions', { schema: { querystring: ListQuery } }, async (req, reply) => {
    const status = (req.query.status || undefined) as SubscriptionStatus | undefined
    const result = await deps.subscriptions.list(req.ctx, status ? { statuses: [status] } : {}, tablePage(req.query))
    const rows = result.items.map((s) => ({ ...s, href: hrefOf('subscription', s.subscriptionId) }))
    return page(req, reply, 'subscriptions', {
      title: 'Subscriptions',
      rows,
      status: status ?? '',
      statuses: SUBSCRIPTION_STATUSES,
      pager: pager('/portal/subscriptions', { status }, result),
    })
  })
}
