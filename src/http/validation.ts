import { Ajv } from 'ajv'
import type { Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'
import { closeObjects } from '../domain/shared/strict.js'
import { validatorOnFirstUse } from './compile-lazily.js'

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

const shared: Options = {
  allErrors: true,
  useDefaults: true,
  removeAdditional: false,
  strict: false,
  discriminator: true,
}

/**
 * Two validators. Query strings, path params and headers arrive as text, so they are coerced
 * (`limit=5` is a number, one `status=A` is an array). JSON bodies are not: `{"label": 7}` is a
 * 400, never quietly the string "7". Every error is reported, not only the first. A `oneOf` with
 * a `discriminator` (order line items by `type`) is checked against the shape its tag names only.
 * Each is compiled on its route's first request (`compile-lazily.ts`).
 */
const byPart = {
  body: addFormats(new Ajv({ ...shared, coerceTypes: false })),
  coerced: addFormats(new Ajv({ ...shared, coerceTypes: 'array' })),
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  validatorOnFirstUse(() =>
    (httpPart === 'body' ? byPart.body : byPart.coerced).compile(schema as object),
  ) as ReturnType<FastifySchemaCompiler<FastifySchema>>

/**
 * A route's schema with its body and query string closed (`closeObjects`): a field or parameter
 * the schema does not name is a 400 naming it, at any depth; objects documented as free-form
 * (`metadata`) stay open. Path params and headers are left as they are (every request carries
 * headers no route lists). Applied as each route is added, so the OpenAPI document says it too.
 */
export function strictRequestSchema(schema: FastifySchema): FastifySchema {
  return {
    ...schema,
    ...(schema.body !== undefined && { body: closeObjects(schema.body) }),
    // A route that takes no query parameters refuses any, like a route that lists some.
    querystring: schema.querystring !== undefined ? closeObjects(schema.querystring) : NO_QUERY,
  }
}

const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const
