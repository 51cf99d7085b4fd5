import { afterAll, beforeAll, expect, it } from 'vitest'
import { makeOperator, signIn } from '../../helpers/portal.js'
import type { TestApp } from '../../helpers/test-app.js'
import { createTestApp } from '../../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

const PAGE = '/portal/developers/idempotency-keys'

it('looks up a key the tenant used (its request and the status a retry replays), escaping it; another tenant’s is unknown', async () => {
  const tenant = await t.tenant()
  const key = '<b>retry-7</b>'
  const made = await t.request(tenant, {
    method: 'POST',
    url: '/customers',
    payload: { customerType: 'CONSUMER', name: 'Key user' },
    headers: { 'x-idempotency-key': key },
  })
  expect(made.statusCode, made.body).toBe(201)
  const browser = await signIn(t, await makeOperator(t, tenant, 'viewer'))
  expect((await browser.get(PAGE)).statusCode).toBe(200)
  const found = await browser.get(`${PAGE}?key=${encodeURIComponent(key)}`)
  expect(found.statusCode).toBe(200)
  expect(found.body).toContain('<dd>completed</dd>')
  expect(found.body).toContain('<code>POST /customers</code>')
  expect(found.body).toContain('<dt>A retry replays</dt><dd>201</dd>')
  expect(found.body).toContain('&lt;b&gt;retry-7&lt;/b&gt;')
  expect(found.body).not.toContain(key)
  expect(found.body).toContain('Expires</dt><dd>2025-01-16 10:00 UTC')

  const stranger = await signIn(t, await makeOperator(t, await t.tenant(), 'viewer'))
  const other = await stranger.get(`${PAGE}?key=${encodeURIComponent(key)}`)
  expect(other.body).toContain('<dd>unknown</dd>')
  expect(other.body).not.toContain('POST /customers')
  expect((await t.app.inject({ method: 'GET', url: PAGE })).statusCode).toBe(303)
})
