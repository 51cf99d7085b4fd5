import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/** Lines a logger at `level` writes, parsed, with the app that logs through it. */
async function appLogging(level: pino.Level) {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) })
  return { t: await createTestApp({ logger }), lines }
}

const about = (lines: Record<string, unknown>[], requestId: string) => lines.filter((l) => l.reqId === requestId)

describe('request log', () => {
  let info: { t: TestApp; lines: Record<string, unknown>[] }
  let warn: { t: TestApp; lines: Record<string, unknown>[] }
  let debug: { t: TestApp; lines: Record<string, unknown>[] }
  beforeAll(async () => {
    ;[info, warn, debug] = await Promise.all([appLogging('info'), appLogging('warn'), appLogging('debug')])
  })
  afterAll(() => Promise.all([info.t.close(), warn.t.close(), debug.t.close()]))

  it('writes one line per answered request at info, with its status, time, tenant and key', async () => {
    const tenant = await info.t.tenant()
    const res = await info.t.request(tenant, {
      method: 'GET',
      url: '/customers?limit=1',
      headers: { 'x-request-id': 'log-test-1' },
    })
    expect(res.statusCode).toBe(200)
    const lines = about(info.lines, 'log-test-1')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/customers?limit=1', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
      tenantId: tenant.tenant.id,
      apiKeyId: tenant.keyId,
      responseTime: expect.any(Number),
    })
    expect(JSON.stringify(lines[0])).not.toContain(tenant.key)
  })

  it('logs a refused request too, before any tenant is known', async () => {
    await info.t.request(null, { method: 'GET', url: '/customers', headers: { 'x-request-id': 'log-test-2' } })
    expect(about(info.lines, 'log-test-2')).toMatchObject([{ msg: 'request completed', res: { statusCode: 401 } }])
  })

  it('writes no request line at warn', async () => {
    const tenant = await warn.t.tenant()
    await warn.t.request(tenant, { method: 'GET', url: '/customers', headers: { 'x-request-id': 'log-test-3' } })
    expect(about(warn.lines, 'log-test-3')).toEqual([])
  })

  it('adds the arrival line at debug', async () => {
    const tenant = await debug.t.tenant()
    await debug.t.request(tenant, { method: 'GET', url: '/customers', headers: { 'x-request-id': 'log-test-4' } })
    expect(about(debug.lines, 'log-test-4').map((l) => l.msg)).toEqual(['incoming request', 'request completed'])
  })
})
