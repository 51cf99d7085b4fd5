import { Type } from 'typebox'
import type { SearchHit } from '../../../persistence/repositories/portal-overview.repository.js'
import type { App } from '../../types.js'
import type { PortalDeps } from '../portal.plugin.js'
import { hrefOf, page } from '../page.js'

const SearchQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) })

/** Search from every page: one hit with a page opens it, several are listed. */
export async function searchRoutes(app: App, deps: PortalDeps): Promise<void> {
  app.get('/search', { schema: { querystring: SearchQuery } }, async (req, reply) => {
    const q = req.query.q ?? ''
    const hits = (await deps.portalOverview.search(req.ctx, q)).map((hit: SearchHit) => ({
      ...hit,
      href: hrefOf(hit.kind, hit.id),
    }))
    const [only] = hits
    if (hits.length === 1 && only?.href) return reply.code(303).header('location', only.href).send()
    return page(req, reply, 'search', { title: q ? `Search: ${q}` : 'Search', hits })
  })
}
