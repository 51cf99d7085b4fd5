import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApiKey } from '../helpers/factories.js'
import type { TestTenant } from '../helpers/factories.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
let tenant: TestTenant
let other: TestTenant

beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
  other = await t.tenant({ sandbox: false })
})
afterAll(() => t.close())

describe('API keys authenticate', () => {
  it('answers 401 with no key', async () => {
    const res = await t.request(null, { method: 'GET', url: '/api-keys' })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.missing_api_key')
  })

  it.each([
    ['garbage', 'not-a-key'],
    ['a well-formed key nobody issued', `ol_sandbox_${Buffer.alloc(64, 7).toString('base64url')}`],
  ])('answers 401 for %s', async (_label, key) => {
    const res = await t.request(null, { method: 'GET', url: '/api-keys', headers: { 'x-api-key': key } })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('auth.invalid_api_key')
  })

  it('answers 401 for a key whose secret was altered', async () => {
    const last = tenant.key.at(-1) === 'A' ? 'B' : 'A'
    const res = await t.request(null, {
      method: 'GET',
      url: '/api-keys',
      headers: { 'x-api-key': `${tenant.key.slice(0, -1)}${last}` },
    })
    expect(res.statusCode).toBe(401)
  })

  it('answers 401 for a sandbox key presented as a live one', async () => {
    const res = await t.request(null, {
      method: 'GET',
      url: '/api-keys',
      headers: { 'x-api-key': tenant.key.replace('ol_sandbox_', 'ol_live_') },
    })
    expect(res.statusCode).toBe(401)
  })

  it('reads the header case-insensitively', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api-keys', headers: { 'X-API-KEY': tenant.key } })
    expect(res.statusCode).toBe(200)
  })

  it('shows live and sandbox keys by their prefix', () => {
    expect(tenant.key.startsWith('ol_sandbox_')).toBe(true)
    expect(other.key.startsWith('ol_live_')).toBe(true)
  })

  it('answers 401 for a revoked key at once, and records last use', async () => {
    const extra = await makeApiKey(t.services, tenant.tenant)
    expect((await t.request(extra, { method: 'GET', url: '/api-keys' })).statusCode).toBe(200)
    const seen = await t.request(tenant, { method: 'GET', url: `/api-keys/${extra.id}` })
    expect(seen.json().lastUsedAt).toBe(t.clock.now().toISOString())
    const revoked = await t.request(tenant, { method: 'DELETE', url: `/api-keys/${extra.id}` })
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json().revokedAt).toBe(t.clock.now().toISOString())
    const after = await t.request(extra, { method: 'GET', url: '/api-keys' })
    expect(after.statusCode).toBe(401)
    expect(after.json().code).toBe('auth.invalid_api_key')
  })

  it('answers 403 when the key lacks the scope', async () => {
    const readOnly = await makeApiKey(t.services, tenant.tenant, ['read'])
    const res = await t.request(readOnly, { method: 'POST', url: '/api-keys', payload: {} })
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'auth.missing_scope', requiredScope: 'admin' })
    const writer = await makeApiKey(t.services, tenant.tenant, ['read', 'write'])
    expect((await t.request(writer, { method: 'GET', url: '/api-keys' })).statusCode).toBe(403)
    expect((await t.request(writer, { method: 'GET', url: '/idempotency-keys/x' })).statusCode).toBe(200)
  })
})

describe('API key management', () => {
  it('creates a key whose secret works, shown once, with the scopes asked for', async () => {
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/api-keys',
      payload: { label: 'crm', scopes: ['read', 'write'] },
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.apiKey).toMatchObject({
      label: 'crm',
      scopes: ['read', 'write'],
      prefix: 'ol_sandbox_',
      hint: body.key.slice(-4),
      revokedAt: null,
    })
    expect(
      (await t.request(null, { method: 'GET', url: '/idempotency-keys/x', headers: { 'x-api-key': body.key } }))
        .statusCode,
    ).toBe(200)
    const fetched = await t.request(tenant, { method: 'GET', url: `/api-keys/${body.apiKey.id}` })
    expect(fetched.json()).not.toHaveProperty('key')
    expect(JSON.stringify(fetched.json())).not.toContain(body.key)
  })

  it('stores only a hash of the secret', async () => {
    const res = await t.request(tenant, { method: 'POST', url: '/api-keys', payload: { label: 'hash-check' } })
    const { key, apiKey } = res.json()
    const row = await t.services.db.query.apiKey.findFirst({ where: (k, { eq }) => eq(k.id, apiKey.id) })
    expect(JSON.stringify(row)).not.toContain(key.slice(11))
    expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers 404 for another tenant’s key, exactly as for an absent one', async () => {
    const foreign = await t.request(tenant, { method: 'DELETE', url: `/api-keys/${other.keyId}` })
    const absent = await t.request(tenant, { method: 'DELETE', url: '/api-keys/01a1fba3-0000-7000-8000-000000000000' })
    expect(foreign.statusCode).toBe(404)
    expect(absent.statusCode).toBe(404)
    expect({ ...foreign.json(), requestId: '', detail: '', id: '' }).toEqual({
      ...absent.json(),
      requestId: '',
      detail: '',
      id: '',
    })
    expect((await t.request(tenant, { method: 'GET', url: `/api-keys/${other.keyId}` })).statusCode).toBe(404)
    expect((await t.request(other, { method: 'GET', url: '/api-keys' })).statusCode).toBe(200)
    const mine = (await t.request(tenant, { method: 'GET', url: '/api-keys' }))
      .json()
      .items.map((k: { id: string }) => k.id)
    expect(mine).not.toContain(other.keyId)
  })

  it('rejects an unknown scope or a non-UUID id with 400, writing nothing', async () => {
    const before = (await t.request(tenant, { method: 'GET', url: '/api-keys?limit=1000' })).json().items.length
    expect(
      (await t.request(tenant, { method: 'POST', url: '/api-keys', payload: { scopes: ['root'] } })).statusCode,
    ).toBe(400)
    expect((await t.request(tenant, { method: 'POST', url: '/api-keys', payload: { scopes: [] } })).statusCode).toBe(
      400,
    )
    expect((await t.request(tenant, { method: 'DELETE', url: '/api-keys/nope' })).statusCode).toBe(400)
    expect((await t.request(tenant, { method: 'GET', url: '/api-keys?limit=1000' })).json().items.length).toBe(before)
  })
})
