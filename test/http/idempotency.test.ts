import { Type } from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { respond } from '../../src/http/respond.js'
import { idem } from '../helpers/factories.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant
let failNext = 0
let releaseSlow: (() => void) | undefined
let slowStarted: (() => void) | undefined

const keyCount = async (tt: TestTenant = tenant) =>
  (await t.request(tt, { method: 'GET', url: '/api-keys?limit=1000' })).json().items.length as number

beforeAll(async () => {
  t = await createTestApp({
    extend: async (app) => {
      // Fails with a 5xx while `failNext` > 0, then creates a key: a retry after an outage must run.
      app.post('/test/flaky', { schema: { body: Type.Object({ label: Type.String() }) } }, async (req, reply) => {
        if (failNext > 0) {
          failNext--
          throw new Error('database went away')
        }
        return respond(
          req,
          reply,
          201,
          (r: { apiKey: { id: string } }) => ({ id: r.apiKey.id }),
          () => t.services.apiKeys.create(req.ctx, req.ctx.tenant, req.body),
        )
      })
      // Holds the request open until the test lets it go: a first request "still running".
      app.post('/test/slow', async (req, reply) => {
        slowStarted?.()
        await new Promise<void>((resolve) => (releaseSlow = resolve))
        return respond(
          req,
          reply,
          201,
          (r: { apiKey: { id: string } }) => ({ id: r.apiKey.id }),
          () => t.services.apiKeys.create(req.ctx, req.ctx.tenant, { label: 'slow' }),
        )
      })
    },
  })
  tenant = await t.tenant()
})
afterAll(() => t.close())

