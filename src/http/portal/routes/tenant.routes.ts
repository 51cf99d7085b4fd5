import { Type } from 'typebox'
import { NotFoundError } from '../../../domain/shared/errors.js'
import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'

const SwitchBody = Type.Object({ tenantId: Type.String({ maxLength: 100 }), _csrf: Type.String({ maxLength: 200 }) })

/** The tenant switcher: an operator holding several tenants looks at one at a time. */
export async function tenantRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.post('/tenant', { schema: { body: SwitchBody }, config: { portalRole: 'viewer' } }, async (req, reply) => {
    if (!req.portal || !(await deps.portalSessions.switchTenant(req.portal, req.body.tenantId)))
      throw new NotFoundError('tenant', req.body.tenantId)
    return reply.code(303).header('location', '/portal').send()
  })
}
