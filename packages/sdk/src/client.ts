import createClient from 'openapi-fetch'
import type { Client } from 'openapi-fetch'
import { OpenlineError } from './errors.js'
import type { paths } from './generated/schema.js'
import type { Resources } from './resources.js'
import { resources } from './resources.js'
import type { Fetch, RetryOptions } from './retry.js'
import { IDEMPOTENCY_HEADER, resilientFetch } from './retry.js'
import type { InitArgs, Item, ListPath, Method, Ok, PathOf } from './types.js'

export interface OpenlineOptions extends RetryOptions {
  /** `ol_live_…` or `ol_sandbox_…`. */
  apiKey: string
  /** Where the API is, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string
  /** Default: the global `fetch`. */
  fetch?: Fetch
  /** Sent with every request. */
  headers?: Record<string, string>
}

/**
 * The Connect API client. Every operation of the OpenAPI document is typed: `get`, `post`, `put`,
 * `patch` and `delete` take the document's path and answer its success body, or throw an
 * `OpenlineError`; `list` walks a keyset list; the resource groups (`customers`, `orders`,
 * `subscriptions`…) are shorthands for the tour's operations. Writes carry an idempotency key
 * and are retried with it (see `resilientFetch`).
 */
export class Openline {
  /** The openapi-fetch client underneath, for what the helpers leave out (e.g. `parseAs: 'blob'`). */
  readonly raw: Client<paths>

  constructor(options: OpenlineOptions) {
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { ...options.headers, 'x-api-key': options.apiKey },
      fetch: resilientFetch(options.fetch ?? ((request) => globalThis.fetch(request)), options),
    })
    const groups = resources(this)
    this.customers = groups.customers
    this.productOfferings = groups.productOfferings
    this.numbers = groups.numbers
    this.sims = groups.sims
    this.orders = groups.orders
    this.subscriptions = groups.subscriptions
    this.webhookEndpoints = groups.webhookEndpoints
    this.testClock = groups.testClock
  }

  /** Any operation: its method, its path as the document writes it, and its options. */
  request<M extends Method, P extends PathOf<M>>(method: M, path: P, ...[init]: InitArgs<P, M>): Promise<Ok<P, M>> {
    return this.send(method, path, init) as Promise<Ok<P, M>>
  }

  get<P extends PathOf<'get'>>(path: P, ...[init]: InitArgs<P, 'get'>): Promise<Ok<P, 'get'>> {
    return this.send('get', path, init) as Promise<Ok<P, 'get'>>
  }

  post<P extends PathOf<'post'>>(path: P, ...[init]: InitArgs<P, 'post'>): Promise<Ok<P, 'post'>> {
    return this.send('post', path, init) as Promise<Ok<P, 'post'>>
  }

  put<P extends PathOf<'put'>>(path: P, ...[init]: InitArgs<P, 'put'>): Promise<Ok<P, 'put'>> {
    return this.send('put', path, init) as Promise<Ok<P, 'put'>>
  }

  patch<P extends PathOf<'patch'>>(path: P, ...[init]: InitArgs<P, 'patch'>): Promise<Ok<P, 'patch'>> {
    return this.send('patch', path, init) as Promise<Ok<P, 'patch'>>
  }

  delete<P extends PathOf<'delete'>>(path: P, ...[init]: InitArgs<P, 'delete'>): Promise<Ok<P, 'delete'>> {
    return this.send('delete', path, init) as Promise<Ok<P, 'delete'>>
  }

  /**
   * Every item of a keyset list, page after page (`limit` per request, `cursor` from
   * `pagination.nextCursor`), fetched as the loop asks for them.
   */
  async *list<P extends ListPath>(path: P, ...[init]: InitArgs<P, 'get'>): AsyncGenerator<Item<P>, void, undefined> {
    const given = (init ?? {}) as { params?: { query?: Record<string, unknown> } }
    let cursor: string | undefined
    do {
      const options = { ...given, params: { ...given.params, query: { ...given.params?.query, cursor } } }
      const page = (await this.send('get', path, options)) as {
        items: Item<P>[]
        pagination: { nextCursor: string | null }
      }
      yield* page.items
      cursor = page.pagination.nextCursor ?? undefined
    } while (cursor !== undefined)
  }

  readonly customers: Resources['customers']
  readonly productOfferings: Resources['productOfferings']
  readonly numbers: Resources['numbers']
  readonly sims: Resources['sims']
  readonly orders: Resources['orders']
  readonly subscriptions: Resources['subscriptions']
  readonly webhookEndpoints: Resources['webhookEndpoints']
  readonly testClock: Resources['testClock']

  /** The types are checked at the public methods; here the call is plain. */
  private async send(method: string, path: string, init: unknown): Promise<unknown> {
    const { idempotencyKey, dryRun, headers, ...rest } = (init ?? {}) as Record<string, unknown> & {
      idempotencyKey?: string
      dryRun?: boolean
      headers?: Record<string, string>
    }
    const call = this.raw.request as unknown as (
      m: string,
      p: string,
      i: unknown,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
    const result = await call(method, path, {
      ...rest,
      headers: {
        ...headers,
        ...(idempotencyKey !== undefined && { [IDEMPOTENCY_HEADER]: idempotencyKey }),
        ...(dryRun === true && { prefer: 'dry-run' }),
      },
    })
    if (!result.response.ok) throw new OpenlineError(result.response, result.error)
    // A write whose preference a server (or a proxy) dropped was made for real: say so, loudly.
    const applied = /\bdry-run\b/i.test(result.response.headers.get('preference-applied') ?? '')
    if (dryRun === true && method.toLowerCase() !== 'get' && !applied)
      throw new Error(
        `${method.toUpperCase()} ${path} was not previewed (no Preference-Applied: dry-run): it was made.`,
      )
    return result.data
  }
}
