import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestTenant } from '../helpers/factories.js'
import { countOf } from '../helpers/parties.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/** Found by the bad-input suite: a NUL in a path id reached PostgreSQL and answered 500. */
let t: TestApp
let tenant: TestTenant
beforeAll(async () => {
  t = await createTestApp()
  tenant = await t.tenant()
})
afterAll(() => t.close())

describe('the NUL character (U+0000), which PostgreSQL cannot store', () => {
  it.each([
    ['a path id', { method: 'GET' as const, url: '/subscriptions/rid_%00' }, '/params/subscriptionId'],
    ['a query value', { method: 'GET' as const, url: '/customers?email=a%00b' }, '/query/email'],
    [
      'a body string',
      {
        method: 'POST' as const,
        url: '/customers',
        payload: { customerType: 'CONSUMER', name: 'Ann\u0000', email: 'a@b.se' },
      },
      '/body/name',
    ],
    [
      'a metadata key',
      { method: 'POST' as const, url: '/customers', payload: { customerType: 'CONSUMER', metadata: { 'k\u0000': 1 } } },
      '/body/metadata/k\u0000',
    ],
  ])('in %s is a 400 naming the field, and nothing is written', async (_case, request, path) => {
    const before = await countOf(t, tenant, '/customers')
    const res = await t.request(tenant, request)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json()).toMatchObject({ code: 'request.invalid_characters', errors: [{ path }] })
    expect(await countOf(t, tenant, '/customers')).toBe(before)
  })
})
