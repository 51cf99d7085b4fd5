import type { AddressInfo } from 'node:net'
import { ensureDemo } from '../../../src/services/demo.service.js'
import type { TestApp } from '../../../test/helpers/test-app.js'
import { createTestApp } from '../../../test/helpers/test-app.js'
import { V2_SECRET } from '../../../test/helpers/v2.js'
import type { OpenlineOptions } from '../src/index.js'
import { Openline } from '../src/index.js'

export interface Sandbox {
  t: TestApp
  /** `http://127.0.0.1:<port>`: a real listening server, reached over the loopback with real fetch. */
  baseUrl: string
  /** The demo tenant's key, as `serve --demo` makes it (demo catalog, 50 numbers, 20 SIMs). */
  apiKey: string
  tenantId: string
  /** A client for the demo tenant; `options` override the defaults (fast retries for tests). */
  client(options?: Partial<OpenlineOptions>): Openline
  /** Runs the demo tenant's due jobs, as the worker of `serve` would (order fulfilment, renewals). */
  runJobs(): Promise<number>
  close(): Promise<void>
}

/**
 * A real Openline server for one test file: the app of `serve` on a fresh database with the
 * sandbox tenant `demo` of `serve --demo`, listening on 127.0.0.1 port 0. The V2 API takes bearer
 * tokens signed with the test secret.
 */
export async function startSandbox(options: Parameters<typeof createTestApp>[0] = {}): Promise<Sandbox> {
  const t = await createTestApp({ v2: { jwtSecret: V2_SECRET }, ...options })
  const demo = await ensureDemo(t.services, 'memory:')
  const tenant = await t.services.tenants.findByName('demo')
  if (!demo.apiKey || !tenant) throw new Error('the demo tenant was not set up')
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = t.app.server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  const apiKey = demo.apiKey
  return {
    t,
    baseUrl,
    apiKey,
    tenantId: tenant.id,
    client: (overrides = {}) =>
      new Openline({ apiKey, baseUrl, retryDelayMs: { initial: 1, max: 5 }, timeoutMs: 10_000, ...overrides }),
    runJobs: () => t.worker.drain({ tenantId: tenant.id }),
    close: () => t.close(),
  }
}
