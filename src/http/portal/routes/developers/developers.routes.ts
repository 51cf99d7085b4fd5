import type { App } from '../../../types.js'
import type { PortalDeps } from '../../portal.plugin.js'
import { apiKeyPageRoutes } from './api-keys.routes.js'
import { eventPageRoutes } from './events.routes.js'
import { idempotencyKeyPageRoutes } from './idempotency-keys.routes.js'
import { jobPageRoutes } from './jobs.routes.js'
import { devPage } from './shared.js'
import { webhookDeliveryPageRoutes } from './webhook-deliveries.routes.js'
import { webhookPageRoutes } from './webhooks.routes.js'

/** The Developers area: API keys, webhooks, events, idempotency keys and failed jobs. */
export async function developerRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/developers', async (req, reply) => devPage(req, reply, 'index', { title: 'Developers' }))
  await app.register(apiKeyPageRoutes, deps)
  await app.register(webhookPageRoutes, deps)
  await app.register(webhookDeliveryPageRoutes, deps)
  await app.register(eventPageRoutes, deps)
  await app.register(idempotencyKeyPageRoutes, deps)
  await app.register(jobPageRoutes, deps)
}
