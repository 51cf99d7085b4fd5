import { Type } from 'typebox'
import { EVENT_TYPES } from '../../../../domain/webhooks/event-types.js'
import type { App } from '../../../types.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { pager, tablePage } from '../../table.js'
import { DEVELOPERS, devPage } from './shared.js'

const EVENTS = `${DEVELOPERS}/events`
const ListQuery = Type.Object({
  type: Type.Optional(Type.String({ maxLength: 100 })),
  resourceId: Type.Optional(Type.String({ maxLength: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

/**
 * The events explorer: the tenant's events, filtered by type and resource id, 25 a page by the
 * API's keyset cursor (`events.list`, as `GET /events`); each event's JSON in a `<pre>`, escaped.
 */
export async function eventPageRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/developers/events', { schema: { querystring: ListQuery } }, async (req, reply) => {
    const type = req.query.type?.trim() || undefined
    const resourceId = req.query.resourceId?.trim() || undefined
    const result = await deps.events.list(
      req.ctx.tenant.id,
      { ...(type && { types: [type] }), ...(resourceId && { resourceId }) },
      tablePage(req.query),
    )
    return devPage(req, reply, 'events', {
      title: 'Events',
      type: type ?? '',
      resourceId: resourceId ?? '',
      types: EVENT_TYPES.map((t) => t.type),
      rows: result.items.map((e) => ({ ...e, json: JSON.stringify(e, null, 2) })),
      pager: pager(EVENTS, { type, resourceId }, result),
    })
  })
}
