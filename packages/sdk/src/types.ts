import type { FetchResponse, MaybeOptionalInit } from 'openapi-fetch'
import type { HttpMethod, PathsWithMethod } from 'openapi-typescript-helpers'
import type { components, paths } from './generated/schema.js'

/**
 * Every type the SDK's hand-written layer names, in one place. They are read off the generated
 * document types (`paths`, `components`) by operation, so they follow `npm run sdk:generate`. When
 * a resource gets a name under `components/schemas`, point its alias at `Schema<'Name'>` here.
 */

export type { paths, components, operations } from './generated/schema.js'
export type { ErrorCode, EventType } from './generated/codes.js'

export type Method = HttpMethod
/** The document's paths that have this method. */
export type PathOf<M extends Method> = PathsWithMethod<paths, M>
/** A named schema of the document. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N]

/** The success body of an operation (its 2xx `application/json`). */
export type Ok<P extends PathOf<M>, M extends Method> = NonNullable<
  FetchResponse<paths[P][M] & Record<string | number, unknown>, object, 'application/json'>['data']
>
/** The JSON request body of an operation. */
export type Body<P extends PathOf<M>, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never
/** The query parameters of an operation. */
export type Query<P extends PathOf<M>, M extends Method> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never

/** What the SDK adds to openapi-fetch's per-call options. */
export interface CallOptions {
  /** Your own idempotency key for a write; without it the SDK makes one (reused by its retries). */
  idempotencyKey?: string
  /**
   * Preview a write (`Prefer: dry-run`): the server runs it in full and answers what it would
   * answer, status and body, then rolls it all back: no row, event, webhook or job is kept. The
   * writes of subscriptions (add-ons, top-ups, plan changes…), licenses and orders can be
   * previewed; any other write is refused with 400 `request.dry_run_unsupported`.
   */
  dryRun?: boolean
  signal?: AbortSignal
}

/** The options of one call: openapi-fetch's (`params`, `body`, `headers`…) plus `CallOptions`. */
export type Init<P extends PathOf<M>, M extends Method> = MaybeOptionalInit<paths[P], M> & CallOptions
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]
/** `init` is optional exactly when the operation needs no path parameter and no body. */
export type InitArgs<P extends PathOf<M>, M extends Method> =
  RequiredKeys<Init<P, M>> extends never ? [init?: Init<P, M>] : [init: Init<P, M>]

/** GET paths whose answer is a keyset page: `{items, pagination: {nextCursor}}`. */
export type ListPath = {
  [P in PathOf<'get'>]: Ok<P, 'get'> extends { items: unknown[]; pagination: { nextCursor: string | null } } ? P : never
}[PathOf<'get'>]
/** The item type of a list path. */
export type Item<P extends ListPath> = Ok<P, 'get'> extends { items: (infer T)[] } ? T : never

// --- Resources by name: the document's named schemas (components/schemas).

export type Problem = Schema<'Problem'>
export type Customer = Schema<'Customer'>
export type CustomerInput = Schema<'CreateCustomerRequest'>
export type ProductOffering = Schema<'ProductOffering'>
export type NumberLease = Ok<'/inventory/lease-numbers', 'post'>
export type LeaseNumbersInput = Schema<'LeaseNumbersRequest'>
export type PhoneNumber = Item<'/inventory/numbers'>
export type Sim = Schema<'Sim'>
export type Order = Schema<'Order'>
export type OrderInput = Schema<'CreateOrderRequest'>
export type OrderLineItemInput = NonNullable<OrderInput['lineItems']>[number]
export type PricedOrder = Ok<'/orders/{orderId}/calculate-price', 'post'>
export type Subscription = Schema<'Subscription'>
export type SubscriptionAddon = Schema<'SubscriptionAddon'>
export type AddAddonInput = Schema<'AddAddonRequest'>
export type ProductOfferingChangeInput = Schema<'PlanChangeRequest'>
export type WebhookEndpoint = Schema<'WebhookEndpoint'>
export type CreatedEntities = Schema<'CreatedEntities'>
export type TimelineItem = Schema<'TimelineItem'>
export type Event = Schema<'Event'>

export type V2AddOn = Schema<'V2AddOn'>
export type V2ErrorResponse = Schema<'V2ErrorResponse'>
export type V2AddAddOnInput = Schema<'V2AddOnRequest'>
export type V2ListAddOnsQuery = Query<'/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons', 'get'>
