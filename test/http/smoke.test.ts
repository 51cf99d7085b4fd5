import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/test-app.js'
import { createTestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('smoke', () => {
  it('lists keys', async () => {
    const tenant = await t.tenant()
    const res = await t.request(tenant, { method: 'GET', url: '/api-keys' })
    expect(res.statusCode).toBe(200)
    expect(res.json().items).toHaveLength(1)
  })
})
