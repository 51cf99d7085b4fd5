import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEntityRef } from '../../src/domain/shared/ids.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'
import type { TestTenant } from '../helpers/factories.js'

let t: TestApp
let tenant: TestTenant
const logs: string[] = []

beforeAll(async () => {
  const { default: pino } = await import('pino')
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) })
  t = await createTestApp({
    logger,
    // A route that reaches an id resolver and one that fails unexpectedly: the error classes of every route.
    extend: async (app) => {
      app.get('/test/things/:thingId', { schema: { params: Type.Object({ thingId: Type.String() }) } }, async (req) =>
        parseEntityRef(req.params.thingId, 'thingId'),
      )
      app.get('/test/boom', async () => {
        throw new Error('connection to 10.0.0.7 refused: password authentication failed for user "billing"')
      })
    },
  })
  tenant = await t.tenant()
})
afterAll(() => t.close())

const expectProblem = (
  res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> },
  status: number,
  code: string,
) => {
  expect(res.statusCode).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  const body = res.json()
  expect(body).toMatchObject({
    status,
    code,
    type: `urn:openline:problem:${code}`,
    requestId: res.headers['x-request-id'],
  })
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  return body
}

describe('error responses (RFC 9457)', () => {
  it('answers malformed JSON with 400 request.malformed_json and writes nothing', async () => {
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      headers: { 'content-type': 'application/json' },
      payload: '{"label": "x",',
    })
    expectProblem(res, 400, 'request.malformed_json')
    const list = await t.request(tenant, { method: 'GET', url: '/api-keys' })
    expect(list.json().items).toHaveLength(1)
  })

  it('takes an empty body sent as application/json as no body, and still refuses whitespace', async () => {
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/json' },
      payload: '',
    })
    expectProblem(res, 400, 'request.validation_failed')
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['/body/customerType', '/body/name'])
    const blank = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/json' },
      payload: '  ',
    })
    expectProblem(blank, 400, 'request.malformed_json')
  })

  it('answers a wrong content type with 400 request.unsupported_media_type', async () => {
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      headers: { 'content-type': 'text/plain' },
      payload: 'label=x',
    })
    expectProblem(res, 400, 'request.unsupported_media_type')
  })

  it('lists every bad field of a schema violation with its path', async () => {
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      payload: { label: 7, scopes: ['read', 'everything'] },
    })
    const body = expectProblem(res, 400, 'request.validation_failed')
    const paths = (body.errors as { path: string }[]).map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/body/label', '/body/scopes/1']))
  })

  it('names the query parameter of a bad query', async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/api-keys?limit=0' })
    const body = expectProblem(res, 400, 'request.validation_failed')
    expect(body.errors).toEqual([expect.objectContaining({ path: '/query/limit' })])
  })

  it('answers an id that is neither a UUID nor rid_… with 400 request.invalid_id', async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/test/things/not-an-id' })
    const body = expectProblem(res, 400, 'request.invalid_id')
    expect(body.errors).toEqual([expect.objectContaining({ path: '/params/thingId' })])
    expect((await t.request(tenant, { method: 'GET', url: '/test/things/rid_' })).statusCode).toBe(400)
    expect((await t.request(tenant, { method: 'GET', url: `/test/things/rid_${'x'.repeat(256)}` })).statusCode).toBe(
      400,
    )
    const ok = await t.request(tenant, { method: 'GET', url: '/test/things/rid_crm-12345' })
    expect(ok.json()).toEqual({ kind: 'reference', reference: 'crm-12345' })
  })

  it('answers a body over 1 MiB with 413', async () => {
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      payload: { label: 'x'.repeat(1024 * 1024 + 10) },
    })
    expectProblem(res, 413, 'request.body_too_large')
  })

  it('answers an unknown route with 404 route.not_found', async () => {
    expectProblem(await t.request(tenant, { method: 'GET', url: '/no-such-thing' }), 404, 'route.not_found')
    // Even without a key: an unknown route is not an authentication question.
    expectProblem(await t.request(null, { method: 'GET', url: '/no-such-thing' }), 404, 'route.not_found')
  })

  it('answers an unknown method on a known route with 405 and Allow', async () => {
    const res = await t.request(tenant, { method: 'PATCH', url: '/api-keys' })
    expectProblem(res, 405, 'request.method_not_allowed')
    expect(res.headers.allow).toBe('GET, POST')
  })

  it('never shows an internal message in a 500, and logs it with the request id', async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/test/boom', headers: { 'x-request-id': 'req-boom-1' } })
    const body = expectProblem(res, 500, 'internal.error')
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.7|password|billing/)
    expect(body.requestId).toBe('req-boom-1')
    const logged = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.reqId === 'req-boom-1' && l.level === 50)
    expect(logged?.err).toMatchObject({ message: expect.stringContaining('password authentication failed') })
  })

  it('never writes an API key into the logs', async () => {
    await t.request(tenant, { method: 'GET', url: '/api-keys' })
    await t.request(null, { method: 'GET', url: '/api-keys', headers: { 'x-api-key': `${tenant.key}x` } })
    expect(logs.join('\n')).not.toContain(tenant.key)
    expect(logs.join('\n')).not.toContain(tenant.key.slice(12, 60))
  })
})
