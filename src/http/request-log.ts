import type { FastifyReply, FastifyRequest } from 'fastify'
import { LogController } from 'fastify'

/**
 * Fastify's per-request log lines, as Openline writes them: one line per answered request, at
 * `info`, when it is answered (method, URL, the caller's address, the status and the time taken,
 * under the request's `reqId`, and the tenant and key once authenticated); the arrival line only
 * at `debug`, for tracing a request that never finishes. Fastify's own two lines at `info`, each
 * through its serializers, cost 17 to 19 % of a request's CPU (docs/performance.md, "Logging
 * cost"). Fastify's other lines (its error handler's, stream errors) are kept as they are.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: requestFields(request) }, 'incoming request')
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = {
      req: requestFields(request),
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    }
    // The request's logger, which authentication binds to the tenant and key (the reply's is not).
    if (error) request.log.error({ ...fields, err: error }, 'request errored')
    else request.log.info(fields, 'request completed')
  }
}

const requestFields = (request: FastifyRequest) => ({
  method: request.method,
  url: request.url,
  // Fastify's `req` serializer writes `ip` as `remoteAddress`.
  ip: request.ip,
})
