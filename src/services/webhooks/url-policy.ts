import type { LookupFunction } from 'node:net'

/**
 * Where webhooks may go. `assertEndpointUrl` runs when an endpoint is created or its URL changes,
 * and again before every send (node skips `lookup` for a literal IP host); `lookup` is handed to
 * node:http(s) `request`, so every connection goes to an address it checked. The SSRF guard
 * (ssrf.ts) provides both.
 */
export interface UrlPolicy {
  assertEndpointUrl(url: string): void
  lookup?: LookupFunction
}
