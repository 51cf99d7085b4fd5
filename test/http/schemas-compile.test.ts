import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compilePendingSchemas } from '../../src/http/compile-lazily.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

/**
 * Validators and response serializers are compiled on their route's first use
 * (src/http/compile-lazily.ts). Here every one that is still waiting is compiled, so a schema that
 * does not compile fails this test instead of some route's first request in production; and one
 * route is seen to validate and serialise the same after its compile as an eager one would.
 */
describe('route schemas compiled on first use', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('validates and serialises on a route whose schemas were never compiled', async () => {
    const tenant = await t.tenant()
    const bad = await t.request(tenant, { method: 'POST', url: '/customers', payload: { colour: 'blue' } })
    expect(bad.statusCode, bad.body).toBe(400)
    expect(bad.json()).toMatchObject({
      code: 'request.validation_failed',
      errors: expect.arrayContaining([{ path: '/body/colour', message: 'is not a known field' }]),
    })
    const listed = await t.request(tenant, { method: 'GET', url: '/customers?limit=1' })
    expect(listed.statusCode).toBe(200)
    expect(listed.json()).toMatchObject({ items: [] })
  })

  it('compiles every route schema still waiting, none failing', () => {
    // Hundreds of routes, each with validators and serializers: the count proves they were waiting.
    expect(compilePendingSchemas()).toBeGreaterThan(200)
    expect(compilePendingSchemas()).toBe(0)
  })
})
