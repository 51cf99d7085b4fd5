import type { FastifyBaseLogger } from 'fastify'
import pino from 'pino'
import type { App } from './types.js'

/**
 * One log line per request, at `info`, when it is answered: method, URL, the caller's address, the
 * status and the time taken, under the request's `reqId` (and the tenant and key once
 * authenticated). Fastify's own request logging (turned off in `buildApp`) writes two lines, one on
 * arrival and one on the answer, each through its serializers: logging at `info` cost 17 to 19 % of
 * a request's CPU that way (docs/performance.md, "Logging cost"). The arrival line is kept at
 * `debug`, for tracing a request that never finishes. At `warn` and above no hook is installed.
 */
export function installRequestLog(app: App, logger: FastifyBaseLogger): void {
  if (enabled(logger, 'debug')) {
    app.addHook('onRequest', (req, _reply, done) => {
      req.log.debug({ req: { method: req.method, url: req.url, remoteAddress: req.ip } }, 'incoming request')
      done()
    })
  }
  if (!enabled(logger, 'info')) return
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info(
      {
        req: { method: req.method, url: req.url, remoteAddress: req.ip },
        res: { statusCode: reply.statusCode },
        responseTime: reply.elapsedTime,
      },
      'request completed',
    )
    done()
  })
}

/** Whether `logger` writes lines of `level` ('silent' writes none). */
function enabled(logger: FastifyBaseLogger, level: 'debug' | 'info'): boolean {
  const threshold = pino.levels.values[logger.level]
  return threshold !== undefined && pino.levels.values[level]! >= threshold
}
