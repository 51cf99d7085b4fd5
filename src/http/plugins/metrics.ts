import { Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Metric } from 'prom-client'
import type { App } from '../types.js'

/**
 * Prometheus metrics at `/metrics`: process metrics plus a request-duration histogram by method,
 * route pattern and status (the route pattern, never the raw URL, keeps label cardinality bounded),
 * and the metrics other parts hand in (webhook deliveries).
 */
export function installMetrics(app: App, more: Metric[] = []): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const metric of more) registry.registerMetric(metric)
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched')
    if (route !== '/metrics')
      duration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
    done()
  })
  app.get('/metrics', { schema: { hide: true }, config: { auth: 'none' } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  )
  return registry
}
