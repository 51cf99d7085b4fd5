import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_FAILURES_PER_ACCOUNT, SESSION_IDLE_MS } from '../../../src/services/portal/session.service.js'
import { CONTENT_SECURITY_POLICY } from '../../../src/http/portal/security.js'
import { createTestApp } from '../../helpers/test-app.js'
import type { TestApp } from '../../helpers/test-app.js'
import { cookieOf, form, makeOperator, PASSWORD, signIn, signInRequest } from '../../helpers/portal.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('portal sign-in and sessions', () => {
  it('sends a signed-out visitor to the sign-in page, and back after signing in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/portal/search?q=x' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/portal/sign-in?next=${encodeURIComponent('/portal/search?q=x')}`)
    const htmx = await t.app.inject({ method: 'GET', url: '/portal', headers: { 'hx-request': 'true' } })
    expect(htmx.statusCode).toBe(401)
    expect(htmx.headers['hx-redirect']).toMatch(/^\/portal\/sign-in/)
    const page = await t.app.inject({ method: 'GET', url: '/portal/sign-in' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<form action="/portal/sign-in" method="post"')
  })

  it('signs in with a session cookie that is HttpOnly, SameSite=Lax, Secure only over https', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'viewer')
    const res = await signInRequest(t, email.toUpperCase(), PASSWORD)
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe('/portal')
    const cookie = res.cookies.find((c) => c.name === 'ol_portal_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/portal' })
    expect(cookie?.secure).toBeFalsy()
    const browser = await signIn(t, email)
    const home = await browser.get('/portal')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain(email)
    expect(home.body).toContain(tenant.tenant.name)
  })

  it('refuses a wrong password and an unknown e-mail with the same message', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'admin')
    const wrong = await signInRequest(t, email, 'not the password at all', '10.0.0.1')
    const unknown = await signInRequest(t, 'nobody@example.test', PASSWORD, '10.0.0.1')
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401)
      expect(res.body).toContain('The e-mail address or the password is wrong.')
      expect(cookieOf(res, 'ol_portal_session')).toBeUndefined()
    }
  })

  it('refuses a sign-in form without its token (login CSRF)', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'admin')
    const res = await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ email, password: PASSWORD, _csrf: 'forged' }),
    })
    expect(res.statusCode).toBe(403)
    expect(cookieOf(res, 'ol_portal_session')).toBeUndefined()
  })

  it('refuses a disabled operator and ends its sessions', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'operator')
    const browser = await signIn(t, email)
    await t.services.operators.disable(email)
    expect((await browser.get('/portal')).statusCode).toBe(303)
    const res = await signInRequest(t, email, PASSWORD)
    expect(res.statusCode).toBe(403)
    expect(res.body).toContain('This operator account is disabled.')
  })

  it('rate-limits failed sign-ins per account, right password or not, for 15 minutes', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'admin')
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++)
      expect((await signInRequest(t, email, 'wrong password!', `10.1.0.${i}`)).statusCode).toBe(401)
    const limited = await signInRequest(t, email, PASSWORD, '10.1.1.1')
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBe('900')
    expect(limited.body).toContain('Too many failed sign-ins')
    t.clock.advance(15 * 60 * 1000 + 1000)
    expect((await signInRequest(t, email, PASSWORD, '10.1.1.1')).statusCode).toBe(303)
  })

  it('rate-limits failed sign-ins per address across accounts', async () => {
    const address = '10.2.0.1'
    for (let i = 0; i < 20; i++)
      expect((await signInRequest(t, `guess-${i}@example.test`, 'wrong password!', address)).statusCode).toBe(401)
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'admin')
    expect((await signInRequest(t, email, PASSWORD, address)).statusCode).toBe(429)
    expect((await signInRequest(t, email, PASSWORD, '10.2.0.2')).statusCode).toBe(303)
  })

  it('ends a session after 12 hours idle, not while it is used', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'viewer')
    const browser = await signIn(t, email)
    t.clock.advance(SESSION_IDLE_MS - 60_000)
    expect((await browser.get('/portal')).statusCode).toBe(200)
    t.clock.advance(SESSION_IDLE_MS - 60_000)
    expect((await browser.get('/portal')).statusCode).toBe(200)
    t.clock.advance(SESSION_IDLE_MS + 1000)
    const expired = await browser.get('/portal')
    expect(expired.statusCode).toBe(303)
    expect(expired.headers.location).toMatch(/^\/portal\/sign-in/)
  })

  it('signs out (the session is revoked, the cookie alone no longer works)', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'viewer')
    const browser = await signIn(t, email)
    const out = await browser.post('/portal/sign-out', {})
    expect(out.statusCode).toBe(303)
    expect((await browser.get('/portal')).statusCode).toBe(303)
  })

  it('refuses a POST without its CSRF token or with a wrong one (403 page), and does nothing', async () => {
    const tenant = await t.tenant()
    const email = await makeOperator(t, tenant, 'viewer')
    const browser = await signIn(t, email)
    for (const csrf of ['', 'wrong-token']) {
      const res = await browser.post('/portal/sign-out', { _csrf: csrf })
      expect(res.statusCode).toBe(403)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.body).toContain('portal.csrf_failed')
    }
    expect((await browser.get('/portal')).statusCode).toBe(200)
  })

  it('sends the strict Content-Security-Policy and framing headers on every portal answer', async () => {
    const tenant = await t.tenant()
    const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
    const answers = [
      await t.app.inject({ method: 'GET', url: '/portal/sign-in' }),
      await browser.get('/portal'),
      await browser.get('/portal/no-such-page'),
      await t.app.inject({ method: 'GET', url: '/portal/assets/portal.css' }),
    ]
    for (const res of answers) {
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
      expect(res.headers['x-frame-options']).toBe('DENY')
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("style-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("form-action 'self'")
    expect(answers[2]?.statusCode).toBe(404)
    // No inline script or style in a page: only the local files.
    expect(answers[1]?.body).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=/)
    const htmx = await t.app.inject({ method: 'GET', url: '/portal/assets/htmx.min.js' })
    expect(htmx.statusCode).toBe(200)
    expect(htmx.headers['content-type']).toContain('javascript')
    expect(htmx.body).toContain('htmx')
  })

  it('keeps the API strict: form bodies are still refused there, and portal routes are not in the OpenAPI document', async () => {
    const tenant = await t.tenant()
    const res = await t.request(tenant, {
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('request.unsupported_media_type')
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/portal'))).toEqual([])
    // A session cookie is no API credential.
    const browser = await signIn(t, await makeOperator(t, tenant, 'admin'))
    expect(
      (await t.app.inject({ method: 'GET', url: '/api-keys', headers: { cookie: browser.cookie } })).statusCode,
    ).toBe(401)
  })
})