describe('X-Idempotency-Key', () => {
  it('replays the stored status and body with Idempotent-Replayed, without a second effect', async () => {
    const headers = idem()
    const before = await keyCount()
    const first = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      headers,
      payload: { label: 'once', scopes: ['read'] },
    })
    const again = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      headers,
      payload: { scopes: ['read'], label: 'once' },
    })
    expect(first.statusCode).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().apiKey).toEqual(first.json().apiKey)
    expect(await keyCount()).toBe(before + 1)
  })

  it('never stores a secret shown once: a replay of key creation carries its hint instead', async () => {
    const headers = idem()
    const first = await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'secret' } })
    const again = await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'secret' } })
    expect(again.json().key).toBe(`ol_sandbox_…${first.json().key.slice(-4)}`)
    const row = await t.services.db.query.idempotencyKey.findFirst({
      where: (k, { eq }) => eq(k.key, headers['x-idempotency-key'] as string),
    })
    expect(row?.responseBody).not.toContain(first.json().key)
  })

  it('answers the same key with a changed body with 409 idempotency.key_reused naming the body', async () => {
    const headers = idem()
    await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'a' } })
    const before = await keyCount()
    const res = await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'b' } })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'idempotency.key_reused', differences: ['body'] })
    expect(res.json().detail).toContain('body')
    expect(await keyCount()).toBe(before)
  })

  it('names the path and the method when those differ', async () => {
    const a = (await t.request(tenant, { method: 'POST', url: '/api-keys', payload: { label: 'x' } })).json().apiKey.id
    const b = (await t.request(tenant, { method: 'POST', url: '/api-keys', payload: { label: 'y' } })).json().apiKey.id
    const headers = idem()
    expect((await t.request(tenant, { method: 'DELETE', url: `/api-keys/${a}`, headers })).statusCode).toBe(200)
    const path = await t.request(tenant, { method: 'DELETE', url: `/api-keys/${b}`, headers })
    expect(path.json()).toMatchObject({ code: 'idempotency.key_reused', differences: ['path'] })
    const method = await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: {} })
    expect(method.json().differences).toEqual(expect.arrayContaining(['method', 'path', 'body']))
    expect((await t.request(tenant, { method: 'GET', url: `/api-keys/${b}` })).json().revokedAt).toBeNull()
  })

  it('scopes keys by tenant: another tenant may use the same key string', async () => {
    const other = await t.tenant()
    const headers = idem()
    expect(
      (await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'm' } })).statusCode,
    ).toBe(201)
    const theirs = await t.request(other, { method: 'POST', url: '/api-keys', headers, payload: { label: 'n' } })
    expect(theirs.statusCode).toBe(201)
    expect(theirs.headers['idempotent-replayed']).toBeUndefined()
  })

  it('stores 4xx outcomes and replays them', async () => {
    const headers = idem()
    const missing = '01a1fba3-0000-7000-8000-00000000abcd'
    const first = await t.request(tenant, { method: 'DELETE', url: `/api-keys/${missing}`, headers })
    const again = await t.request(tenant, { method: 'DELETE', url: `/api-keys/${missing}`, headers })
    expect(first.statusCode).toBe(404)
    expect(again.statusCode).toBe(404)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.headers['content-type']).toMatch(/problem\+json/)
    expect(again.json().code).toBe('api_key.not_found')
  })

  it('never stores a 5xx: a retry after the outage succeeds', async () => {
    const headers = idem()
    failNext = 1
    const before = await keyCount()
    const failed = await t.request(tenant, { method: 'POST', url: '/test/flaky', headers, payload: { label: 'flaky' } })
    expect(failed.statusCode).toBe(500)
    expect(
      (await t.request(tenant, { method: 'GET', url: `/idempotency-keys/${headers['x-idempotency-key']}` })).json()
        .state,
    ).toBe('unknown')
    const retried = await t.request(tenant, {
      method: 'POST',
      url: '/test/flaky',
      headers,
      payload: { label: 'flaky' },
    })
    expect(retried.statusCode).toBe(201)
    expect(retried.headers['idempotent-replayed']).toBeUndefined()
    expect(await keyCount()).toBe(before + 1)
  })

  it('answers a duplicate that arrives while the first is running with 409 in progress and Retry-After', async () => {
    const headers = idem()
    const started = new Promise<void>((resolve) => (slowStarted = resolve))
    const first = t.request(tenant, { method: 'POST', url: '/test/slow', headers })
    await started
    const second = await t.request(tenant, { method: 'POST', url: '/test/slow', headers })
    expect(second.statusCode).toBe(409)
    expect(second.json().code).toBe('idempotency.request_in_progress')
    expect(second.headers['retry-after']).toBe('1')
    const status = await t.request(tenant, { method: 'GET', url: `/idempotency-keys/${headers['x-idempotency-key']}` })
    expect(status.json()).toMatchObject({ state: 'in_progress', method: 'POST', route: '/test/slow' })
    releaseSlow?.()
    expect((await first).statusCode).toBe(201)
    const third = await t.request(tenant, { method: 'POST', url: '/test/slow', headers })
    expect(third.headers['idempotent-replayed']).toBe('true')
    expect(third.json()).toEqual((await first).json())
  })

  it('lets two requests racing on one key make one effect', async () => {
    const racer = await t.tenant()
    const headers = idem()
    const before = await keyCount(racer)
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request(racer, { method: 'POST', url: '/api-keys', headers, payload: { label: 'race' } }),
      ),
    )
    const statuses = results.map((r) => r.statusCode)
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    const fresh = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined)
    expect(fresh).toHaveLength(1)
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('idempotency.request_in_progress')
    expect(await keyCount(racer)).toBe(before + 1)
  })

  it('accepts keys up to 256 characters; longer or empty is a 400 with nothing written', async () => {
    const before = await keyCount()
    const ok = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      headers: { 'x-idempotency-key': 'k'.repeat(256) },
      payload: { label: 'long' },
    })
    expect(ok.statusCode).toBe(201)
    for (const key of ['k'.repeat(257), '']) {
      const res = await t.request(tenant, {
        method: 'POST',
        url: '/api-keys',
        headers: { 'x-idempotency-key': key },
        payload: { label: 'bad' },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({
        code: 'idempotency.invalid_key',
        errors: [{ path: '/headers/x-idempotency-key' }],
      })
    }
    expect(await keyCount()).toBe(before + 1)
  })

  it('expires keys after 24 hours: the key then starts afresh, and the purge job drops the stored response', async () => {
    const headers = idem()
    const key = headers['x-idempotency-key'] as string
    await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'day-one' } })
    t.clock.advance(24 * 60 * 60 * 1000 - 1000)
    expect(
      (await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'day-two' } }))
        .statusCode,
    ).toBe(409)
    t.clock.advance(2000)
    expect((await t.request(tenant, { method: 'GET', url: `/idempotency-keys/${key}` })).json().state).toBe('expired')
    await t.services.idempotency.purgeExpired()
    const row = await t.services.db.query.idempotencyKey.findFirst({ where: (k, { eq }) => eq(k.key, key) })
    expect(row).toMatchObject({ state: 'expired', responseBody: null })
    const fresh = await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'day-two' } })
    expect(fresh.statusCode).toBe(201)
    expect(fresh.headers['idempotent-replayed']).toBeUndefined()
    expect(fresh.json().apiKey.label).toBe('day-two')
  })

  it('purges expired keys through the worker job, and their tombstones a week later', async () => {
    const headers = idem()
    const key = headers['x-idempotency-key'] as string
    await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'purge' } })
    await t.worker.ensureRecurring()
    t.clock.advance(25 * 60 * 60 * 1000)
    await t.worker.drain()
    expect((await t.request(tenant, { method: 'GET', url: `/idempotency-keys/${key}` })).json().state).toBe('expired')
    t.clock.advance(8 * 24 * 60 * 60 * 1000)
    await t.worker.drain()
    expect((await t.request(tenant, { method: 'GET', url: `/idempotency-keys/${key}` })).json().state).toBe('unknown')
  })

  it('reports a completed key with the status a retry would replay', async () => {
    const headers = idem()
    await t.request(tenant, { method: 'POST', url: '/api-keys', headers, payload: { label: 'status' } })
    const res = await t.request(tenant, { method: 'GET', url: `/idempotency-keys/${headers['x-idempotency-key']}` })
    expect(res.json()).toMatchObject({ state: 'completed', responseStatus: 201, method: 'POST', route: '/api-keys' })
    expect((await t.request(tenant, { method: 'GET', url: '/idempotency-keys/never-used' })).json()).toEqual({
      key: 'never-used',
      state: 'unknown',
    })
    expect((await t.request(null, { method: 'GET', url: '/idempotency-keys/never-used' })).statusCode).toBe(401)
    const other = await t.tenant()
    expect(
      (await t.request(other, { method: 'GET', url: `/idempotency-keys/${headers['x-idempotency-key']}` })).json()
        .state,
    ).toBe('unknown')
  })

  it('ignores the key on GET', async () => {
    const res = await t.request(tenant, { method: 'GET', url: '/api-keys', headers: idem() })
    expect(res.statusCode).toBe(200)
  })
})
