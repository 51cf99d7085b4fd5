import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportOpenApi } from '../../src/cli/openapi.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
})
afterAll(() => t.close())

describe('operations', () => {
  it('serves /healthz and /readyz without a key', async () => {
    expect((await t.request(null, { method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await t.request(null, { method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' })
  })

  it('accepts a request id from X-Request-Id, echoes it, and generates one otherwise', async () => {
    const given = await t.request(tenant, {
      method: 'GET',
      url: '/api-keys',
      headers: { 'x-request-id': 'crm-trace-42' },
    })
    expect(given.headers['x-request-id']).toBe('crm-trace-42')
    const generated = await t.request(tenant, { method: 'GET', url: '/api-keys' })
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const unsafe = await t.request(tenant, {
      method: 'GET',
      url: '/api-keys',
      headers: { 'x-request-id': 'bad id\twith "quotes"' },
    })
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('exports Prometheus metrics with a request-duration histogram by route and status', async () => {
    await t.request(tenant, { method: 'GET', url: '/api-keys' })
    await t.request(null, { method: 'GET', url: '/api-keys' })
    const res = await t.request(null, { method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.body).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*method="GET"[^}]*route="\/api-keys"[^}]*status_code="200"/,
    )
    expect(res.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api-keys"[^}]*status_code="401"/)
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })

  it('serves the OpenAPI 3.1 document and the docs page without a key', async () => {
    const doc = (await t.request(null, { method: 'GET', url: '/openapi.json' })).json()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.components.schemas.Problem).toBeDefined()
    expect(doc.paths['/api-keys'].post.responses['409']).toBeDefined()
    const docs = await t.request(null, { method: 'GET', url: '/docs/' })
    expect(docs.statusCode).toBe(200)
    expect(docs.headers['content-type']).toMatch(/html/)
  })

  it('declares response and error schemas on every operation', async () => {
    const doc = (await t.request(null, { method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>
    }
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/)
        expect(
          Object.keys(operation.responses).some((s) => s.startsWith('2')),
          where,
        ).toBe(true)
        if (!['/healthz', '/readyz'].includes(path))
          expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['400', '401', '500']))
      }
    }
  })

  it('matches the committed openapi/openapi.json (run `npm run openapi:export` after changing routes)', async () => {
    expect(JSON.parse(readFileSync('openapi/openapi.json', 'utf8'))).toEqual(JSON.parse(await exportOpenApi()))
  })
})
