import { isDeepStrictEqual } from 'node:util'

/**
 * The last pass over the generated OpenAPI document, for client generators; it changes the
 * document only, never what a route validates or sends:
 *
 * - a schema with a PascalCase `title` (`Subscription`, `AddonCreateRequest`) is moved to
 *   `components/schemas/<title>` and referenced with `$ref` wherever it appears. Two different
 *   schemas with one title are a bug and stop the export;
 * - error bodies are declared `application/problem+json`, as the error handler sends them;
 * - a success response the route leaves undescribed is described from its schema's name.
 */

type Json = Record<string, unknown>
const NAME = /^[A-Z][A-Za-z0-9]*$/
const REF = '#/components/schemas/'

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

export function nameSchemas(document: Json): Json {
  const components = (document.components ?? {}) as Json
  const schemas = (components.schemas ?? {}) as Record<string, Json>
  const hoisted = new Map<string, Json>()

  // Request bodies are closed (unknown fields refused): a part shared with responses is named
  // `<title>Input` there, so `Address` (sent back) and `AddressInput` (accepted) both exist.
  const visit = (node: unknown, input = false): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, input))
    if (!isObject(node)) return node
    const copy = Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, visit(value, input || key === 'requestBody')]),
    )
    if (typeof copy.title !== 'string' || !NAME.test(copy.title)) return copy
    const title = input && !copy.title.endsWith('Request') ? `${copy.title}Input` : copy.title
    const known = hoisted.get(title)
    if (known !== undefined && !isDeepStrictEqual(known, copy))
      throw new Error(`Two different schemas are titled ${title}: give one of them another title.`)
    if (known === undefined && schemas[title] !== undefined)
      throw new Error(`The schema title ${title} is already a shared schema's $id.`)
    hoisted.set(title, copy)
    return { $ref: `${REF}${title}` }
  }

  const paths = visit(document.paths) as Json
  const shared = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, visitChildren(schema, (node) => visit(node))]),
  )
  const named = Object.fromEntries([...hoisted.entries()].sort(([a], [b]) => a.localeCompare(b)))
  for (const schema of Object.values(named)) mapDiscriminator(schema, named)
  for (const methods of Object.values(paths)) {
    for (const operation of Object.values(methods as Record<string, Json>)) {
      if (isObject(operation.responses)) describeResponses(operation, named)
    }
  }
  const sortedShared = Object.fromEntries(
    Object.entries({ ...shared, ...named }).sort(([a], [b]) => a.localeCompare(b)),
  )
  return { ...document, paths, components: { ...components, schemas: sortedShared } }
}

/** A shared (`$id`) schema stays where it is; its parts are named like any other. */
function visitChildren(schema: Json, visit: (node: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, visit(value)]))
}

const STATUS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No Content' }
const PROBLEM = `${REF}Problem`

function describeResponses(operation: Json, named: Record<string, Json>): void {
  const responses = operation.responses as Record<string, Json>
  for (const [status, response] of Object.entries(responses)) {
    const content = response.content as Record<string, { schema?: Json }> | undefined
    const json = content?.['application/json']
    if (status >= '400' && json?.schema?.$ref === PROBLEM) {
      const { ['application/json']: _json, ...others } = content as Record<string, unknown>
      response.content = { 'application/problem+json': json, ...others }
    }
    if (response.description === 'Default Response') {
      const what = describeSchema(json?.schema, named) ?? (operation.summary as string | undefined)
      response.description = `${STATUS_TEXT[status] ?? status}${what ? `: ${what}` : ''}.`
    }
  }
}

/** "the Subscription", "a page of OrderSummary", "a list of SubscriptionAddon". */
function describeSchema(schema: Json | undefined, named: Record<string, Json>): string | undefined {
  if (!schema) return undefined
  const refName = (value: unknown) =>
    isObject(value) && typeof value.$ref === 'string' ? value.$ref.slice(REF.length) : undefined
  const own = refName(schema)
  const resolved = own ? named[own] : schema
  const items = isObject(resolved?.properties) ? (resolved.properties as Json).items : undefined
  const element = isObject(items) ? refName(items.items) : undefined
  if (element) {
    const paged = isObject(resolved?.properties) && 'pagination' in (resolved.properties as Json)
    return `${paged ? 'a page of' : 'the list of'} ${element}`
  }
  return own ? `the ${own}` : undefined
}

/**
 * A `discriminator` over named branches gets its `mapping` (`SUBSCRIPTION` to
 * `SubscriptionLineItem`): without one, OpenAPI reads the branch's schema name as the tag value.
 * Document only: ajv's discriminator refuses a mapping.
 */
function mapDiscriminator(schema: Json, named: Record<string, Json>): void {
  const discriminator = schema.discriminator
  if (!isObject(discriminator) || !Array.isArray(schema.oneOf)) return
  const property = discriminator.propertyName as string
  const mapping: Record<string, string> = {}
  for (const branch of schema.oneOf as Json[]) {
    const ref = branch.$ref
    if (typeof ref !== 'string') return
    const tagSchema = (named[ref.slice(REF.length)]?.properties as Json | undefined)?.[property] as Json | undefined
    const tag =
      tagSchema?.const ??
      (Array.isArray(tagSchema?.enum) && tagSchema.enum.length === 1 ? tagSchema.enum[0] : undefined)
    if (typeof tag !== 'string') return
    mapping[tag] = ref
  }
  schema.discriminator = { ...discriminator, mapping }
}
