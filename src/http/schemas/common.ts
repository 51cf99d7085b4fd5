import type { TSchema } from 'typebox'
import { Type } from 'typebox'
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../domain/shared/paging.js'

/**
 * A timestamp in a response: services hand over Dates, the serialiser writes ISO 8601 UTC. Request
 * timestamps use `DateTimeInput`, which stays a string until a service reads it.
 */
export const DateTime = (options: { description?: string } = {}) =>
  Type.Unsafe<Date | string>({ type: 'string', format: 'date-time', ...options })
export const DateTimeInput = (options: { description?: string; examples?: string[] } = {}) =>
  Type.String({ format: 'date-time', ...options })
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A calendar date a client schedules by (`YYYY-MM-DD`), read in the tenant's time zone. */
export const CalendarDate = (options: { description?: string; examples?: string[] } = {}) =>
  Type.String({ format: 'date', examples: ['2024-03-01'], ...options })

/** An object with any properties (extensions, snapshots), typed as a record. */
export const FreeObject = (options: { description?: string } = {}) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options })

export const Metadata = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  additionalProperties: true,
  description: 'Key-value pairs for your own semi-structured data.',
  examples: [{ crmId: '12345' }],
})

/** A path id: the entity's UUID, or your own reference prefixed with `rid_`. */
export const EntityId = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 259,
    description: `${description} May be the entity's UUID or your own reference prefixed with \`rid_\` (e.g. \`rid_crm-12345\`).`,
  })

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_LIMIT,
      default: DEFAULT_PAGE_LIMIT,
      description: 'Items per page (1-1000).',
    }),
  ),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 2048, description: 'Opaque token: `nextCursor` from the previous page.' }),
  ),
  offset: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Older offset-style paging; answered with `total`. Prefer `cursor`.' }),
  ),
}

export const Pagination = Type.Object(
  {
    limit: Type.Integer(),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' })),
    offset: Type.Optional(Type.Integer()),
    total: Type.Optional(Type.Integer({ description: 'Only in offset-style paging.' })),
  },
  { title: 'Pagination' },
)

/** A page of items; `title` names it in the OpenAPI document (`SubscriptionPage`). */
export const PageOf = <T extends TSchema>(item: T, title?: string) =>
  Type.Object({ items: Type.Array(item), pagination: Pagination }, title ? { title } : {})
