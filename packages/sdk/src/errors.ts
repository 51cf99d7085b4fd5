import type { ErrorCode } from './generated/codes.js'

export interface FieldError {
  /** JSON pointer to the field, prefixed by where it was: `/body/customer/name`, `/query/limit`. */
  path: string
  message: string
}

/**
 * An error answer of the API, from its RFC 9457 problem details (the Connect API) or its
 * `{code, message, requestId}` envelope (the V2 API). `code` is stable: branch on it, not on `detail`.
 */
export class OpenlineError extends Error {
  override readonly name = 'OpenlineError'
  readonly status: number
  /** A stable, dotted code (`customer.reference_taken`); `http.<status>` when the body was not a problem. */
  readonly code: ErrorCode | (string & {})
  readonly title: string
  readonly detail: string
  readonly errors: FieldError[]
  /** Quote it when asking for support; also the `X-Request-Id` header. */
  readonly requestId: string | undefined
  /** The parsed body as answered, with any extra fields (`retryAfterSeconds`, `differences`…). */
  readonly body: unknown
  readonly headers: Headers

  constructor(response: Pick<Response, 'status' | 'statusText' | 'headers'>, body: unknown) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
    const text = (key: string) => (typeof problem[key] === 'string' ? problem[key] : undefined)
    const detail = text('detail') ?? text('message') ?? (typeof body === 'string' && body ? body : response.statusText)
    super(`${response.status} ${text('code') ?? ''}: ${detail}`.replace(' : ', ': '))
    this.status = response.status
    this.code = text('code') ?? `http.${response.status}`
    this.title = text('title') ?? response.statusText
    this.detail = detail
    this.errors = Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : []
    this.requestId = text('requestId') ?? response.headers.get('x-request-id') ?? undefined
    this.body = body
    this.headers = response.headers
  }
}

/** No answer from the API after every retry: the network failed or the call timed out. */
export class OpenlineConnectionError extends Error {
  override readonly name = 'OpenlineConnectionError'
  constructor(
    message: string,
    /** Requests sent, the first one included. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
