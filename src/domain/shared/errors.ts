import type { CodeWithStatus, ErrorCode, NotFoundResource } from './error-codes.js'

/**
 * Domain errors carry a stable, dotted, snake_case `code` (`subscription.not_active`) and structured
 * `details`. The HTTP layer maps each class to one status (see http/plugins/error-handler.ts); each
 * class takes only the codes that error-codes.ts lists with that status, so a typo fails typecheck.
 */
export type FieldError = { path: string; message: string }

export abstract class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  abstract readonly kind: ErrorKind
  constructor(
    readonly code: C,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message)
    this.name = new.target.name
  }
}

export type ErrorKind =
  'invalid_input' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'business_rule' | 'payload_too_large'

/** The request is malformed (bad id, bad cursor, bad header): 400. */
export class InvalidInputError extends DomainError<CodeWithStatus<400>> {
  readonly kind = 'invalid_input'
}

/** No, unknown or revoked credentials: 401. */
export class UnauthenticatedError extends DomainError<CodeWithStatus<401>> {
  readonly kind = 'unauthenticated'
}

/** Valid credentials without the scope or mode the operation needs: 403. */
export class ForbiddenError extends DomainError<CodeWithStatus<403>> {
  readonly kind = 'forbidden'
}

/** Absent, or owned by another tenant (the two are indistinguishable on purpose): 404. */
export class NotFoundError extends DomainError<CodeWithStatus<404>> {
  readonly kind = 'not_found'
  constructor(resource: NotFoundResource, id: string, details: Record<string, unknown> = {}) {
    super(`${resource}.not_found`, `No ${resource.replaceAll('_', ' ')} with id '${id}'.`, { resource, id, ...details })
  }
}

/** The resource is in a state that does not allow the operation, or a concurrent write won: 409. */
export class ConflictError extends DomainError<CodeWithStatus<409>> {
  readonly kind = 'conflict'
}

/** Well-formed but breaks a business rule: 422. */
export class BusinessRuleError extends DomainError<CodeWithStatus<422>> {
  readonly kind = 'business_rule'
}

/** The request is larger than its route takes (an uploaded file over its limit): 413. */
export class PayloadTooLargeError extends DomainError<CodeWithStatus<413>> {
  readonly kind = 'payload_too_large'
}
