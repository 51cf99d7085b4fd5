import type { LookupFunction } from 'node:net'

/**
 * Where webhooks may go. `assertEndpointUrl` runs when an endpoint is created or its URL changes;
 * `lookup` is handed to node:http(s) `request`, so every connection goes to an address it checked.
 * The SSRF guard (ssrf.ts) provides both; without it, every address is allowed.
 */
export interface UrlPolicy {
  assertEndpointUrl(url: string): void
  lookup?: LookupFunction
}

export const allowAllUrls: UrlPolicy = { assertEndpointUrl: () => undefined }
