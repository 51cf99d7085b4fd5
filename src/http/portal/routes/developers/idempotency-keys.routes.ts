import { Type } from 'typebox'
import type { App } from '../../../types.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { devPage } from './shared.js'

const Query = Type.Object({ key: Type.Optional(Type.String({ maxLength: 256 })) })

/** What Openline knows of one of the tenant's idempotency keys: `idempotency.status`, as `GET /idempotency-keys/{key}`. */
export async function idempotencyKeyPageRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/developers/idempotency-keys', { schema: { querystring: Query } }, async (req, reply) => {
    const key = req.query.key?.trim() ?? ''
    const status = key ? await deps.idempotency.status(req.ctx.tenant.id, key) : null
    return devPage(req, reply, 'idempotency-keys', { title: 'Idempotency keys', key, status })
  })
}
