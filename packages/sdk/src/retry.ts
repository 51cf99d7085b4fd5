import { OpenlineConnectionError } from './errors.js'

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
export const IDEMPOTENCY_HEADER = 'x-idempotency-key'

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** Per attempt. Default 60 s. */
  timeoutMs?: number
  /** Backoff: the first delay and the cap, before jitter. Defaults 500 ms and 8 s. */
  retryDelayMs?: { initial?: number; max?: number }
  /** Longest `Retry-After` honoured; a longer one ends the retries. Default 60 s. */
  maxRetryAfterMs?: number
  /** Seams for tests: how to wait, and the jitter's source. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

export type Fetch = (input: Request) => Promise<Response>

/**
 * Wraps `fetch` with what every Openline call needs: an `X-Idempotency-Key` on each write that
 * lacks one (a UUID), and retries that send the very same request again, key included, so the
 * server answers a retried write with the stored response instead of doing it twice. Retried: a
 * network error or timeout, 429, 5xx, and 409 `idempotency.request_in_progress` (after its
 * `Retry-After`). Backoff is exponential with jitter, bounded by `maxRetries` and `retryDelayMs.max`.
 */
export function resilientFetch(fetch: Fetch, options: RetryOptions = {}): Fetch {
  const maxRetries = options.maxRetries ?? 2
  const timeoutMs = options.timeoutMs ?? 60_000
  const initial = options.retryDelayMs?.initial ?? 500
  const cap = options.retryDelayMs?.max ?? 8_000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const random = options.random ?? Math.random

  return async (request) => {
    if (WRITES.has(request.method) && !request.headers.has(IDEMPOTENCY_HEADER))
      request.headers.set(IDEMPOTENCY_HEADER, crypto.randomUUID())
    for (let attempt = 0; ; attempt++) {
      const backoff = Math.min(cap, initial * 2 ** attempt) * (0.5 + random() / 2)
      let response: Response
      try {
        response = await fetchWithTimeout(fetch, request.clone(), timeoutMs)
      } catch (error) {
        // The caller's own abort is final; a timeout or a failed connection is retried.
        if (request.signal.aborted || attempt >= maxRetries) {
          if (request.signal.aborted) throw error
          throw new OpenlineConnectionError(
            `${request.method} ${request.url} failed after ${attempt + 1} attempt(s): ${String(error)}`,
            attempt + 1,
            { cause: error },
          )
        }
        await sleep(backoff)
        continue
      }
      if (attempt >= maxRetries || !(await retryable(response))) return response
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoff
      if (wait > maxRetryAfterMs) return response
      await response.body?.cancel()
      await sleep(wait)
    }
  }
}

async function fetchWithTimeout(fetch: Fetch, request: Request, timeoutMs: number): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs)
  return fetch(new Request(request, { signal: AbortSignal.any([request.signal, timeout]) }))
}

async function retryable(response: Response): Promise<boolean> {
  if (response.status === 429 || response.status >= 500) return true
  if (response.status !== 409) return false
  try {
    const body = (await response.clone().json()) as { code?: unknown }
    return body.code === 'idempotency.request_in_progress'
  } catch {
    return false
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = new Date()): number | undefined {
  if (header === null || header.trim() === '') return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}
