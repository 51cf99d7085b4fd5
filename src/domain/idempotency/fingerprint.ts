import { createHash } from 'node:crypto'

/** The longest `X-Idempotency-Key` the Connect API accepts. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256
/** Keys expire after 24 hours, as the Connect API documents. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** How long an expired key's tombstone stays, so `GET /idempotency-keys/{key}` can say "expired". */
export const IDEMPOTENCY_TOMBSTONE_MS = 7 * 24 * 60 * 60 * 1000
/** A request holds its key this long; a claim older than this was left by a crash and may be taken over. */
export const IDEMPOTENCY_LOCK_MS = 60_000

export interface RequestFingerprint {
  method: string
  /** The route pattern, e.g. `/subscriptions/:subscriptionId/cancel`. */
  route: string
  paramsHash: string
  bodyHash: string
}

/** JSON with object keys sorted at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}` fingerprint alike. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null'
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

export function fingerprint(input: {
  method: string
  route: string
  params: unknown
  body: unknown
}): RequestFingerprint {
  return {
    method: input.method.toUpperCase(),
    route: input.route,
    paramsHash: sha256(canonicalJson(input.params ?? {})),
    bodyHash: sha256(canonicalJson(input.body ?? null)),
  }
}

/** Which parts of a request differ from the one that first used the key. */
export function fingerprintDifferences(
  stored: RequestFingerprint,
  incoming: RequestFingerprint,
): ('method' | 'path' | 'body')[] {
  const differences: ('method' | 'path' | 'body')[] = []
  if (stored.method !== incoming.method) differences.push('method')
  if (stored.route !== incoming.route || stored.paramsHash !== incoming.paramsHash) differences.push('path')
  if (stored.bodyHash !== incoming.bodyHash) differences.push('body')
  return differences
}
