import { Type } from 'typebox'
import type { ErrorCode } from '../domain/shared/error-codes.js'

/**
 * RFC 9457 problem details, the body of every error response:
 * `{type, title, status, detail, code, requestId, errors?}`. `code` is stable and machine-readable;
 * `errors` lists every bad field with its JSON-pointer path (`/body/customer/name`).
 */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the problem type: `urn:openline:problem:<code>`.' }),
    title: Type.String({ description: 'A short summary of the problem type.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    detail: Type.String({ description: 'What went wrong with this request, in words.' }),
    code: Type.String({ description: 'Stable, dotted error code, e.g. `idempotency.key_reused`.' }),
    requestId: Type.String({
      description: 'The request id (also in the X-Request-Id header); quote it when asking for support.',
    }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({
            description: 'JSON pointer to the field, prefixed by where it was: /body, /query, /params or /headers.',
          }),
          message: Type.String(),
        }),
      ),
    ),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    description: 'An RFC 9457 problem details body (application/problem+json).',
  },
)

export const ProblemRef = Type.Ref('Problem')

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed: bad JSON, a wrong content type, a schema violation or a bad id.',
  401: 'No API key, or an unknown or revoked one.',
  403: 'The API key lacks the scope this operation needs.',
  404: 'No such resource for this tenant.',
  405: 'The path exists but not with this method.',
  409: 'A state conflict, or an idempotency key reused or still in progress.',
  413: 'The body is larger than 1 MiB.',
  422: 'Well-formed, but it breaks a business rule.',
  500: 'An unexpected error. Quote the requestId.',
}

/** The shared error responses of a route, for its schema and so for the OpenAPI document. */
export function problemResponses(...statuses: number[]): Record<number, typeof ProblemRef> {
  const all = new Set([400, 401, 500, ...statuses])
  return Object.fromEntries(
    [...all].sort().map((status) => [status, Type.Ref('Problem', { description: DESCRIPTIONS[status] ?? 'Error.' })]),
  ) as Record<number, typeof ProblemRef>
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  requestId: string
  errors?: { path: string; message: string }[]
  [extra: string]: unknown
}

export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  requestId: string,
  extra: Partial<ProblemBody> = {},
): ProblemBody {
  return {
    type: `urn:openline:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    requestId,
    ...extra,
  }
}
