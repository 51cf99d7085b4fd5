import type { TenantSettingsService, TenantView } from '../../../services/tenant-settings.service.js'
import { problemResponses } from '../../problem.js'
import { respond } from '../../respond.js'
import type { App } from '../../types.js'
import { Tenant, UpdateTenantBody } from './tenant.schemas.js'

const tags = ['tenant']
const same = (view: TenantView) => view

/** The calling tenant: its time zone and settings (issue 2: the admin scope manages tenant settings). */
export async function tenantRoutes(
  app: App,
  { tenantSettings }: { tenantSettings: TenantSettingsService },
): Promise<void> {
  app.get(
    '/tenant',
    {
      schema: {
        operationId: 'getTenant',
        tags,
        summary: 'Get your tenant and its settings',
        description: 'Settings show what was set; a setting left out takes its default.',
        response: { 200: Tenant, ...problemResponses(403) },
      },
    },
    async (req) => tenantSettings.get(req.ctx),
  )

  app.patch(
    '/tenant',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'updateTenant',
        tags,
        summary: 'Change your tenant’s time zone or settings',
        description:
          'Settings merge key by key: a value sets the key, `null` removes it, a key left out stays. An unknown key is a 400 naming it. Emits `tenant.updated`.',
        body: UpdateTenantBody,
        response: { 200: Tenant, ...problemResponses(403) },
      },
    },
    (req, reply) => respond(req, reply, 200, same, () => tenantSettings.update(req.ctx, req.body)),
  )
}
