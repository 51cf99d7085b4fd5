import { BusinessRuleError, InvalidInputError, NotFoundError } from '../../domain/shared/errors.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import { parseEntityRef } from '../../domain/shared/ids.js'

/** A UUID or `rid_` id sent in a body, parsed; a malformed one is a 400 at `pointer`. */
export function bodyRef(value: string, pointer: string): EntityRef {
  try {
    return parseEntityRef(value)
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error
    throw new InvalidInputError(
      'request.invalid_id',
      `'${value}' must be a UUID or a reference prefixed with 'rid_'.`,
      { value },
      [{ path: pointer, message: 'must be a UUID or rid_<reference>' }],
    )
  }
}

/** A 404 of something named in a body becomes a 422 at its pointer: the request, not the URL, is wrong. */
const MISSING = { customer: 'customer.not_found', subscription: 'subscription.not_found' } as const

export function missingAt(resource: keyof typeof MISSING, value: string, pointer: string): (error: unknown) => never {
  return (error: unknown) => {
    if (error instanceof NotFoundError)
      throw new BusinessRuleError(MISSING[resource], `No ${resource} '${value}'.`, { [`${resource}Id`]: value }, [
        { path: pointer, message: `unknown ${resource}` },
      ])
    throw error
  }
}
