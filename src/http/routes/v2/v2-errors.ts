import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { ErrorCode } from '../../../domain/shared/error-codes.js'
import type { ProblemBody } from '../../problem.js'
import { problem } from '../../problem.js'
import { toProblem } from '../../plugins/error-handler.js'
import type { App } from '../../types.js'

/**
 * The V2 API's ErrorResponse (seed 003 names it, without its fields): `{code, message, requestId,
 * errors?}`. The codes and field paths are the Connect API's, so support reads both alike; only the
 * envelope differs. The Connect API keeps its problem+json: this mapping is installed on the V2
 * plugin's own context.
 */
export const V2ErrorResponse = Type.Object(
  {
    code: Type.String({ description: 'Stable, dotted error code, e.g. `subscription.not_found`.' }),
    message: Type.String({ description: 'What went wrong, in words.' }),
    requestId: Type.String({
      description: 'The request id (also in the X-Request-Id header); quote it when asking for support.',
    }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({
            description:
              'JSON pointer to the field, prefixed by where it was: /body, /query or /params (`/body/catalogue_add_on_id`).',
          }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'V2ErrorResponse', title: 'ErrorResponse', description: 'The body of every V2 error response.' },
)

export interface V2ErrorBody {
  code: string
  message: string
  requestId: string
  errors?: { path: string; message: string }[]
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: a schema violation, a malformed date or filter, or a catalogue add-on that cannot be added to this subscription.',
  401: 'No credentials, or a token that is expired, wrongly signed, or for another audience or issuer.',
  403: 'Forbidden access: the token or key lacks the scope (`add_ons:write` to add or deactivate).',
  404: 'No such org (or one the credentials may not use), subscription or add-on.',
  409: 'A conflict with the add-on’s state or with an earlier add using the same id.',
  500: 'Internal server error. Quote the requestId.',
}

export function v2ErrorResponses(...statuses: number[]): Record<number, ReturnType<typeof Type.Ref>> {
  const all = new Set([400, 401, 403, 404, 500, ...statuses])
  return Object.fromEntries(
    [...all]
      .sort()
      .map((status) => [status, Type.Ref('V2ErrorResponse', { description: DESCRIPTIONS[status] ?? 'Error.' })]),
  )
}

/**
 * The V2 API has no 422 (its errors are 400, 403, 404, 500): a business rule the request itself
 * breaks (an unknown, non-add-on, archived or non-fitting catalogue add-on) is a 400; one the
 * subscription's or add-on's state breaks (a limit reached, a cancelled subscription, an add-on no
 * longer attached) is a 409.
 */
const REQUEST_RULES = new Set<ErrorCode>([
  'product_offering.not_found',
  'addon.offering_not_an_addon',
  'addon.offering_archived',
  'addon.incompatible_with_plan',
])

/** Connect field names in errors the add-on services raise, as the V2 request spells them. */
const V2_PATHS: Record<string, string> = {
  '/body/productOfferingId': '/body/catalogue_add_on_id',
  '/body/scheduledAt': '/body/activation_date',
  '/body/subscriptionAddonId': '/params/addonId',
}

export function toV2Error(body: ProblemBody): { status: number; body: V2ErrorBody } {
  const status = body.status === 422 ? (REQUEST_RULES.has(body.code) ? 400 : 409) : body.status
  const errors = body.errors?.map((e) => ({ path: V2_PATHS[e.path] ?? e.path, message: e.message }))
  return {
    status,
    body: { code: body.code, message: body.detail, requestId: body.requestId, ...(errors && { errors }) },
  }
}

export function sendV2Error(req: FastifyRequest, reply: FastifyReply, problemBody: ProblemBody): FastifyReply {
  const { status, body } = toV2Error(problemBody)
  if (status === 401)
    reply.header(
      'www-authenticate',
      `Bearer realm="openline"${req.headers.authorization ? ', error="invalid_token"' : ''}`,
    )
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

/** Every error under /v2, in the V2 envelope: the same classification as the Connect API, another body. */
export function installV2Errors(app: App): void {
  app.setErrorHandler((error: FastifyError, req, reply) => sendV2Error(req, reply, toProblem(error, req)))
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? req.url
    return sendV2Error(req, reply, problem(404, 'route.not_found', `There is no route ${req.method} ${path}.`, req.id))
  })
}
