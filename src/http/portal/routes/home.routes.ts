import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'
import { page } from '../page.js'

/** Home: counts that need attention and the latest events. */
export async function homeRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/', async (req, reply) => {
    const home = await deps.portalOverview.home(req.ctx)
    return page(req, reply, 'home', { title: 'Home', home })
  })
}
