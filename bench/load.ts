import { loadavg } from 'node:os'
import type { Request } from 'autocannon'
import autocannon from 'autocannon'

export interface Measurement {
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  requests: number
  /** Answers other than 2xx, and connection errors: a valid run has none. */
  non2xx: number
  errors: number
  /** The machine's 1-minute load average as the run started: the machine is shared. */
  loadAvg: number
}

/** Drives `request` at `url` from `connections` keep-alive connections for `seconds`. */
export async function measure(
  url: string,
  request: Request,
  seconds: number,
  connections: number,
): Promise<Measurement> {
  const loadAvg = loadavg()[0] ?? 0
  const result = await autocannon({ url, connections, duration: seconds, requests: [request] })
  return {
    reqPerSec: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    loadAvg: Math.round(loadAvg * 100) / 100,
  }
}

/** Sends one request (after its `setupRequest`) with fetch: the status and body, for checks and traces. */
export async function sendOnce(url: string, request: Request): Promise<{ status: number; body: string }> {
  const prepared = request.setupRequest
    ? request.setupRequest({ ...request, headers: { ...request.headers } }, {})
    : request
  const response = await fetch(`${url}${prepared.path ?? '/'}`, {
    method: prepared.method ?? 'GET',
    headers: prepared.headers ?? {},
    ...(prepared.body !== undefined && { body: prepared.body }),
  })
  return { status: response.status, body: await response.text() }
}
