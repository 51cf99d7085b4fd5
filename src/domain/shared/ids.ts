import { v7 as uuidv7 } from 'uuid'
import { InvalidInputError } from './errors.js'

/** Time-ordered UUIDs keep primary-key indexes append-friendly. */
export const newId = (): string => uuidv7()

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const REFERENCE_PREFIX = 'rid_'
export const MAX_REFERENCE_LENGTH = 255

export const isUuid = (value: string): boolean => UUID.test(value)

/** A path identifier: the entity's UUID, or the client's own reference after `rid_`. */
export type EntityRef = { kind: 'id'; id: string } | { kind: 'reference'; reference: string }

/**
 * Parses a path id the way the Connect API documents it: a UUID is looked up by id; `rid_X` is
 * looked up by the entity's client reference `X` (the prefix is stripped). Anything else is a 400.
 */
export function parseEntityRef(
  value: string,
  param = 'id',
  location: 'params' | 'query' | 'body' = 'params',
  pointer = `/${location}/${param}`,
): EntityRef {
  if (isUuid(value)) return { kind: 'id', id: value.toLowerCase() }
  if (value.startsWith(REFERENCE_PREFIX)) {
    const reference = value.slice(REFERENCE_PREFIX.length)
    if (reference.length > 0 && reference.length <= MAX_REFERENCE_LENGTH) return { kind: 'reference', reference }
  }
  throw new InvalidInputError(
    'request.invalid_id',
    `'${param}' must be a UUID or a reference prefixed with '${REFERENCE_PREFIX}' (at most ${MAX_REFERENCE_LENGTH} characters after it).`,
    { param },
    [{ path: pointer, message: 'must be a UUID or rid_<reference>' }],
  )
}

/** Renders a ref back for messages: the form the client sent. */
export const formatEntityRef = (ref: EntityRef): string =>
  ref.kind === 'id' ? ref.id : `${REFERENCE_PREFIX}${ref.reference}`
