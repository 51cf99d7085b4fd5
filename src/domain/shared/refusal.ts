import type { CodeWithStatus } from './error-codes.js'
import type { FieldError } from './errors.js'
import { BusinessRuleError, ConflictError } from './errors.js'

/**
 * Why a rule says no, as plain data: the error code, the HTTP status it answers with (409 when the
 * resource's state forbids it, 422 when the request breaks a business rule), the message and the
 * details the problem body carries. Pure rule functions return it; services throw it with `enforce`.
 */
export type Refusal = RefusalBody &
  ({ status: 409; code: CodeWithStatus<409> } | { status: 422; code: CodeWithStatus<422> })

interface RefusalBody {
  ok: false
  message: string
  details: Record<string, unknown>
  fieldErrors?: FieldError[]
}

export const OK = { ok: true } as const
/** A rule's answer: OK, or the refusal that says why not. */
export type Verdict = typeof OK | Refusal

export function refusalError(refusal: Refusal): ConflictError | BusinessRuleError {
  const { message, details, fieldErrors = [] } = refusal
  return refusal.status === 409
    ? new ConflictError(refusal.code, message, details, fieldErrors)
    : new BusinessRuleError(refusal.code, message, details, fieldErrors)
}

/** Throws the refusal, if it is one. */
export function enforce(verdict: Verdict): void {
  if (!verdict.ok) throw refusalError(verdict)
}
