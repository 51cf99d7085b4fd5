import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { App } from '../../types.js'

const require = createRequire(import.meta.url)

/** Everything the pages load, served by Openline itself (no CDN, no external font): it works offline. */
const ASSETS: Record<string, { type: string; file: string }> = {
  'portal.css': { type: 'text/css; charset=utf-8', file: new URL('../assets/portal.css', import.meta.url).pathname },
  'htmx.min.js': { type: 'text/javascript; charset=utf-8', file: require.resolve('htmx.org/dist/htmx.min.js') },
  'copy.js': { type: 'text/javascript; charset=utf-8', file: new URL('../assets/copy.js', import.meta.url).pathname },
}

export async function assetRoutes(app: App): Promise<void> {
  // Read once at start: a missing asset fails the start, not a page view.
  const bodies = new Map(
    Object.entries(ASSETS).map(([name, a]) => [name, { type: a.type, body: readFileSync(a.file) }]),
  )
  for (const [name, asset] of bodies)
    app.get(`/assets/${name}`, { config: { portalPublic: true } }, async (_req, reply) =>
      reply.type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body),
    )
}
