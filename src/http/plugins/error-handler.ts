import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorKind } from '../../domain/shared/errors.js'
import { DomainError } from '../../domain/shared/errors.js'
import type { ProblemBody } from '../problem.js'
import { unknownFieldMessage } from '../../domain/shared/strict.js'
import { problem } from '../problem.js'
import type { App } from '../types.js'

/** The single table from a domain error's kind to its HTTP status. */
const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  business_rule: 422,
}

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors'])
const LOCATIONS: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' }
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body)
}

export function installErrorHandling(app: App): void {
  app.setErrorHandler((error: FastifyError, req, reply) => sendProblem(reply, toProblem(error, req)))

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? req.url
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }))
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '))
      return sendProblem(
        reply,
        problem(
          405,
          'request.method_not_allowed',
          `${req.method} is not allowed on ${path}. Allowed: ${allowed.join(', ')}.`,
          req.id,
        ),
      )
    }
    return sendProblem(reply, problem(404, 'route.not_found', `There is no route ${req.method} ${path}.`, req.id))
  })
}

/** Classifies any error as a problem (the V2 facade renders the same classification in its own envelope). */
export function toProblem(error: FastifyError, req: FastifyRequest): ProblemBody {
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind]
    const extensions = Object.fromEntries(Object.entries(error.details).filter(([key]) => !RESERVED.has(key)))
    return problem(status, error.code, error.message, req.id, {
      ...extensions,
      ...(error.fieldErrors.length > 0 && { errors: error.fieldErrors }),
    })
  }
  if (error.validation) {
    const location = LOCATIONS[error.validationContext ?? 'body'] ?? 'body'
    const all = error.validation.map((issue) => {
      const params = issue.params as Record<string, unknown>
      const leaf = (params.missingProperty ?? params.additionalProperty ?? params.tag) as string | undefined
      const schema = req.routeOptions.schema?.[error.validationContext ?? 'body']
      return {
        path: `/${location}${issue.instancePath}${leaf ? `/${leaf}` : ''}`,
        message:
          issue.keyword === 'discriminator'
            ? discriminatorMessage(params, tagsAt(schema, issue.schemaPath))
            : issue.keyword === 'additionalProperties'
              ? unknownFieldMessage(String(leaf), Object.keys(schemaAt(schema, issue.schemaPath)?.properties ?? {}))
              : (issue.message ?? 'is invalid'),
      }
    })
    // A missing tag is reported by `required` and by the discriminator alike: say it once.
    const errors = all.filter((e, i) => all.findIndex((o) => o.path === e.path && o.message === e.message) === i)
    const detail = `The request ${location} is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`
    return problem(400, 'request.validation_failed', detail, req.id, { errors })
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'request.malformed_json', `The body is not valid JSON: ${error.message}`, req.id)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(
        400,
        'request.unsupported_media_type',
        `Send the body as application/json (got '${req.headers['content-type'] ?? 'none'}').`,
        req.id,
      )
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(
        413,
        'request.body_too_large',
        `The body is larger than the ${mebibytes(req.routeOptions.bodyLimit)} MiB limit.`,
        req.id,
      )
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && error.code?.startsWith('FST_ERR_CTP'))) {
    return problem(400, 'request.malformed_json', 'The body is not valid JSON.', req.id)
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return problem(error.statusCode, 'request.invalid', error.message, req.id)
  }
  req.log.error({ err: error }, 'unhandled error')
  return problem(
    500,
    'internal.error',
    'Something went wrong on our side. It has been logged; quote the requestId if you contact support.',
    req.id,
  )
}

/** A union's tag (a line item's `type`) that is missing, not a string, or names no shape of the union. */
function discriminatorMessage(params: Record<string, unknown>, tags: string[]): string {
  if (params.tagValue === undefined) return `must have required property '${String(params.tag)}'`
  if (params.error === 'mapping')
    return `must be one of ${tags.length > 0 ? tags.join(', ') : 'the known values'} (got ${JSON.stringify(params.tagValue)})`
  return 'must be a string'
}

/** The tags a discriminated union takes, read from the route's schema at the error's schema path (`#/properties/lineItems/items/discriminator`). */
function tagsAt(schema: unknown, schemaPath: string): string[] {
  const node = schemaAt(schema, schemaPath)
  const tag = (node?.discriminator as { propertyName?: string } | undefined)?.propertyName
  const shapes = Array.isArray(node?.oneOf)
    ? (node.oneOf as { properties?: Record<string, { const?: unknown }> }[])
    : []
  return tag
    ? shapes.flatMap((shape) =>
        typeof shape.properties?.[tag]?.const === 'string' ? [shape.properties[tag].const as string] : [],
      )
    : []
}

/** The schema holding the keyword an error's schema path ends in (`#/properties/schedule/additionalProperties`). */
function schemaAt(schema: unknown, schemaPath: string): SchemaNode | undefined {
  let node = schema as SchemaNode | undefined
  for (const segment of schemaPath.replace(/^#\//, '').split('/').slice(0, -1))
    node = node?.[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')] as SchemaNode | undefined
  return node
}

type SchemaNode = Record<string, unknown> & { properties?: Record<string, unknown> }

/** The route's body limit in MiB, for the 413 message (most routes: 1; imports: 4). */
const mebibytes = (bytes: number | undefined): string =>
  String(Math.round(((bytes ?? 1024 * 1024) / (1024 * 1024)) * 100) / 100)
