import createClient from 'openapi-fetch'
import type { Client } from 'openapi-fetch'
import { OpenlineError } from './errors.js'
import type { paths } from './generated/schema.js'
import type { Fetch, RetryOptions } from './retry.js'
import { IDEMPOTENCY_HEADER, resilientFetch } from './retry.js'
import type { CallOptions, V2AddAddOnInput, V2AddOn, V2ListAddOnsQuery } from './types.js'

export interface OpenlineV2Options extends RetryOptions {
  /** A bearer JWT with `orgs` holding `org` and `scope` `add_ons:read` (and `add_ons:write` to change). */
  token: string
  baseUrl: string
  /** The org (the tenant's `v2Org` setting, else its name). */
  org: string
  fetch?: Fetch
}

type Deactivate = NonNullable<
  paths['/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons/{addonId}/deactivate']['post']['requestBody']
>['content']['application/json']

/**
 * The V2 add-ons API (`/v2/orgs/{org}/…`, snake_case) with a bearer token. Errors are thrown as
 * `OpenlineError` too (`message` becomes `detail`); writes carry an idempotency key and retry like
 * the Connect client's.
 */
export class OpenlineV2 {
  readonly raw: Client<paths>
  readonly org: string

  constructor(options: OpenlineV2Options) {
    this.org = options.org
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${options.token}` },
      fetch: resilientFetch(options.fetch ?? ((request) => globalThis.fetch(request)), options),
    })
  }

  /** The add-ons of one subscription (its UUID). */
  addOns(subscriptionId: string) {
    const base = { org: this.org, subscriptionId }
    const raw = this.raw
    const key = (options?: CallOptions) => ({
      ...(options?.idempotencyKey !== undefined && { headers: { [IDEMPOTENCY_HEADER]: options.idempotencyKey } }),
      ...(options?.signal && { signal: options.signal }),
    })
    return {
      /** Every add-on, page after page (offset paging, as V2 does). */
      async *list(query: Omit<V2ListAddOnsQuery, 'offset'> = {}): AsyncGenerator<V2AddOn, void, undefined> {
        for (let offset = 0; ;) {
          const page = ok(
            await raw.GET('/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons', {
              params: { path: base, query: { ...query, offset } },
            }),
          )
          yield* page.items
          offset += page.items.length
          if (page.items.length === 0 || offset >= page.total) return
        }
      },
      add: async (body: V2AddAddOnInput, options?: CallOptions): Promise<V2AddOn> =>
        ok(
          await raw.POST('/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons', {
            params: { path: base },
            body,
            ...key(options),
          }),
        ),
      get: async (addonId: string): Promise<V2AddOn> =>
        ok(
          await raw.GET('/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons/{addonId}', {
            params: { path: { ...base, addonId } },
          }),
        ),
      /** 202: the deactivation has started (no body); `get` shows its progress. */
      deactivate: async (addonId: string, body: Deactivate, options?: CallOptions): Promise<void> => {
        const result = await raw.POST('/v2/orgs/{org}/subscriptions/{subscriptionId}/add_ons/{addonId}/deactivate', {
          params: { path: { ...base, addonId } },
          body,
          ...key(options),
        })
        if (!result.response.ok) throw new OpenlineError(result.response, result.error)
      },
    }
  }
}

function ok<T>(result: { data?: T; error?: unknown; response: Response }): NonNullable<T> {
  if (!result.response.ok || result.data === undefined || result.data === null)
    throw new OpenlineError(result.response, result.error)
  return result.data
}
