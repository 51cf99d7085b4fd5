import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hidden, makeOperator, signIn } from '../../helpers/portal.js'
import { createTestApp } from '../../helpers/test-app.js'
import type { TestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const KEYS = '/portal/developers/api-keys'
/** The API key in a page: `ol_sandbox_…` or `ol_live_…`, in full. */
const secretIn = (html: string) => /id="secret-value" class="secret-value">([^<]+)</.exec(html)?.[1]

describe('portal API keys', () => {
  it('creates a key with the ticked scopes, shows its secret once, and the key works on the API', async () => {
    const tenant = await t.tenant()
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const form = await browser.get(`${KEYS}/new`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toMatch(/<label for="scope_write"><code>write<\/code>/)
    const idem = hidden(form.body, '_idem') as string
    const fields = { _idem: idem, label: 'Billing sync', scope_read: 'on', 'scope_sims:puk': 'on' }
    const created = await browser.post(KEYS, fields)
    expect(created.statusCode, created.body).toBe(200)
    expect(created.headers['cache-control']).toBe('no-store')
    expect(created.body).toContain('<script src="/portal/assets/copy.js" defer></script>')
    const secret = secretIn(created.body) as string
    expect(secret).toMatch(/^ol_sandbox_/)
    const api = await t.request({ headers: { 'x-api-key': secret } }, { method: 'GET', url: '/subscriptions' })
    expect(api.statusCode).toBe(200)
    const write = await t.request(
      { headers: { 'x-api-key': secret } },
      { method: 'POST', url: '/customers', payload: { name: 'x' } },
    )
    expect(write.statusCode).toBe(403)
    // The same form again: one key, and no secret this time.
    const twice = await browser.post(KEYS, fields)
    expect(twice.statusCode).toBe(303)
    expect(twice.body).not.toContain(secret)
    const list = await t.request(tenant, { method: 'GET', url: '/api-keys' })
    const keys = (list.json().items as { apiKeyId?: string; id?: string; label: string; scopes: string[] }[]).filter(
      (k) => k.label === 'Billing sync',
    )
    expect(keys).toHaveLength(1)
    expect(keys[0]?.scopes).toEqual(['read', 'sims:puk'])
    const keyPage = await browser.get(twice.headers.location as string)
    expect(keyPage.statusCode).toBe(200)
    expect(keyPage.body).toContain('read, sims:puk')
    expect(keyPage.body).not.toContain(secret)
    const copy = await t.app.inject({ method: 'GET', url: '/portal/assets/copy.js' })
    expect(copy.statusCode).toBe(200)
    expect(copy.headers['content-type']).toContain('text/javascript')
    expect(copy.body).toContain('navigator.clipboard')
  })

  it('refuses a key with no scope ticked, writes nothing, and the same form may be corrected', async () => {
    const tenant = await t.tenant()
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const idem = hidden((await browser.get(`${KEYS}/new`)).body, '_idem') as string
    const refused = await browser.post(KEYS, { _idem: idem, label: 'Nothing' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Tick at least one scope')
    const list = await t.request(tenant, { method: 'GET', url: '/api-keys' })
    expect(list.json().items).toHaveLength(1)
    const corrected = await browser.post(KEYS, { _idem: idem, label: 'Nothing', scope_read: 'on' })
    expect(corrected.statusCode).toBe(200)
  })

  it('lists keys with name, scopes, created, last used and revoked, escaping the name', async () => {
    const tenant = await t.tenant()
    const name = '<script>alert(1)</script><b>key</b>'
    await t.services.apiKeys.create(undefined, tenant.tenant, { label: name, scopes: ['read'] })
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const list = await browser.get(KEYS)
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;key&lt;/b&gt;')
    expect(list.body).not.toContain('<b>key</b>')
    expect(list.body).toContain('2025-01-15 10:00 UTC')
    const rowOf = (html: string) => /<td><a href="[^"]+">test<\/a><\/td>[\s\S]*?<\/tr>/.exec(html)?.[0] as string
    expect(rowOf(list.body)).toContain('<td>never</td>')
    t.clock.advance(60_000)
    await t.request(tenant, { method: 'GET', url: '/subscriptions' })
    const after = rowOf((await browser.get(KEYS)).body)
    expect(after).toContain('<td>2025-01-15 10:01 UTC</td>')
    expect(after).not.toContain('never')
    expect(list.body).not.toContain('New API key…')
  })

  it('revokes a key through a confirmation, once; the API then answers 401 for it', async () => {
    const tenant = await t.tenant()
    const extra = await t.services.apiKeys.create(undefined, tenant.tenant, { label: 'old', scopes: ['read'] })
    const headers = { 'x-api-key': extra.key }
    expect((await t.request({ headers }, { method: 'GET', url: '/subscriptions' })).statusCode).toBe(200)
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const url = `${KEYS}/${extra.apiKey.id}/revoke`
    const confirm = await browser.get(url)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('refused (401)')
    const idem = hidden(confirm.body, '_idem') as string
    const done = await browser.post(url, { _idem: idem })
    expect(done.statusCode, done.body).toBe(303)
    expect(done.headers.location).toBe(`${KEYS}/${extra.apiKey.id}`)
    const twice = await browser.post(url, { _idem: idem })
    expect(twice.headers.location).toBe(done.headers.location)
    const api = await t.request({ headers }, { method: 'GET', url: '/subscriptions' })
    expect(api.statusCode).toBe(401)
    expect((await browser.get(done.headers.location as string)).body).toMatch(/revoked 2025-01-15 \d\d:\d\d UTC/)
  })

  it('signed out goes to sign-in; a viewer reads but cannot act; a missing CSRF token is refused', async () => {
    const tenant = await t.tenant()
    const signedOut = await t.app.inject({ method: 'GET', url: KEYS })
    expect(signedOut.statusCode).toBe(303)
    expect(signedOut.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent(KEYS)}`)
    const viewer = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    expect((await viewer.get(KEYS)).statusCode).toBe(200)
    expect((await viewer.get(`${KEYS}/${tenant.keyId}`)).statusCode).toBe(200)
    expect((await viewer.get(`${KEYS}/new`)).statusCode).toBe(403)
    expect((await viewer.get(`${KEYS}/${tenant.keyId}/revoke`)).statusCode).toBe(403)
    const operator = await signIn(t, await makeOperator(t, tenant, 'operator'))
    const post = await operator.post(`${KEYS}/${tenant.keyId}/revoke`, { _idem: 'operator-try' })
    expect(post.statusCode).toBe(403)
    expect(post.body).toContain('portal.role_forbidden')
    const made = await viewer.post(KEYS, { _idem: 'viewer-try', label: 'x', scope_read: 'on' })
    expect(made.statusCode).toBe(403)
    const admin = await signIn(t, await makeOperator(t, tenant, 'admin'))
    const idem = hidden((await admin.get(`${KEYS}/${tenant.keyId}/revoke`)).body, '_idem') as string
    const noCsrf = await admin.post(`${KEYS}/${tenant.keyId}/revoke`, { _idem: idem, _csrf: '' })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.body).toContain('portal.csrf_failed')
    expect((await t.request(tenant, { method: 'GET', url: '/subscriptions' })).statusCode).toBe(200)
  })

  it('answers 404 for another tenant’s key, to read or to revoke', async () => {
    const other = await t.tenant()
    const tenant = await t.tenant()
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    expect((await browser.get(`${KEYS}/${other.keyId}`)).statusCode).toBe(404)
    expect((await browser.get(`${KEYS}/${other.keyId}/revoke`)).statusCode).toBe(404)
    const post = await browser.post(`${KEYS}/${other.keyId}/revoke`, { _idem: 'foreign' })
    expect(post.statusCode).toBe(404)
    expect((await t.request(other, { method: 'GET', url: '/subscriptions' })).statusCode).toBe(200)
  })
})
