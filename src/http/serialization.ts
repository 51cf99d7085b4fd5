import fastJsonStringify from 'fast-json-stringify'
import type { Options } from 'fast-json-stringify'
import { compiledOnFirstUse } from './compile-lazily.js'

/**
 * Fastify's own response serializer (fast-json-stringify, as `@fastify/fast-json-stringify-compiler`
 * builds it), with one change to the schema it compiles: a nullable string, `anyOf: [{type:
 * 'string', …}, {type: 'null'}]` as TypeBox's `Nullable` writes it, becomes `type: ['string', 'null']`.
 * The output is the same, but an `anyOf` makes fast-json-stringify run Ajv on every value to pick
 * a branch: a `date-time` regex per nullable timestamp per response (about 7 µs of a read by id,
 * docs/performance.md "The frame, profiled"). The routes' schemas, and so the OpenAPI document,
 * are untouched: only the serializer's copy is rewritten. Each is compiled on the first response it
 * serialises (`compile-lazily.ts`).
 */
export function buildSerializer(externalSchemas: unknown, serializerOpts: unknown) {
  const external = externalSchemas
    ? (nullableAsTypeList(externalSchemas) as Record<string, Options['schema']>)
    : undefined
  return ({ schema: routeSchema }: { schema?: unknown }) => {
    const schema = routeSchema as { $id?: string }
    const options = { ...(serializerOpts as Options), ...(external && { schema: { ...external } }) } as Options
    // As the default compiler does: a route schema that is also a shared one is not its own external.
    if (options.schema && schema.$id && options.schema[schema.$id]) delete options.schema[schema.$id]
    return compiledOnFirstUse(() => fastJsonStringify(nullableAsTypeList(schema) as object, options))
  }
}

const isNullType = (node: unknown): boolean =>
  typeof node === 'object' &&
  node !== null &&
  Object.keys(node).length === 1 &&
  (node as { type?: unknown }).type === 'null'

/** A copy of `node` where each nullable plain string is a type list (see above). */
export function nullableAsTypeList(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsTypeList)
  if (typeof node !== 'object' || node === null) return node
  const source = node as Record<string, unknown>
  const anyOf = source.anyOf
  if (Array.isArray(anyOf) && anyOf.length === 2 && isNullType(anyOf[1])) {
    const text = anyOf[0] as Record<string, unknown>
    if (typeof text === 'object' && text !== null && text.type === 'string' && !('anyOf' in text || 'oneOf' in text)) {
      const { anyOf: _anyOf, ...rest } = source
      return { ...rest, ...text, type: ['string', 'null'] }
    }
  }
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(source)) copy[key] = nullableAsTypeList(value)
  return copy
}
