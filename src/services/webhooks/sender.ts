import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'

/** The first bytes of an answer that an attempt keeps. */
export const KEPT_RESPONSE_BYTES = 2048
/** Openline reads no more of an answer than this before it hangs up. */
const READ_LIMIT_BYTES = 64 * 1024

const version = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string
    }
    return pkg.version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
})()

export const USER_AGENT = `Openline/${version} (webhooks; +https://www.standardwebhooks.com)`

export interface SendResult {
  /** Absent when no answer came (refused, timed out, blocked address). */
  statusCode?: number
  body?: string
  retryAfter?: string
  error?: string
  durationMs: number
}

export interface SenderOptions {
  timeoutMs: number
  maxSockets: number
  /** The SSRF guard's checked resolver; node's own when absent. */
  lookup?: LookupFunction
}

/**
 * POSTs one delivery with node:http(s). Redirects are never followed (a 3xx is a failure), the
 * whole exchange has one deadline, and the connection goes to the address `lookup` returned, so a
 * checked name cannot be re-resolved elsewhere (DNS rebinding). Keep-alive agents reuse sockets.
 */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent }

  constructor(private readonly options: SenderOptions) {
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    }
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    return new Promise((resolve) => {
      let settled = false
      const finish = (result: Omit<SendResult, 'durationMs'>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve({ ...result, durationMs: elapsed() })
      }
      let target: URL
      try {
        target = new URL(url)
      } catch {
        finish({ error: 'invalid URL' })
        return
      }
      const secure = target.protocol === 'https:'
      const request = (secure ? https : http).request(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: secure ? this.agents.https : this.agents.http,
        ...(this.options.lookup && { lookup: this.options.lookup }),
      })
      const timer = setTimeout(() => {
        finish({ error: `timed out after ${this.options.timeoutMs} ms` })
        request.destroy()
      }, this.options.timeoutMs)
      request.on('error', (error: NodeJS.ErrnoException) => finish({ error: describe(error) }))
      request.on('response', (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const done = () =>
          finish({
            statusCode: response.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, KEPT_RESPONSE_BYTES).toString('utf8'),
            ...(typeof response.headers['retry-after'] === 'string' && { retryAfter: response.headers['retry-after'] }),
          })
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size <= READ_LIMIT_BYTES) chunks.push(chunk)
          else {
            done()
            response.destroy()
          }
        })
        response.on('end', done)
        response.on('error', done)
      })
      request.end(body)
    })
  }

  close(): void {
    this.agents.http.destroy()
    this.agents.https.destroy()
  }
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused'
  if (error.code === 'ENOTFOUND') return 'host not found'
  return error.code ? `${error.code}: ${error.message}` : error.message
}
